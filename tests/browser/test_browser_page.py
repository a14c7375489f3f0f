"""The page in Chromium: typing, inputs, errors, presets, hover, zoom and export."""

import re

import pytest

from pagehelpers import (CIRCUIT, CIRCUIT_VALUES, has_class, open_view, share_hash,
                         svg_text, wait_ready, wait_status)

pytestmark = pytest.mark.browser


def type_program(page, text):
    editor = page.locator("#program")
    editor.fill("")
    editor.press_sequentially(text)


def test_typing_the_circuit_draws_the_figure(page):
    page.goto("/" + share_hash("a"))
    wait_ready(page)
    type_program(page, CIRCUIT)
    for name in "xyz":
        page.wait_for_selector(f"#input-{name}")
    for name, value in CIRCUIT_VALUES.items():
        page.fill(f"#input-{name}", str(value))
    page.wait_for_function(
        "() => document.querySelector('svg.circuit [id=value-edge-out]')?.textContent.trim() === '-12.00'")
    wait_ready(page)
    assert svg_text(page, "value-edge-out") == "-12.00"
    assert svg_text(page, "grad-edge-0") == "-4.00"  # x's wire, red
    assert page.locator("svg.circuit #grad-edge-0 text").get_attribute("fill") == "#d00000"
    strip = page.locator("#result-strip").text_content()
    assert "-12.00" in strip and "df/dz = 3.00" in strip


def test_input_fields_follow_the_names(page):
    open_view(page, "a * b", {"a": 2, "b": 3})
    page.fill("#input-a", "7")
    page.wait_for_function(
        "() => document.querySelector('svg.circuit [id=value-edge-out]')?.textContent.trim() === '21.00'")
    type_program(page, "a * c")
    page.wait_for_selector("#input-c")
    page.wait_for_selector("#input-b", state="detached")
    assert page.input_value("#input-a") == "7"  # kept while editing
    assert page.input_value("#input-c") == "1"  # a new name starts at 1.0
    wait_ready(page)
    assert svg_text(page, "value-edge-out") == "7.00"


def test_literal_assignment_needs_no_field(page):
    open_view(page, "x = -2\nf = x * y", {"y": 3})
    assert page.locator("#inputs input").count() == 1
    assert page.input_value("#input-y") == "3"


def test_invalid_value_is_marked_and_not_sent(page):
    open_view(page)
    page.fill("#input-x", "abc")
    assert has_class(page, "#input-x", "is-invalid")
    assert svg_text(page, "value-edge-out") == "-12.00"


def test_error_shows_message_underline_and_dims_the_last_graph(page):
    open_view(page)
    # In one edit: typed key by key, a pause past the typing delay would draw a
    # valid prefix (`f = q`) as the last good graph.
    page.fill("#program", "q = x + y\nf = q * (z +")
    wait_status(page, "error")
    message = page.locator("#message").inner_text()
    assert "line 2" in message and "missing" in message
    marked = page.locator("#editor-backdrop mark.mark-error")
    assert marked.count() == 1
    assert marked.inner_text() == "+"
    assert has_class(page, "#graph", "is-stale")
    assert svg_text(page, "value-edge-out") == "-12.00"  # the last good graph stays
    type_program(page, CIRCUIT)
    wait_ready(page)
    assert not has_class(page, "#graph", "is-stale")
    assert page.locator("#editor-backdrop mark.mark-error").count() == 0


def test_error_at_the_end_of_the_text_is_still_marked(page):
    open_view(page)
    type_program(page, "(x + y")
    wait_status(page, "error")
    assert page.locator("#editor-backdrop mark.mark-error").count() >= 1


def test_non_finite_values_are_drawn_and_warned_about(page):
    open_view(page, "f = log(x) * y", {"x": 0, "y": 2})
    assert svg_text(page, "value-edge-out") == "-inf"
    assert "non-finite" in page.locator("#message").inner_text()
    assert page.locator("svg.circuit .nonfinite").count() > 0  # dashed wires, no CSP trouble


def test_a_late_answer_never_overwrites_a_newer_one(page):
    # Answers for programs with the name "slow" arrive 800 ms late, and aborting is ignored.
    page.add_init_script("""(() => {
      const realFetch = window.fetch.bind(window);
      window.fetch = async (url, options = {}) => {
        if (String(options.body || '').includes('slow')) {
          await new Promise((resolve) => setTimeout(resolve, 800));
        }
        return realFetch(url, { ...options, signal: undefined });
      };
    })();""")
    open_view(page, "x * 2", {"x": 1})
    type_program(page, "slow * 2")
    page.wait_for_timeout(300)  # the slow request is on its way
    type_program(page, "fast * 3")
    page.wait_for_timeout(1500)
    wait_ready(page)
    assert page.locator("#input-fast").count() == 1
    assert page.locator("#input-slow").count() == 0
    assert svg_text(page, "value-edge-out") == "3.00"


