"""The embed view in Chromium: its flags hide what they say, it fits a small frame, its
link opens the whole page; and a page of another origin (a second live server on
another port) can frame it only when the FRAME_ANCESTORS setting lists that origin."""

import pytest

from app.liveserver import live_server
from tests.support.framing import framing_site
from tests.support.pagehelpers import (CIRCUIT, CIRCUIT_VALUES, NEURON, NEURON_VALUES, no_horizontal_scroll,
                                       share_hash, wait_ready)

pytestmark = pytest.mark.browser


def shown(page, selector):
    return page.locator(selector).is_visible()


@pytest.mark.parametrize("size, locale", [("desktop", "en-US"), ("phone", "ko-KR")])
def test_the_flags_hide_what_they_name(make_page, size, locale):
    page = make_page(size, locale)
    page.goto("/embed?hide=editor,inputs" + share_hash(NEURON, NEURON_VALUES, 4))
    wait_ready(page)
    page.wait_for_selector("svg.circuit")
    assert not shown(page, ".topbar") and not shown(page, "#program") and not shown(page, "#inputs")
    assert shown(page, "#player") and shown(page, "#details") and shown(page, ".export")
    assert page.locator("#step-counter").inner_text() == ("step 4 / 17" if locale == "en-US" else "단계 4 / 17")
    assert no_horizontal_scroll(page)
    # The link to the whole page opens what the frame shows.
    link = page.locator("#open-full")
    assert link.inner_text() == ("Open in backprop-viz" if locale == "en-US" else "backprop-viz에서 열기")
    link.focus()
    href = link.get_attribute("href")
    assert href.startswith("/#p=") and "s=4" in href and link.get_attribute("target") == "_blank"


def test_a_graph_and_nothing_else(make_page):
    page = make_page("desktop")
    page.goto("/embed?hide=editor,inputs,options,details,player,export,strip" + share_hash(CIRCUIT, CIRCUIT_VALUES))
    wait_ready(page)
    page.wait_for_selector("svg.circuit")
    for selector in [".side", "#player", ".export", "#result-strip", ".topbar"]:
        assert not shown(page, selector), selector
    # The graph takes the width the side column had.
    graph = page.locator("#graph").bounding_box()
    assert graph["width"] > 1440 * 0.9
    # An error still has a place to show (the message sits above the graph when there is no side column).
    page.evaluate("(h) => { location.hash = h; }", share_hash("x +", {}))
    page.wait_for_selector("body[data-status=error]", state="attached")
    assert shown(page, "#message") and "missing" in page.locator("#message").inner_text()


def open_parent(browser, origin):
    """A fresh context on the other site's page; the console is not watched (a refused frame logs an error)."""
    context = browser.new_context(viewport={"width": 900, "height": 700})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(origin + "/")
    return page


def test_a_listed_origin_can_frame_the_embed_view(browser):
    with framing_site() as (origin, frame), live_server({"FRAME_ANCESTORS": [origin]}) as app_url:
        frame(f"{app_url}/embed?hide=editor" + share_hash(CIRCUIT, CIRCUIT_VALUES))
        page = open_parent(browser, origin)
        try:
            inside = page.frame_locator("#embedded")
            inside.locator("body[data-status=ready]").wait_for(state="attached")
            assert inside.locator("svg.circuit").count() == 1
            assert "-12.00" in inside.locator("#result-strip").text_content()
        finally:
            page.context.close()


@pytest.mark.parametrize("config, path", [
    (None, "/embed"),  # nobody is listed
    ({"FRAME_ANCESTORS": ["https://somewhere-else.example.org"]}, "/embed"),  # another site is
    ("listed", "/"),  # listed, but the page itself is never framed, only its embed view
])
def test_other_origins_cannot_frame_it(browser, config, path):
    with framing_site() as (origin, frame):
        settings = {"FRAME_ANCESTORS": [origin]} if config == "listed" else config
        with live_server(settings) as app_url:
            frame(f"{app_url}{path}" + share_hash(CIRCUIT, CIRCUIT_VALUES))
            page = open_parent(browser, origin)
            try:
                # The browser refuses the frame: it shows its own error page, never the app's.
                page.wait_for_function("() => document.readyState === 'complete'")
                child = next(f for f in page.frames if f != page.main_frame)
                child.wait_for_load_state()
                assert child.url.startswith("chrome-error://")
                assert child.locator("#graph").count() == 0
            finally:
                page.context.close()
