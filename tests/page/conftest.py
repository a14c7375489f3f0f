"""Browser fixtures: one live server and one Chromium per session, a fresh context per test.

Uses the system Chromium (/usr/bin/chromium); `playwright install` is never needed.
Every test fails if the page logged an error: CSP violations and uncaught
exceptions show up in the console.
"""

import logging
import re

import pytest

from app.liveserver import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, live_server
from tests.support.pagehelpers import SIZES, settle, track_requests

# The API answers bad programs with 4xx on purpose; Chromium logs every such
# fetch as a console error.  Those, and only those, are expected.
EXPECTED_API_ERROR = re.compile(r"Failed to load resource: the server responded with a status of 4\d\d")


@pytest.fixture(scope="session")
def base_url():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with live_server() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def console_errors():
    return []


def watch_console(page, console_errors):
    """Collect the page's console errors and warnings (but the API's expected 4xx) and uncaught exceptions."""
    def on_console(message):
        if message.type not in ("error", "warning"):
            return
        url = (message.location or {}).get("url", "")
        if EXPECTED_API_ERROR.search(message.text) and url.endswith("/api/graph"):
            return
        console_errors.append(f"console {message.type}: {message.text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: console_errors.append(f"page error: {error}"))


@pytest.fixture
def page(browser, base_url, console_errors):
    context = browser.new_context(viewport=VIEWPORT, base_url=base_url, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    watch_console(page, console_errors)
    pending = track_requests(page)
    yield page
    settle(page, pending)
    context.close()
    assert console_errors == []


@pytest.fixture
def make_page(browser, base_url, console_errors):
    """make_page(size, locale, color_scheme, **context options) -> a page of a fresh context.

    `size` is a key of SIZES (desktop 1440x900, tablet 768x1024, phone 390x844); a
    tablet and a phone have a touch screen, and the phone is a mobile browser.  Its
    console errors fail the test, as the `page` fixture's do.
    """
    made = []

    def maker(size="desktop", locale="en-US", color_scheme="light", **options):
        options.setdefault("base_url", base_url)
        context = browser.new_context(viewport=SIZES[size], locale=locale, color_scheme=color_scheme,
                                      has_touch=size != "desktop", is_mobile=size == "phone", **options)
        page = context.new_page()
        page.set_default_timeout(10_000)
        watch_console(page, console_errors)
        made.append((page, track_requests(page)))
        return page

    yield maker
    for page, pending in made:
        settle(page, pending)
        page.context.close()
    assert console_errors == []