@pytest.mark.parametrize("preset, output, extra", [
    ("circuit", "-12.00", {"grad-edge-0": "-4.00"}),
    ("neuron", "0.73", {"grad-edge-out": "1.00"}),
    ("staged", "1.55", {}),
    ("gates", "-20.00", {}),
    ("fanout", "9.00", {"total-node-0": "6.00"}),
    ("softmax", "0.35", {}),
    ("micrograd", "24.70", {}),
])
def test_presets_load_and_show_their_numbers(page, preset, output, extra):
    open_view(page, "a", {"a": 1})
    page.select_option("#presets", preset)
    page.wait_for_function(
        "(want) => document.querySelector('svg.circuit [id=value-edge-out]')?.textContent.trim() === want",
        arg=output)
    wait_ready(page)
    for svg_id, text in extra.items():
        assert svg_text(page, svg_id) == text
    assert "p=" in page.url


def test_micrograd_preset_gradients(page):
    open_view(page, "a", {"a": 1})
    page.select_option("#presets", "micrograd")
    page.wait_for_function("() => document.querySelector('#input-b')")
    wait_ready(page)
    strip = page.locator("#result-strip").text_content()
    assert "dg2/da = 138.83" in strip and "dg2/db = 645.58" in strip


def test_hovering_a_gate_fills_the_panel_and_marks_the_program(page):
    open_view(page)
    page.hover("svg.circuit #node-2")
    details = page.locator("#details-body")
    details.get_by_text("Gate +").wait_for()
    text = details.inner_text()
    assert "x + y" in text and "3.00" in text and "-4.00" in text
    assert "dq/dx" in text  # the local derivative from the backward step
    assert page.locator("#editor-backdrop mark.mark-node").inner_text() == "x + y"
    assert has_class(page, "svg.circuit #node-2", "is-hover")


def test_hovering_a_wire_shows_its_chain_rule(page):
    open_view(page)
    page.hover("svg.circuit #grad-edge-3 text")  # z's wire into *
    details = page.locator("#details-body")
    details.get_by_text("Wire z").wait_for()
    text = details.inner_text()
    assert "3.00" in text and "df/dz" in text


def test_clicking_pins_the_panel(page):
    open_view(page)
    page.click("svg.circuit #node-4")
    page.mouse.move(5, 5)
    assert "Gate *" in page.locator("#details-body").inner_text()


def test_caret_in_the_program_highlights_its_node(page):
    open_view(page)
    editor = page.locator("#program")
    editor.focus()
    editor.evaluate("el => el.setSelectionRange(6, 6)")  # inside "x + y" on the "+"
    page.wait_for_function("() => document.querySelector('svg.circuit #node-2.is-hover')")
    editor.evaluate("el => el.setSelectionRange(19, 19)")  # after the z of "q * z"
    page.wait_for_function("() => document.querySelector('svg.circuit #edge-3.is-hover')")


def test_zoom_buttons_change_the_view_and_fit_restores_it(page):
    open_view(page)
    view_box = lambda: [float(v) for v in page.get_attribute("svg.circuit", "viewBox").split()]
    fitted = view_box()
    page.click("#zoom-in")
    zoomed = view_box()
    assert zoomed[2] < fitted[2]
    page.mouse.move(900, 400)
    page.mouse.wheel(0, 300)  # zoom out around the pointer
    assert view_box()[2] > zoomed[2]
    page.mouse.move(900, 400)
    page.mouse.down()
    page.mouse.move(800, 350, steps=5)
    page.mouse.up()
    dragged = view_box()
    assert dragged[0] != zoomed[0] or dragged[1] != zoomed[1]
    page.click("#zoom-fit")
    assert view_box() == pytest.approx(fitted)


def test_downloads(page):
    open_view(page)
    for button, name, start in [("#download-svg", "backprop-graph.svg", b"<?xml"),
                                ("#download-dot", "backprop-graph.dot", b"digraph"),
                                ("#download-png", "backprop-graph.png", b"\x89PNG")]:
        with page.expect_download() as info:
            page.click(button)
        download = info.value
        assert download.suggested_filename == name
        with open(download.path(), "rb") as handle:
            data = handle.read()
        assert data.startswith(start), name
        if name.endswith(".svg"):
            assert b"-12.00" in data


def test_copy_link_copies_the_address(page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_view(page)
    page.click("#copy-link")
    page.locator("#toast").get_by_text("Link copied").wait_for()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == page.url and "p=" in copied


def test_render_error_still_shows_the_numbers(page):
    def drop_svg(route):
        response = route.fetch()
        data = response.json()
        data.update(svg=None, render_error={"message": "Graphviz's `dot` program is not installed",
                                            "start": None, "end": None})
        route.fulfill(response=response, json=data)

    page.route("**/api/graph", drop_svg)
    page.goto("/" + share_hash(CIRCUIT, CIRCUIT_VALUES))
    wait_ready(page)
    assert "not installed" in page.locator("#graph-note").inner_text()
    assert "-12.00" in page.locator("#result-strip").text_content()
    assert page.locator("svg.circuit").count() == 0


def test_page_loads_nothing_from_elsewhere(page, base_url):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    open_view(page)
    outside = [url for url in requested
               if not url.startswith(base_url) and not re.match(r"^(data|blob):", url)]
    assert outside == []
