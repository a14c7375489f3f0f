"""What the fuzz tests share: hypothesis settings for a fuzz test, and the tally of what they tried.

The generators and oracles themselves are in app/fuzzing.py (scripts/fuzz.py uses them too).
"""

import collections

from hypothesis import HealthCheck, settings

# How many inputs each fuzz test tried, and what the API answered them (by status);
# tests/conftest.py prints both at the end of the run.
INPUTS: collections.Counter = collections.Counter()
STATUSES: collections.Counter = collections.Counter()

_FUZZ = settings(deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                        HealthCheck.data_too_large,
                                        HealthCheck.function_scoped_fixture])


def fuzz(examples: int):
    """Hypothesis settings for one fuzz test: ``examples`` inputs, no deadline, no database."""
    return settings(_FUZZ, max_examples=examples)


def tally_line() -> str | None:
    """One line saying how many inputs the fuzz tests tried, or None if none ran."""
    total = sum(INPUTS.values())
    if not total:
        return None
    parts = ", ".join(f"{key} {n}" for key, n in sorted(INPUTS.items()))
    line = f"fuzz: {total} inputs ({parts})"
    if STATUSES:
        line += "; API statuses " + ", ".join(f"{key}: {n}" for key, n in sorted(STATUSES.items()))
    return line
