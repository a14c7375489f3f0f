"""Hostile input to the engine, tried systematically: only an EngineError or a JSON-safe result.

Hypothesis sends grammar-aware random programs (with random values) and random text
through ``engine.evaluate``, ``to_dict`` and ``render.to_dot`` in-process.  The
generator (``app.fuzzing.random_program``) takes a ``random.Random``, so the same code
drives hypothesis here (through ``st.randoms()``; a failure names its seed) and the long
by-hand run in ``scripts/fuzz.py``.  Like every random test, these run from the
session's seed (``BACKPROP_FUZZ_SEED``, printed at the end of the run).  The same
inputs through the API: tests/web/test_fuzz_api.py.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.fuzzing import check_engine, random_program, random_values
from tests.support.fuzzing import INPUTS, fuzz

pytestmark = pytest.mark.slow


@fuzz(1500)
@given(rng=st.randoms(use_true_random=True))
def test_engine_grammar_programs(rng):
    text = random_program(rng)
    values = random_values(rng, text)
    INPUTS["engine-grammar"] += 1
    check_engine(text, values)


@fuzz(600)
@given(text=st.text(max_size=60))
def test_engine_random_text(text):
    INPUTS["engine-text"] += 1
    check_engine(text, {})
