"""The page's pure state (static/js/state.js), its request rule (server.js), its
history rule (history.js) and what it reads from the answer's fields (explain-data.js),
run in Chromium."""

import json

import pytest

import engine
from tests.support.pagehelpers import CIRCUIT, CIRCUIT_VALUES, run_module

pytestmark = pytest.mark.browser


def answer_json(program=CIRCUIT, values=CIRCUIT_VALUES):
    """An answer as the page gets it: JSON text (a `__proto__` key survives only that way)."""
    return json.dumps(engine.evaluate(program, values).to_dict())


def test_typing_and_values_make_new_states_and_the_request(page):
    out = run_module(page, "state.js", """(S) => {
        const s0 = S.initialState({ precision: 3, fold: false });
        const s1 = S.programEdited(s0, 'f = __proto__ * constructor');
        const s2 = S.valueEdited(S.valueEdited(s1, '__proto__', 3), 'constructor', [1, 2]);
        const s3 = S.valueEdited(s2, 'toString', -1);
        const body = S.requestBody(s3);
        return {
          unchanged: s0.program === '' && s0.values.size === 0 && s1.values === s0.values
            && s2.values.size === 2 && !s2.values.has('toString'),
          same: S.programEdited(s1, s1.program) === s1,
          values: [...s3.values],
          json: JSON.stringify(body),
          blank: S.requestBody(S.programEdited(s0, '  \\n ')),
          pending: S.requested(s3).status,
        };
    }""")
    assert out["unchanged"] and out["same"]
    assert out["values"] == [["__proto__", 3], ["constructor", [1, 2]], ["toString", -1]]
    assert json.loads(out["json"]) == {
        "expression": "f = __proto__ * constructor",
        "values": {"__proto__": 3, "constructor": [1, 2], "toString": -1},
        "options": {"precision": 3, "fold_constants": False, "default_value": 1.0}}
    assert out["blank"] is None and out["pending"] == "pending"


def test_an_answer_opens_on_the_right_step(page):
    # The circuit: 2 forward and 2 backward steps, states 0..5.
    out = run_module(page, "state.js", """(S, text) => {
        const data = JSON.parse(text);
        const fresh = S.programEdited(S.initialState(), 'q = x + y\\nf = q * z');
        const opened = (step) => S.answered(S.documentOpened(fresh, { program: fresh.program,
                                                                     values: new Map(), step }), data).step;
        const first = S.answered(fresh, data);
        const moved = S.playerMoved(first, { position: 2, playing: true });
        const again = S.answered(moved, JSON.parse(text));  // same graph, new numbers
        const other = S.answered(moved, { ...data, steps: data.steps.slice(0, 3) });
        return {
          first: first.step, total: first.model.total, status: first.status,
          link: opened(3), linkEnd: opened(null), beyond: opened(99),
          kept: again.step, playing: again.playing, otherGraph: other.step, otherTotal: other.model.total,
          pendingCleared: S.answered(S.documentOpened(fresh, { program: 'x', values: [], step: 1 }),
                                     data).pendingStep === undefined,
        };
    }""", answer_json())
    assert (out["first"], out["total"], out["status"]) == (5, 5, "ready")
    assert (out["link"], out["linkEnd"], out["beyond"]) == (3, 5, 5)
    assert (out["kept"], out["playing"]) == (2, False)
    assert (out["otherGraph"], out["otherTotal"]) == (4, 4)
    assert out["pendingCleared"]


def test_a_failure_keeps_the_last_answer_and_says_where(page):
    out = run_module(page, "state.js", """(S, text) => {
        const good = S.answered(S.programEdited(S.initialState(), 'q = x + y\\nf = q * z'), JSON.parse(text));
        const typed = S.programEdited(good, 'q = x + y\\nf = q * (z +');
        const bad = S.failed(typed, { message: 'missing a value', code: 'parse.missing_after_at_end',
                                      params: { after: '+', found: '' }, start: 21, end: 22 });
        const unplaced = S.failed(typed, { code: 'page.unreachable' });
        const back = S.answered(bad, JSON.parse(text));
        const blank = S.emptied(bad);
        return {
          status: bad.status, error: bad.error, kept: bad.result === good.result,
          unplaced: unplaced.error, cleared: back.error, empty: [blank.status, blank.empty, blank.result, blank.step],
          caretWhileBroken: S.targetAtOffset(bad, 4),
        };
    }""", answer_json())
    assert out["status"] == "error" and out["kept"]
    assert out["error"] == {"message": "missing a value", "code": "parse.missing_after_at_end",
                            "params": {"after": "+", "found": ""}, "span": [21, 22],
                            "where": {"line": 2, "column": 12}}
    assert out["unplaced"] == {"code": "page.unreachable", "span": None, "where": None}
    assert out["cleared"] is None
    assert out["empty"] == ["empty", True, None, 0]
    assert out["caretWhileBroken"] is None  # the drawing is of older text


