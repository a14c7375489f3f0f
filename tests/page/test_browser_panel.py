"""The chain-rule panel shows exactly the wires of the figure, each with its local
derivative's formula and numbers; the formula typesetter; values that arrive as
summaries (Chromium)."""

import json
from urllib.parse import quote

import pytest

import engine
from engine.ops import notation as notation_of
from tests.support.pagehelpers import counter, run_module, share_hash, svg_text, wait_ready

pytestmark = pytest.mark.browser

NEURON = "f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))"
NEURON_VALUES = {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}
GATES = "f = 2 * (x*y + max(z, w))"
GATES_VALUES = {"x": 3, "y": -4, "z": 2, "w": -1}


# A typeset formula's text with its superscripts written ^2, so a test sees them.
TYPESET_TEXT = """(el) => { const c = el.cloneNode(true);
    for (const sup of c.querySelectorAll('sup')) sup.textContent = '^' + sup.textContent;
    return c.textContent; }"""


def rows(page):
    """Each row of the chain-rule table: (wire, local formula, local, upstream, downstream)."""
    return page.evaluate("() => { const typeset = " + TYPESET_TEXT + """;
      return [...document.querySelectorAll('#explain table.chain > tbody > tr')].map((tr) => {
        const formula = tr.querySelector('th.wire .local-formula');
        const number = (kind) => tr.querySelector(`td.${kind} .term-number`)?.textContent ?? null;
        return [tr.querySelector('th.wire .wire-name').textContent, formula ? typeset(formula) : null,
                number('term-local'), number('term-upstream'), number('term-grad')];
      }); }""")


def open_at(page, program, values, step):
    page.goto("/" + share_hash(program, values, step))
    wait_ready(page)
    assert counter(page).startswith(f"step {step} /")


@pytest.mark.parametrize("step, wanted", [
    # 1/x: the folded constant 1 has no row; the folded function's derivative, -1/x²
    (9, [["from t4", "\u2202(1 / t4)/\u2202t4 = -1 / t4^2 = -0.53", "-0.53", "1.00", "-0.53"]]),
    (10, [["from t3", "d(1 + t3)/dt3 = 1", "1.00", "-0.53", "-0.53"]]),  # +1
    (11, [["from t2", "d(exp(t2))/dt2 = t3 = 0.37", "0.37", "-0.53", "-0.20"]]),  # exp
    (12, [["from t1", "d(-t1)/dt1 = -1", "-1.00", "-0.20", "0.20"]]),  # *-1
    (16, [["from w0", "d(w0 * x0)/dw0 = x0 = -1.00", "-1.00", "0.20", "-0.20"],
          ["from x0", "d(w0 * x0)/dx0 = w0 = 2.00", "2.00", "0.20", "0.39"]]),
])
def test_the_neurons_rows_are_the_figures_wires(page, step, wanted):
    open_at(page, NEURON, NEURON_VALUES, step)
    assert rows(page) == wanted


def test_the_gate_patterns_times_two_gate_has_one_wire_until_folding_is_off(page):
    open_at(page, GATES, GATES_VALUES, 5)  # 4 forward steps, then the *2 gate
    assert "through *2" in page.locator("#explain .explain-title").inner_text()
    assert rows(page) == [["from x*y + max(z, w)", "\u2202(2 * (x*y + max(z, w)))/\u2202(x*y + max(z, w)) = 2",
                           "2.00", "1.00", "2.00"]]
    assert "df/d(2)" not in page.locator("#explain").inner_text()
    # max routes: [z ≥ w], an Iverson bracket, for z; and the same numbers as before.
    page.click("#step-next")
    page.click("#step-next")
    assert rows(page) == [["from z", "d(max(z, w))/dz = [z \u2265 w] = 1.00", "1.00", "2.00", "2.00"],
                          ["from w", "d(max(z, w))/dw = [z < w] = 0.00", "0.00", "2.00", "0.00"]]
    # Folding off: the constant 2 is drawn, and its wire has its row.
    page.locator("details.options summary").click()
    page.uncheck("#fold-constants")
    page.locator("#scrubber").fill("5")  # the same steps: folding changes the drawing, not the timeline
    page.wait_for_function("() => document.querySelectorAll('#explain table.chain > tbody > tr').length === 2")
    assert page.locator("#explain .explain-title").inner_text().endswith("through *")
    assert rows(page)[0] == ["from 2", "\u2202(2 * (x*y + max(z, w)))/\u2202(2) = x*y + max(z, w) = -10.00",
                             "-10.00", "1.00", "-10.00"]
    assert "df/d(2)" in page.locator("#explain").inner_text()


