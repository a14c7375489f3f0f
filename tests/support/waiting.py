"""Waiting on state in tests: poll a condition, never sleep for a fixed time and hope."""

import time


def wait_for(condition, timeout, interval=0.05):
    """``condition()`` once it is true, or its last value after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    return condition()