def test_hover_click_and_caret(page):
    out = run_module(page, "state.js", """(S, text) => {
        let s = S.answered(S.programEdited(S.initialState(), 'q = x + y\\nf = q * z'), JSON.parse(text));
        const seen = [];
        const note = (label) => seen.push([label, S.selectedTarget(s)]);
        s = S.clicked(s, { node: 4 }); note('pinned');
        s = S.pointedAt(s, { edge: 1 }, 'graph'); note('hover wins');
        const same = S.pointedAt(s, { edge: 1 }, 'graph') === s;
        s = S.unhovered(s, 'editor'); note('editor leaves: graph hover stays');
        s = S.unhovered(s); note('graph leaves');
        s = S.caretMoved(s, S.targetAtOffset(s, 6)); note('caret on +');
        s = S.caretMoved(s, S.targetAtOffset(s, 14)); note('caret on q');
        s = S.caretMoved(s, null); note('caret nowhere');
        s = S.clicked(s, { node: 4 }); note('second click unpins');
        s = S.clicked(s, { edge: 'out' });
        const typedOn = S.programEdited(s, s.program + ' ');  // its answer is on the way
        return { seen, same, pinnedAfterTyping: S.programEdited(s, 'x').pinned,
                 keptPin: S.answered(s, JSON.parse(text)).pinned,
                 caretBeforeTheAnswer: S.targetAtOffset(typedOn, 6),
                 caretAfterIt: S.targetAtOffset(S.answered(typedOn, JSON.parse(text)), 6) };
    }""", answer_json())
    assert out["seen"] == [
        ["pinned", {"node": 4}], ["hover wins", {"edge": 1}],
        ["editor leaves: graph hover stays", {"edge": 1}], ["graph leaves", {"node": 4}],
        ["caret on +", {"node": 2}], ["caret on q", {"node": 2}], ["caret nowhere", {"node": 4}],
        ["second click unpins", None]]
    assert out["same"]
    assert out["pinnedAfterTyping"] is None and out["keptPin"] == {"edge": "out"}
    # The spans are of the drawn program: none while a newer text's answer is on the way.
    assert out["caretBeforeTheAnswer"] is None and out["caretAfterIt"] == {"node": 2}


def test_the_view_a_link_holds_has_every_name(page):
    text = answer_json("f = __proto__ * constructor + hasOwnProperty",
                       {"__proto__": 3, "constructor": -2, "hasOwnProperty": 0.5})
    out = run_module(page, "state.js", """async (S, text) => {
        const H = await import('/static/js/hashstate.js');
        let s = S.programEdited(S.initialState(), 'f = __proto__ * constructor + hasOwnProperty');
        s = S.answered(s, JSON.parse(text));
        const doc = S.shownDocument(s);
        const back = H.decodeHash(H.encodeHash(doc));
        return { none: S.shownDocument(S.initialState()), used: [...doc.values], step: doc.step,
                 back: [...back.values], hash: H.encodeHash(doc) };
    }""", text)
    assert out["none"] is None
    pairs = [["__proto__", 3], ["constructor", -2], ["hasOwnProperty", 0.5]]
    assert out["used"] == pairs and out["back"] == pairs and out["step"] == 5
    assert out["hash"].endswith("&v=__proto__:3,constructor:-2,hasOwnProperty:0.5&s=5")


def test_only_the_newest_request_goes_out_and_only_its_answer_counts(page):
    out = run_module(page, "server.js", """async (m) => {
        const sent = [];
        const answers = [];
        const pending = [];
        const send = (body) => { sent.push(body.text); return new Promise((resolve) => pending.push(resolve)); };
        const requests = new m.LatestRequest({ send, onAnswer: (answer, body) => answers.push([answer, body.text]) });
        const settle = async (answer) => { pending.shift()(answer); await new Promise((r) => setTimeout(r)); };
        requests.submit({ text: 'a' });
        requests.submit({ text: 'ab' });
        requests.submit({ text: 'abc' });          // 'ab' is never sent
        const whileFirst = [...sent];
        await settle('answer a');                   // stale: dropped, 'abc' goes out
        const afterFirst = [...sent];
        await settle('answer abc');
        requests.submit({ text: 'x' });
        requests.submit({ text: 'xy' });
        requests.submit({ text: 'x' });            // back to what is in flight: no new request
        await settle('answer x');
        requests.submit({ text: 'gone' });
        requests.cancel();                         // the program went blank
        await settle('answer gone');
        return { whileFirst, afterFirst, sent, answers };
    }""")
    assert out["whileFirst"] == ["a"]
    assert out["afterFirst"] == ["a", "abc"]
    assert out["sent"] == ["a", "abc", "x", "gone"]
    assert out["answers"] == [["answer abc", "abc"], ["answer x", "x"]]