def test_a_signed_numbers_hidden_steps_keep_their_numbers_and_say_where_the_sign_went(page):
    program = "f = x * -3 + 1"
    result = engine.evaluate(program, {"x": 2}).to_dict()
    total = len(result["steps"]) + 1
    hidden = [k + 1 for k, step in enumerate(result["steps"]) if not step["drawn"]]
    assert len(hidden) == 2  # the sign's forward and backward steps, still in the timeline
    open_at(page, program, {"x": 2}, hidden[0])
    assert counter(page) == f"step {hidden[0]} / {total}"
    text = page.locator("#explain").inner_text()
    assert "-3 = -3.00" in text and "folds the sign into the *-3 gate" in text
    page.locator("#scrubber").fill(str(hidden[1]))
    assert page.locator("#explain table.chain").count() == 0  # its one input is a folded constant
    assert "sign of a number, folded into the *-3 gate" in page.locator("#explain").inner_text()
    # The *-3 gate's row: only x, with the folded number in its formula.
    page.locator("#scrubber").fill(str(hidden[1] - 1))
    assert rows(page) == [["from x", "d(x * (-3))/dx = -3", "-3.00", "1.00", "-3.00"]]


def test_hovering_a_gate_shows_its_label_and_full_expression(page):
    open_at(page, NEURON, NEURON_VALUES, 17)
    page.hover("svg.circuit #node-13")  # the +1 gate
    details = page.locator("#details-body")
    details.get_by_text("Gate +1 (t4)").wait_for()
    text = details.inner_text()
    assert "1 + exp(-(w0*x0 + w1*x1 + w2))" in text  # the full subexpression
    assert "local dt4/dt3" in text and "d(1 + t3)/dt3 = 1" in text
    assert "d(1)" not in text  # the folded constant is no wire
    page.locator("#scrubber").fill("9")
    assert page.locator("#explain th.wire .wire-name").get_attribute("title") == "1 + exp(-(w0*x0 + w1*x1 + w2))"


