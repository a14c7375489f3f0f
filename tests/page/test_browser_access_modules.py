"""The pure parts of the page for every learner, run in Chromium: the busy sign's
delay, the link's decimals and folding, the fitted view, the grid editor's shapes,
the display preferences."""

import pytest

from tests.support.pagehelpers import run_module

pytestmark = pytest.mark.browser


def test_the_busy_sign_shows_only_after_its_delay(page):
    # A clock the test runs itself: no real time passes, so nothing depends on the machine's speed.
    out = run_module(page, "busy.js", """(m) => {
        let now = 0;
        const timers = [];
        const setTimer = (f, ms) => { timers.push({ f, at: now + ms, live: true }); return timers.length - 1; };
        const clearTimer = (id) => { timers[id].live = false; };
        const advance = (ms) => {
          now += ms;
          for (const timer of timers) if (timer.live && timer.at <= now) { timer.live = false; timer.f(); }
        };
        let shown = 0;
        const signal = new m.DelayedSignal({ onShow: () => { shown += 1; }, setTimer, clearTimer });
        const seen = [];
        signal.start(); advance(100); seen.push(shown);        // a fast answer: never shown
        signal.stop(); advance(500); seen.push(shown);
        signal.start(); advance(149); seen.push(shown);        // a slow one: not at 149 ms ...
        signal.start(); advance(1); seen.push(shown);          // ... at 150 (a second start does not restart it)
        signal.stop(); signal.start(); signal.stop(); advance(1000); seen.push(shown);
        return { seen, delay: m.BUSY_DELAY_MS };
    }""")
    assert out == {"seen": [0, 0, 0, 1, 1], "delay": 150}


def test_decimals_and_folding_ride_in_the_link_and_old_links_keep_their_defaults(page):
    out = run_module(page, "hashstate.js", """(m) => {
        const values = new Map([['x', -2]]);
        const enc = (extra) => m.encodeHash({ program: 'x * 2', values, step: 1, ...extra });
        const dec = (hash) => { const d = m.decodeHash(hash); return [d.precision, d.fold]; };
        return {
          plain: enc({}), defaults: enc({ precision: 2, fold: true }), set: enc({ precision: 4, fold: false }),
          old: dec('#p=x%20*%202&v=x:-2&s=1'), both: dec('#p=x&d=4&c=0'), zero: dec('#p=x&d=0'),
          bad: [dec('#p=x&d=11'), dec('#p=x&d=-1'), dec('#p=x&d=2.5'), dec('#p=x&c=no')],
          keyIgnoresOptions: m.documentKey({ program: 'x', values, precision: 6 }) === m.documentKey({ program: 'x', values }),
        };
    }""")
    assert out["plain"] == out["defaults"] == "#p=x%20*%202&v=x:-2&s=1"  # today's links, unchanged
    assert out["set"] == "#p=x%20*%202&v=x:-2&s=1&d=4&c=0"
    assert out["old"] == [2, True]
    assert out["both"] == [4, False] and out["zero"] == [0, True]
    assert out["bad"] == [[2, True]] * 4
    assert out["keyIgnoresOptions"]


def test_a_link_sets_the_options_and_an_example_keeps_them(page):
    out = run_module(page, "state.js", """(S) => {
        const s0 = S.initialState({ precision: 3, fold: false });
        const link = S.documentOpened(s0, { program: 'x', values: new Map(), step: null, precision: 2, fold: true });
        const example = S.documentOpened(s0, { program: 'x', values: new Map(), step: null });
        const pending = S.requested(S.programEdited(S.initialState(), 'x'));
        const busy = S.busyShown(pending);
        const failed = S.failed(busy, { code: 'parse.empty', params: {} });
        return {
          link: [link.precision, link.fold], example: [example.precision, example.fold],
          busy: busy.busy, again: S.busyShown(busy) === busy, idle: S.busyShown(failed) === failed,
          cleared: failed.busy,
        };
    }""")
    assert out["link"] == [2, True] and out["example"] == [3, False]
    assert out["busy"] is True and out["again"] and out["idle"] and out["cleared"] is False