def test_a_busy_answer_is_asked_again_after_its_retry_after(page):
    out = run_module(page, "server.js", """async (m) => {
        const sent = [];
        const answers = [];
        const sleeps = [];
        const replies = [];   // what the server answers, in order
        const send = async (body) => { sent.push(body.text); return replies.shift(); };
        const tick = () => new Promise((r) => setTimeout(r));
        let wake = null;
        const sleep = (ms) => { sleeps.push(ms); return new Promise((r) => { wake = r; }); };
        const busy = { error: { message: 'busy', status: 429, retryAfter: 1 } };
        const requests = new m.LatestRequest({ send, sleep, onAnswer: (answer, body) => answers.push([answer, body.text]) });
        // Busy twice, then drawn: the page shows only the drawing.
        replies.push(busy, busy, 'drawn a');
        requests.submit({ text: 'a' });
        await tick(); wake(); await tick(); wake(); await tick();
        const first = { sent: [...sent], answers: [...answers], sleeps: [...sleeps] };
        // Busy, and a newer body typed while waiting: the newer one goes instead.
        replies.push(busy, 'drawn b2');
        requests.submit({ text: 'b' });
        await tick();
        requests.submit({ text: 'b2' });
        wake(); await tick(); await tick();
        const second = { sent: [...sent], answers: [...answers] };
        // Busy every time: after BUSY_RETRIES more tries the error is shown.
        for (let i = 0; i <= m.BUSY_RETRIES; i += 1) replies.push(busy);
        requests.submit({ text: 'c' });
        for (let i = 0; i < m.BUSY_RETRIES; i += 1) { await tick(); wake(); }
        await tick(); await tick();
        return { first, second, sent, answers, retries: m.BUSY_RETRIES };
    }""")
    assert out["first"] == {"sent": ["a", "a", "a"], "answers": [["drawn a", "a"]], "sleeps": [1000, 1000]}
    assert out["second"]["sent"] == ["a", "a", "a", "b", "b2"]
    assert out["second"]["answers"][-1] == ["drawn b2", "b2"]
    assert out["sent"][5:] == ["c"] * (out["retries"] + 1)
    assert out["answers"][-1][1] == "c" and out["answers"][-1][0]["error"]["status"] == 429


def test_history_action(page):
    out = run_module(page, "history.js", """(m) => [
        m.historyAction('replace', 'b', 'a'), m.historyAction('push', 'b', null),
        m.historyAction('push', 'a', 'a'), m.historyAction('push', 'b', 'a'),
        m.historyAction('debounce', 'b', 'a'), m.historyAction('debounce', 'a', 'a'),
    ]""")
    assert out == ["replace", "replace", "replace", "push", "debounce", "replace"]


def test_url_history_pushes_replaces_and_restores(page):
    out = run_module(page, "history.js", """(m) => {
        const location = { hash: '#p=x&v=x:2' };
        const log = [];
        const history = {
          pushState: (_, __, hash) => { log.push(['push', hash]); location.hash = hash; },
          replaceState: (_, __, hash) => { log.push(['replace', hash]); location.hash = hash; },
        };
        let shown = null;
        const h = new m.UrlHistory({ shown: () => shown, delayMs: 1e9, location, history });
        const doc = h.restore();
        const opened = { program: doc.program, values: [...doc.values], step: doc.step };
        const twice = h.restore();                                    // the same hash again: nothing to do
        shown = { program: 'x', values: new Map([['x', 2]]), step: 1 };
        h.record();                                                   // the link's answer: replace
        shown = { ...shown, step: 0 };
        h.stepChanged();                                              // a step: replace
        shown = { program: 'x + 1', values: new Map([['x', 2]]), step: 2 };
        h.record();                                                   // typing: waits for a pause
        const waiting = log.length;
        h.stepChanged();                                              // a push is pending: no rewrite
        h.flush();                                                    // copy link: push now
        h.expect('push');
        shown = { program: 'y', values: new Map([['y', 1]]), step: 1 };
        h.record();                                                   // an example: push at once
        const own = h.restore();                                      // the hash we wrote is not a link
        return { opened, twice, waiting, log, own };
    }""")
    assert out["opened"] == {"program": "x", "values": [["x", 2]], "step": None}
    assert out["twice"] is None and out["own"] is None
    assert out["waiting"] == 2
    assert out["log"] == [["replace", "#p=x&v=x:2&s=1"], ["replace", "#p=x&v=x:2&s=0"],
                          ["push", "#p=x%20%2B%201&v=x:2&s=2"], ["push", "#p=y&v=y:1&s=1"]]


def test_what_the_panels_read_from_the_answer(page):
    # The neuron, folded: the 1/x gate's label, its folded constant, the gate its wire goes to.
    text = answer_json("f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))",
                       {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3})
    out = run_module(page, "explain-data.js", """async (m, text) => {
        const T = await import('/static/js/timeline.js');
        const model = T.buildModel(JSON.parse(text));
        const first = model.steps.find((s) => s.phase === 'backward');
        return { gates: model.nodes.map((n) => m.gateLabel(model, n.id)),
                 all: first.edges.map((e) => e.source), shown: m.shownEntries(first).map((e) => e.source),
                 vectorized: m.isVectorized(m.shownEntries(first)), into: m.foldedInto(model, 13) };
    }""", text)
    assert out["gates"] == ["1", "1", "w0", "x0", "*", "w1", "x1", "*", "+", "w2", "+", "*-1", "exp", "+1", "1/x"]
    assert out["all"] == [0, 13] and out["shown"] == [13]  # the folded constant 1 has no wire
    assert out["vectorized"] is False and out["into"] == 14