def test_the_formula_typesetter(page):
    # The notation as an answer carries it, for the ops these trees use.
    notation = notation_of(["gt", "outer", "transpose", "matmul", "neg", "pow", "mul", "sub", "div", "add"])
    nodes = [{"id": i, "kind": "input", "label": label, "name": label, "value": value, "shape": []}
             for i, (label, value) in enumerate([("a", 2.0), ("b", -1.5), ("q", 3.0)])]
    nodes.append({"id": 3, "kind": "op", "op": "add", "label": "x + y", "name": None, "value": [1.0, 2.0],
                  "shape": [2]})
    nodes.append({"id": 4, "kind": "op", "op": "mul", "label": "t1", "name": None, "value": 1.0, "shape": []})
    trees = [
        ["sub", ["sub", ["ref", 0], ["ref", 1]], ["sub", ["ref", 0], ["ref", 1]]],  # a - b - (a - b)
        ["pow", ["pow", ["ref", 0], ["ref", 1]], ["ref", 2]],  # (a^b)^q
        ["pow", ["ref", 0], ["pow", ["ref", 1], ["ref", 2]]],  # a^(b^q): no parentheses
        ["pow", ["neg", ["ref", 0]], ["num", 2.0]],  # (-a)²
        ["neg", ["pow", ["ref", 0], ["num", 2.0]]],  # -a²
        ["div", ["neg", ["num", 1.0]], ["pow", ["ref", 3], ["num", 2.0]]],  # a compound label
        ["mul", ["ref", 3], ["ref", 4]],
        ["gt", ["ref", 0], ["num", 0.0]],
        ["matmul", ["transpose", ["ref", 0]], ["grad", 3]],
        ["outer", ["grad", 3], ["ref", 1]],
        ["transpose", ["grad", 4]],
        ["mul", ["ref", 0], ["num", -1.0]],
        ["pow", ["ref", 0], ["sub", ["ref", 1], ["num", 1.0]]],
    ]
    out = run_module(page, "formula.js", """(F, [ctx, trees]) => trees.map((tree) => {
        const box = F.formulaBox(tree, ctx);
        const node = F.toNode(box);
        return [F.toText(box), node.querySelectorAll('sup').length,
                F.toText(F.formulaBox(tree, ctx, { refs: 'value', scalarOnly: true }) ?? 'none')];
    })""", [{"notation": notation, "nodes": nodes, "outputNode": 9, "out": "L", "precision": 2}, trees])
    assert out == [
        ["a - b - (a - b)", 0, "2.00 - -1.50 - (2.00 - -1.50)"],
        ["(a^b)^q", 2, "(2.00^(-1.50))^3.00"],
        ["a^(b^q)", 2, "2.00^((-1.50)^3.00)"],
        ["(-a)\u00b2", 1, "(-2.00)\u00b2"],
        ["-a\u00b2", 1, "-2.00\u00b2"],
        ["-1 / (x + y)\u00b2", 1, "none"],  # x + y is an array: no numbers in a derivative's formula
        ["(x + y) * t1", 0, "none"],
        ["[a > 0]", 0, "[2.00 > 0]"],
        ["a\u1d40 @ dL/d(x + y)", 0, "2.00\u1d40 @ dL/d(x + y)"],
        ["dL/d(x + y) b\u1d40", 0, "dL/d(x + y) (-1.50)\u1d40"],
        ["(dL/dt1)\u1d40", 0, "(dL/dt1)\u1d40"],
        ["a * (-1)", 0, "2.00 * (-1)"],
        ["a^(b - 1)", 1, "2.00^(-1.50 - 1)"],
    ]


# --- summaries --------------------------------------------------------------------------

def test_large_arrays_arrive_as_summaries_and_every_place_shows_them(page):
    big = [[1 + (i * 40 + j) % 7 for j in range(40)] for i in range(40)]  # 1,600 entries
    page.goto("/#p=" + quote("L = sum(W * W)", safe="") + "&v=W:" + quote(json.dumps(big), safe="") + "&s=5")
    wait_ready(page)
    assert counter(page) == "step 5 / 5"
    strip = page.locator("#result-strip").text_content()
    assert "dL/dW = (40,40) [2.00, 4.00, 6.00, \u2026]" in strip
    assert page.locator("#inputs .input-row:has(#input-W) .input-grad").inner_text().startswith("(40,40) [2.00")
    # The step through *: compact summaries in the table's cells.
    page.locator("#scrubber").fill("4")
    local = page.locator("#explain table.chain > tbody > tr:nth-child(1) td.term-local .term-number")
    assert local.inner_text() == "(40,40) [1.00, 2.00, 3.00, \u2026]"
    # The side panel: shape, first entries, min, max and mean.
    page.hover("svg.circuit #value-edge-0")
    details = page.locator("#details-body")
    details.get_by_text("Wire W").wait_for()
    text = details.inner_text()
    assert "(40,40)  a 40\u00d740 matrix" in text
    assert "min 1.00, max 7.00, mean" in text and "the first 6 of 1600 entries" in text
    assert "[object Object]" not in text + strip
    # The link still holds the whole value (the summary is not a value to send back).
    page.wait_for_function("() => location.hash.includes('W:')")
    assert json.dumps(big, separators=(",", ":")) in page.evaluate("decodeURIComponent(location.hash)")
    assert svg_text(page, "value-edge-out")
