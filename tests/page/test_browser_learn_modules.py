"""The learning modes' pure modules in Chromium: the link's fields, the player's
limit, and the transitions of learner and practice mode."""

import json

import pytest

import engine
from tests.support.pagehelpers import CIRCUIT, CIRCUIT_VALUES, run_module

pytestmark = pytest.mark.browser


def test_the_link_keeps_the_mode_the_check_and_the_tangent(page):
    out = run_module(page, "hashstate.js", """(H) => {
        const doc = { program: 'W @ x', values: new Map([['x', 1]]), step: 2, language: null };
        const round = (extra) => {
          const hash = H.encodeHash({ ...doc, ...extra });
          const back = H.decodeHash(hash);
          return [hash, back.mode ?? null, back.check ?? null, back.tangent ?? null];
        };
        return [round({ mode: 'practice', check: true }), round({ mode: 'tangents', tangent: { input: 'W', entry: 3 } }),
                round({ mode: 'explore', check: false }), H.decodeHash('#p=x&m=<b>&t=1x').mode,
                H.decodeHash('#p=x&t=1x').tangent ?? null,
                H.encodeHash({ ...doc, fold: false, precision: 4, check: true }), H.decodeHash('#p=x&c=0&g=1')];
    }""")
    practice, tangents, explore, bad_mode, bad_tangent, both, decoded = out
    # The check (g) and the constants drawn (c=0) are separate fields of one link.
    assert both.endswith("&s=2&d=4&c=0&g=1")
    assert decoded["fold"] is False and decoded["check"] is True
    assert practice[0].endswith("&s=2&m=practice&g=1") and practice[1:] == ["practice", True, None]
    assert tangents[0].endswith("&m=tangents&t=W.3") and tangents[3] == {"input": "W", "entry": 3}
    assert explore == ["#p=W%20%40%20x&v=x:1&s=2", None, None, None]  # the default adds nothing
    assert bad_mode == "explore" and bad_tangent is None


def test_the_player_waits_at_its_limit(page):
    out = run_module(page, "player.js", """(m) => {
        const player = new m.Player({ onChange: () => {}, total: 5, position: 0 });
        player.limit = 2;
        player.seek(5);
        const held = player.position;
        player.step(1);
        const still = player.position;
        player.limit = Infinity;
        player.seek(5);
        return [held, still, player.position];
    }""")
    assert out == [2, 2, 5]


def test_learner_and_practice_transitions(page):
    data = json.dumps(engine.evaluate("f = x * x", {"x": 3}).to_dict())
    circuit = json.dumps(engine.evaluate(CIRCUIT, CIRCUIT_VALUES).to_dict())
    out = run_module(page, "learner.js", """async (L, [text, other]) => {
        const S = await import('/static/js/state.js');
        let s = { ...S.programEdited(S.initialState(), 'f = x * x'), learn: L.initialLearn() };
        s = L.answered(s, JSON.parse(text));
        const explore = [s.step, L.revealAt(s), L.stepLimit(s)];
        s = L.modeChosen(s, 'practice');
        const started = [s.step, L.stepLimit(s)];
        s = L.practiceAnswered(L.practiceAnswered(s, 'e0', '3'), 'e1', '3');
        const two = L.stepLimit(s);
        s = L.practiceAnswered(s, 'n0', '6');
        const all = L.stepLimit(s);
        const again = L.answered(s, JSON.parse(text));  // the same numbers: still answered
        const changed = JSON.parse(text);
        changed.steps[1].completes[0].total = 8;       // other numbers: asked again
        const reset = L.answered(s, changed);
        const options = L.withOptions(S.requestBody(L.checkToggled(s, true)), L.checkToggled(s, true)).options;
        let c = { ...S.programEdited(S.initialState(), 'q = x + y\\nf = q * z'), learn: L.initialLearn() };
        c = L.answered(L.modeChosen(c, 'learner'), JSON.parse(other));
        return { explore, started, two, all, again: L.stepLimit(again), reset: L.stepLimit(reset),
                 score: s.learn.practice.score, check: options.check ?? null, learnerStep: c.step,
                 reveal: [L.revealAt(c).value(4), L.revealAt(c).grad(0)] };
    }""", [data, circuit])
    assert out["explore"] == [3, None, float("inf")]  # explore: everything shown, no limit
    assert out["started"] == [0, 2]  # practice starts at 0 and waits at the backward step
    assert out["two"] == 2 and out["all"] == float("inf")
    assert out["again"] == float("inf") and out["reset"] == 2
    assert out["score"] == {"right": 3, "wrong": 0, "revealed": 0}
    assert out["check"] is True
    assert out["learnerStep"] == 0 and out["reveal"] == [False, False]
