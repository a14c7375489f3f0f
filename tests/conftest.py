"""The whole suite: one seed for everything random, hypothesis' settings, and the fuzz tally.

Every random test (each hypothesis test, and any test taking the ``fuzz_seed``
fixture) runs from one seed per session: ``BACKPROP_FUZZ_SEED`` when set, else a
fresh one.  The seed is printed at the end of the run and under every failing random
test, so ``BACKPROP_FUZZ_SEED=<seed> make test`` (or the same pytest command) tries
the same inputs again.  Hypothesis also prints a failing example and its
``@reproduce_failure`` blob.

Fixtures for one area live in that area's conftest.py (tests/web, tests/page);
helpers shared between areas in tests/support/.
"""

import os
import random

import pytest
from hypothesis import HealthCheck, is_hypothesis_test, seed, settings

from tests.support.fuzzing import tally_line

SEED_VARIABLE = "BACKPROP_FUZZ_SEED"
SEED_KEY = pytest.StashKey[int]()

# No deadline and no too_slow health check: both measure time, which a busy machine
# stretches, and would fail a test for the machine's load rather than the code.
settings.register_profile("backprop", deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("backprop")


def rerun_hint(config) -> str:
    """How to run the same random inputs again."""
    forced = config.getoption("hypothesis_seed", None)
    if forced is not None:  # hypothesis' own option wins over ours
        return f"hypothesis seed: {forced} (from --hypothesis-seed)"
    value = config.stash[SEED_KEY]
    return f"fuzz seed: {value} (rerun with {SEED_VARIABLE}={value})"


def pytest_configure(config):
    text = os.environ.get(SEED_VARIABLE, "").strip()
    if text:
        try:
            value = int(text)
        except ValueError:
            raise pytest.UsageError(f"{SEED_VARIABLE} must be a whole number, not {text!r}")
    else:
        value = random.SystemRandom().randrange(2 ** 32)
    config.stash[SEED_KEY] = value


def pytest_report_header(config):
    return rerun_hint(config)


def uses_the_seed(item) -> bool:
    return is_hypothesis_test(getattr(item, "obj", None)) or "fuzz_seed" in getattr(
        item, "fixturenames", ())


def pytest_collection_modifyitems(config, items):
    """Give every hypothesis test the session's seed (unless it has an @seed of its own, or
    pytest was given hypothesis' own --hypothesis-seed)."""
    if config.getoption("hypothesis_seed", None) is not None:
        return
    value = config.stash[SEED_KEY]
    for item in items:
        test = getattr(item, "obj", None)
        own_seed = getattr(test, "_hypothesis_internal_use_seed", None)  # what @seed sets
        if is_hypothesis_test(test) and own_seed is None:
            seed(value)(test)


@pytest.fixture
def fuzz_seed(request) -> int:
    """The session's seed, for a test that draws random inputs itself (random.Random(fuzz_seed))."""
    return request.config.stash[SEED_KEY]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under a failing random test, the seed that reproduces it."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and uses_the_seed(item):
        report.sections.append(("fuzz seed", rerun_hint(item.config)))


def pytest_terminal_summary(terminalreporter, config):
    line = tally_line()
    if line:
        terminalreporter.write_line(line)
    terminalreporter.write_line(rerun_hint(config))