def test_the_fitted_view_fills_the_box_and_keeps_text_legible(page):
    out = run_module(page, "viewport.js", """(m) => {
        const min = m.MIN_TEXT_PX / 11;  // 11-unit labels
        return {
          small: m.fittedView({ x: 0, y: 0, w: 300, h: 150 }, 1000, 600, min),
          tall: m.fittedView({ x: 0, y: 0, w: 300, h: 600 }, 1000, 600, min),
          wide: m.fittedView({ x: 0, y: 0, w: 3000, h: 600 }, 1000, 600, min),
          phone: m.fittedView({ x: 0, y: 0, w: 700, h: 300 }, 360, 520, min),
        };
    }""")
    scale = lambda view, width: width / view["w"]
    # A small drawing: blown up (at most 3x), centred both ways, the view in the box's proportions.
    small = out["small"]
    assert scale(small, 1000) == pytest.approx(3) and small["w"] / small["h"] == pytest.approx(1000 / 600)
    assert small["x"] + small["w"] / 2 == pytest.approx(150) and small["y"] + small["h"] / 2 == pytest.approx(75)
    # A tall one is fitted to the box's height, not its width.
    tall = out["tall"]
    assert tall["h"] == pytest.approx(600 * 1.04) and tall["y"] == pytest.approx(-12)
    # A wide one: fitted to its width its text would be 11 * 1000/3120 = 3.5 px; it opens at
    # the legible scale instead, at its left end, and fills the box's height.
    wide = out["wide"]
    assert 11 * scale(wide, 1000) == pytest.approx(10)
    assert wide["x"] == pytest.approx(-12) and wide["h"] == pytest.approx(600 / (10 / 11))
    phone = out["phone"]
    assert 11 * scale(phone, 360) == pytest.approx(10) and phone["x"] == pytest.approx(-12)


def test_the_grid_editor_grows_a_number_into_a_vector_and_a_matrix(page):
    out = run_module(page, "grid.js", """(m) => {
        const steps = [];
        let grid = m.toGrid(2);
        for (const change of ['add-col', 'add-col', 'add-row', 'remove-col', 'remove-row', 'remove-row']) {
          grid = m.reshaped(grid, change);
          steps.push(m.fromGrid(grid));
        }
        return { steps, matrix: m.toGrid([[1, 2], [3, 4]]), vector: m.fromGrid(m.toGrid([5, 6])),
                 shrinkLast: m.fromGrid(m.reshaped(m.toGrid([7]), 'remove-col')) };
    }""")
    assert out["steps"] == [[2, 0], [2, 0, 0], [[2, 0, 0], [0, 0, 0]], [[2, 0], [0, 0]], [[2, 0]], [[2, 0]]]
    assert out["matrix"] == {"dims": 2, "rows": [[1, 2], [3, 4]]}
    assert out["vector"] == [5, 6] and out["shrinkLast"] == [7]


def test_display_preferences_come_from_the_query_then_storage(page):
    out = run_module(page, "prefs.js", """(m) => {
        const store = (text) => ({ getItem: () => text, setItem: () => { throw new Error('full'); } });
        const root = document.createElementNS('http://www.w3.org/1999/xhtml', 'div');
        m.applyPrefs(root, { theme: 'dark', palette: 'cb' });
        const set = [root.dataset.theme, root.dataset.palette];
        m.applyPrefs(root, { theme: 'auto', palette: 'figure' });
        m.savePrefs(store('{}'), { theme: 'dark', palette: 'cb' });  // a full storage is no error
        return {
          none: m.readPrefs(null, ''),
          saved: m.readPrefs(store('{"theme": "dark", "palette": "cb"}'), ''),
          query: m.readPrefs(store('{"theme": "dark"}'), '?theme=light&palette=cb'),
          junk: m.readPrefs(store('not json'), '?theme=purple'),
          set, cleared: [root.dataset.theme ?? null, root.dataset.palette ?? null],
        };
    }""")
    assert out["none"] == {"theme": "auto", "palette": "figure"}
    assert out["saved"] == {"theme": "dark", "palette": "cb"}
    assert out["query"] == {"theme": "light", "palette": "cb"}
    assert out["junk"] == {"theme": "auto", "palette": "figure"}
    assert out["set"] == ["dark", "cb"] and out["cleared"] == [None, None]
