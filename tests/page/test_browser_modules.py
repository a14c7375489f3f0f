"""The page's pure ES modules (timeline, hash, format, player, presets), run in Chromium itself."""

from pathlib import Path

import pytest

import engine
from tests.support.pagehelpers import CIRCUIT, CIRCUIT_VALUES, run_module

pytestmark = pytest.mark.browser


def circuit_result():
    return engine.evaluate(CIRCUIT, CIRCUIT_VALUES).to_dict()


def test_visible_at_each_state_of_the_circuit(page):
    views = run_module(page, "timeline.js", """(m, result) => {
        const model = m.buildModel(result);
        const list = (set) => [...set].sort();
        return Array.from({ length: model.total + 1 }, (_, k) => {
          const v = m.visibleAt(model, k);
          return { shown: list(v.shown), lit: list(v.lit), active: list(v.active),
                   upstream: list(v.upstream), all: v.all, phase: v.step && v.step.phase };
        });
    }""", circuit_result())
    assert len(views) == 6
    start, fwd1, fwd2, back1, back2, done = views
    assert start["shown"] == ["value-edge-0", "value-edge-1", "value-edge-3"]
    assert "node-2" not in start["lit"] and "edge-2" not in start["lit"]
    assert fwd1["phase"] == "forward" and "value-edge-2" in fwd1["shown"]
    assert fwd1["active"] == ["edge-0", "edge-1", "node-2", "value-edge-2"]
    assert "value-edge-out" in fwd2["shown"]
    assert not any(i.startswith("grad-") for i in fwd2["shown"])
    assert back1["phase"] == "backward"
    assert {"grad-edge-out", "grad-edge-2", "grad-edge-3"} <= set(back1["shown"])
    assert "grad-edge-out" in back1["upstream"]
    assert "grad-edge-0" not in back1["shown"]
    assert "grad-edge-2" in back2["upstream"] and "grad-edge-0" in back2["active"]
    assert done["all"] and done["active"] == [] and done["phase"] is None


def test_owner_and_target_of_svg_ids(page):
    out = run_module(page, "timeline.js", """(m) => ({
        owners: ['tail-edge-3', 'head-edge-3', 'edge-out', 'tail-node-4', 'node-2', 'value-edge-1', 'graph0']
                  .map(m.ownerKey),
        targets: ['grad-edge-3', 'edge-out', 'name-node-0', 'total-node-1', 'node-7', 'graph0']
                  .map(m.targetOfId),
        labels: ['value-edge-1', 'grad-edge-out', 'total-node-2', 'name-node-0', 'edge-1'].map(m.isLabelId),
    })""")
    assert out["owners"] == ["edge-3", "edge-3", "edge-out", "start-node-4", "node-2", None, None]
    assert out["targets"] == [{"edge": 3}, {"edge": "out"}, {"node": 0}, {"node": 1}, {"node": 7}, None]
    assert out["labels"] == [True, True, True, False, False]


def test_node_at_offset_prefers_the_smallest_span(page):
    found = run_module(page, "timeline.js", """(m, nodes) =>
        [0, 4, 6, 8, 14, 16, 19, 40].map((k) => { const n = m.nodeAtOffset(nodes, k); return n && n.id; })
    """, circuit_result()["nodes"])
    # "q = x + y\nf = q * z": x is [4,5], x + y [4,9], y [8,9], q * z [14,19], z [18,19]
    assert found == [None, 0, 2, 1, 4, 4, 3, None]


@pytest.mark.parametrize("doc", [
    {"program": CIRCUIT, "values": CIRCUIT_VALUES, "step": 3, "language": None, "precision": 2, "fold": True},
    {"program": "f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))", "values": {"w0": 2.5, "x0": -1e-3}, "step": None,
     "language": "ko", "precision": 6, "fold": False},
    {"program": "a & b # ü 中 %20 &s=4&l=ko&d=9", "values": {}, "step": 0, "language": "en", "precision": 0,
     "fold": True},
    {"program": "W @ v", "values": {"W": [[1, 2], [3, 4]], "v": [1, -2]}, "step": 1, "language": None,
     "precision": 10, "fold": False},
])
def test_hash_round_trip(page, doc):
    # Values are a Map in the page; they cross to Python as [name, value] pairs.
    pairs = [[name, value] for name, value in doc["values"].items()]
    back = run_module(page, "hashstate.js", """(m, doc) => {
        const back = m.decodeHash(m.encodeHash({ ...doc, values: new Map(doc.values) }));
        return { ...back, values: [...back.values] };
    }""", {**doc, "values": pairs})
    assert back == {**doc, "values": pairs}


def test_hash_decoding_is_forgiving(page):
    out = run_module(page, "hashstate.js", """(m) => [
        m.decodeHash(''), m.decodeHash('#v=x:1'), m.decodeHash('#p=%E0%A4%A'),
        ((d) => ({ ...d, values: [...d.values] }))(m.decodeHash('#p=x&v=x:abc,y:2,:3,z&s=-1&l=<b>')),
        m.decodeHash('#p=x&l=ko').language,
        ['1', ' -2.5 ', '1e3', '.5', 'abc', '', '1e999', 'NaN', '[1, 2]', '[[1],[2]]', '[true]', '[]', '0x10']
          .map(m.parseValue),
    ]""")
    empty, no_program, bad_escape, partial, korean, values = out
    assert empty is None and no_program is None and bad_escape is None
    assert partial == {"program": "x", "values": [["y", 2]], "step": None, "language": None, "precision": 2,
                       "fold": True}
    assert korean == "ko"
    assert values == [1, -2.5, 1000, 0.5, None, None, None, None, [1, 2], [[1], [2]], None, None, None]


def test_number_formatting(page):
    # The whole table, against the engine's formatter: test_browser_numbers.py.
    out = run_module(page, "format.js", """(m) => [
        m.formatNumber(-12, 2), m.formatNumber(0.7310585786, 2), m.formatNumber(-0.0001, 2),
        m.formatNumber('Infinity', 2), m.formatFull([[1, 2], [3, 4.5]], 1), m.formatNumber(3, 0),
    ]""")
    assert out == ["-12.00", "0.73", "-1.00e-04", "inf", "[[1.0, 2.0], [3.0, 4.5]]", "3"]


def test_player_generation_kills_stale_timers(page):
    out = run_module(page, "player.js", """async (m) => {
        const seen = [];
        const player = new m.Player({ onChange: (p) => seen.push(p.position), total: 3, position: 0 });
        player.setSpeed(100);           // 12 ms a step
        player.play();
        player.pause();                 // the first timer must not fire
        await new Promise((r) => setTimeout(r, 60));
        const afterPause = player.position;
        player.play();
        await new Promise((r) => setTimeout(r, 150));
        return { afterPause, end: player.position, playing: player.playing, seen };
    }""")
    assert out["afterPause"] == 0
    assert out["end"] == 3 and out["playing"] is False
    assert out["seen"][-1] == 3


def test_presets_are_valid_programs(page):
    presets = run_module(page, "presets.js", "(m) => m.PRESETS")
    assert len(presets) == 7
    for preset in presets:
        result = engine.evaluate(preset["program"], preset["values"])
        assert result.to_dict()["inputs"] == list(preset["values"])


def test_static_modules_are_plain_es_modules():
    static = Path(__file__).resolve().parents[2] / "static" / "js"
    for path in static.glob("*.js"):
        text = path.read_text()
        assert "require(" not in text and "eval(" not in text, path.name
        assert "innerHTML" not in text, path.name  # markup is built with DOM calls
