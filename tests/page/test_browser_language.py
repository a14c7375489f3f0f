"""The page in English and in Korean (Chromium): the browser's language picks one,
the header switches, a link keeps the choice; labels, step explanations, errors
with their hints and the page's own messages speak the chosen language.  And the
English templates say exactly what the engine says, for every engine code."""

import re
from urllib.parse import quote

import pytest

import engine
from engine.messages import MESSAGES, english
from tests.support.pagehelpers import (CIRCUIT, CIRCUIT_VALUES, counter, settle, share_hash, track_requests,
                                       wait_ready, wait_status)

pytestmark = pytest.mark.browser

SHAPE_ERROR = "#p=" + quote("L = sum(W @ x)", safe="") + "&v=W:" + quote("[[1,2,3],[4,5,6]]", safe="") \
    + ",x:" + quote("[1,2]", safe="")


@pytest.fixture
def open_in(browser, base_url, console_errors):
    """open_in(locale, hash) -> a page of a fresh context with that browser language."""
    pages = []

    def opener(locale, hash_part, status="ready"):
        context = browser.new_context(locale=locale, base_url=base_url, viewport={"width": 1440, "height": 900})
        page = context.new_page()
        pages.append((page, track_requests(page)))
        page.set_default_timeout(10_000)
        page.on("pageerror", lambda error: console_errors.append(f"page error: {error}"))
        page.goto("/" + hash_part)
        page.wait_for_selector(f"body[data-status={status}]", state="attached")
        return page

    yield opener
    for page, pending in pages:
        settle(page, pending)
        page.context.close()


def text(page, selector):
    return page.locator(selector).inner_text().strip()


def test_english_by_default(page):
    page.goto("/" + share_hash(CIRCUIT, CIRCUIT_VALUES, 3))
    wait_ready(page)
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.input_value("#language") == "en"
    assert text(page, ".side .field-head h2") == "Inputs"
    assert counter(page) == "step 3 / 5"
    assert text(page, "#explain .explain-title").startswith("Backward pass: gate 1 of 2")


def test_a_korean_browser_opens_the_page_in_korean(open_in):
    page = open_in("ko-KR", share_hash(CIRCUIT, CIRCUIT_VALUES, 3))
    assert page.evaluate("document.documentElement.lang") == "ko"
    assert page.input_value("#language") == "ko"
    assert text(page, ".side .field-head h2") == "입력"
    assert text(page, "label[for=program]") == "프로그램"
    assert page.get_attribute("#step-next", "aria-label") == "다음 단계"
    assert page.get_attribute("#zoom-fit", "title") == "그래프를 창 크기에 맞추기"
    assert text(page, "#play .play-label") == "재생"
    assert counter(page) == "단계 3 / 5"
    assert page.title() == "backprop-viz: 역전파를 한 단계씩"
    # The backward step through *: its title, its columns and its rows' formulas.
    explain = text(page, "#explain")
    assert "역전파: 게이트 1 / 2 — * 게이트를 통과" in explain
    heads = page.locator("#explain table.chain thead tr > *").all_inner_texts()
    assert heads == ["연결선", "국소 그래디언트", "", "상류 그래디언트", "", "하류 그래디언트"]
    assert page.locator("#explain th.wire .wire-name").all_inner_texts() == ["q에서", "z에서"]
    assert "l=" not in page.url  # nobody chose: a link follows its reader's browser


def test_the_header_switches_language_and_the_link_keeps_it(page, browser, base_url):
    page.goto("/" + share_hash(CIRCUIT, CIRCUIT_VALUES, 1))
    wait_ready(page)
    assert "q = x + y = -2.00 + 5.00 = 3.00" in text(page, "#explain")
    page.select_option("#language", "ko")
    page.wait_for_function("() => document.documentElement.lang === 'ko'")
    assert text(page, ".side .field-head h2") == "입력"
    assert text(page, "#explain .explain-title") == "순전파: 게이트 1 / 2"
    assert "q = x + y = -2.00 + 5.00 = 3.00" in text(page, "#explain")  # formulas stay formulas
    assert text(page, "#inputs-hint") == "각 입력 옆 기울임꼴: 그래디언트 df/d(입력)"
    assert page.locator("#presets option").first.inner_text() == "예제를 고르세요\u2026"
    page.wait_for_function("() => location.hash.endsWith('&l=ko')")
    assert "s=1" in page.url

    # The link opens in Korean in an English browser.
    other = browser.new_context(locale="en-US", base_url=base_url).new_page()
    try:
        other.goto(page.url)
        wait_ready(other)
        assert other.evaluate("document.documentElement.lang") == "ko"
        assert counter(other) == "단계 1 / 5"
    finally:
        other.context.close()

    page.select_option("#language", "en")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert text(page, ".side .field-head h2") == "Inputs"
    assert text(page, "#explain .explain-title") == "Forward pass: gate 1 of 2"
    page.wait_for_function("() => location.hash.endsWith('&l=en')")


def test_an_error_and_its_hint_in_both_languages(open_in):
    page = open_in("en-US", SHAPE_ERROR, status="error")
    assert text(page, "#message .error-text") == \
        "(2,3) @ (2,): inner dimensions 3 and 2 differ (line 1, column 11)"
    assert text(page, "#message .hint-text") == \
        "x needs as many entries as W has columns (3); it is a vector of 2 entries"
    page.select_option("#language", "ko")
    page.wait_for_function("() => document.documentElement.lang === 'ko'")
    assert text(page, "#message .error-text") == \
        "(2,3) @ (2,): 안쪽 차원의 크기가 다릅니다 (3, 2) (1번째 줄, 11번째 칸)"
    assert text(page, "#message .hint-text") == \
        "x: W의 열 수(3)만큼 항목이 있어야 합니다. 지금은 항목 2개짜리 벡터입니다"


def test_warnings_and_the_pages_own_messages_in_korean(open_in):
    page = open_in("ko-KR", share_hash("f = log(x) * y", {"x": 0, "y": 2}))
    assert text(page, "#message .warning-text") == \
        "'log(x)'(노드 1) 지점에서 -inf: 유한하지 않은 결과이며, IEEE 방식대로 계산했습니다"
    page.fill("#input-y", "[1, a]")
    problem = page.locator(".input-row:has(#input-y) .input-problem")
    assert problem.inner_text() == '2번째 항목 "a": 숫자가 아닙니다.'
    # The problem follows the language, too.
    page.select_option("#language", "en")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert problem.inner_text() == 'Entry 2, "a", is not a number.'


def test_a_network_failure_is_said_in_the_pages_language(open_in):
    page = open_in("ko-KR", share_hash(CIRCUIT, CIRCUIT_VALUES))
    page.route("**/api/graph", lambda route: route.abort())
    page.fill("#input-x", "3")
    wait_status(page, "error")
    assert text(page, "#message .error-text") == "서버가 응답하지 않습니다. 서버가 아직 실행 중인가요?"


def test_a_busy_server_is_said_in_korean(open_in):
    page = open_in("ko-KR", share_hash(CIRCUIT, CIRCUIT_VALUES))
    page.route("**/api/graph", lambda route: route.fulfill(
        status=503, content_type="application/json",
        body='{"error": {"message": "The server is busy drawing other graphs.", "start": null, "end": null}}'))
    page.fill("#input-x", "3")
    wait_status(page, "error")
    assert text(page, "#message .error-text") == "서버가 다른 그래프를 그리느라 바쁩니다. 잠시 후 다시 시도하세요."


def test_an_empty_program_says_so_in_korean(open_in):
    page = open_in("ko-KR", share_hash(CIRCUIT, CIRCUIT_VALUES))
    page.fill("#program", "")
    wait_status(page, "empty")
    assert text(page, "#graph-note") == "식을 입력하세요. 예: (x + y) * z"


# --- the English templates are the engine's words -------------------------------------

def sample_params(code):
    """Parameters for an engine message, by the conventions of engine/messages.py."""
    params = {}
    for name in re.findall(r"\{(\w+)\}", MESSAGES[code]):
        base = name[:-2] if name.endswith("_s") else name
        if base in params:
            continue
        if base in ("left", "right", "shape") or base.endswith("_shape"):
            params[base] = [2, 3] if base != "right" else [3]
        elif base == "actual":
            params[base] = [1]
        elif base == "found":
            params[base] = "\n" if "after" in MESSAGES[code] else ""
        elif base == "char":
            params[base] = "$"
        elif base == "names":
            params[base] = ["a", "b"]
        elif base in ("arity", "count", "size", "limit", "line", "offset", "width", "row", "row_width",
                      "entry", "step", "steps", "length", "got", "node", "left_inner", "right_inner"):
            params[base] = 1 if base in ("arity", "count") else 12
        elif base in ("seconds", "rate", "value"):
            params[base] = 2.5
        else:
            params[base] = f"<{base}>"
    return params


def test_the_english_templates_say_what_the_engine_says(page):
    cases = [(code, sample_params(code)) for code in MESSAGES]
    # And the errors real programs make, with their hints.
    for program, values in [("x +", {}), ("(x + y", {}), ("x y", {}), ("foo(x)", {}), ("exp(1, 2)", {}),
                            ("max(x)", {}), ("e = 1", {}), ("1.5e", {}), ("x ยง 2", {}), ("x = 1; x = 2", {}),
                            ("W @ x", {"W": [[1, 2]], "x": [1, 2, 3]}), ("dot(u, v)", {"u": [1], "v": [1, 2]}),
                            ("x * y", {}), ("u + v", {"u": [1, 2], "v": [1, 2, 3]})]:
        try:
            engine.evaluate(program, values)
        except engine.EngineError as error:
            said = error.to_dict()
            cases.append((said["code"], said["params"]))
            if "hint" in said:
                cases.append((said["hint"]["code"], said["hint"]["params"]))
    assert len(cases) > len(MESSAGES) + 10
    page.goto("/static/favicon.svg")
    out = page.evaluate("""async (cases) => {
        const i18n = await import('/static/js/i18n.js');
        const m = await import('/static/js/messages.js');
        i18n.setLanguage(await i18n.loadLanguage('en'));
        return cases.map(([code, params]) => m.engineMessage(code, params));
    }""", [[code, params] for code, params in cases])
    for (code, params), said in zip(cases, out):
        assert said == english(code, params), code


def test_every_engine_code_reads_in_korean_with_its_parameters(page):
    page.goto("/static/favicon.svg")
    cases = [[code, sample_params(code)] for code in MESSAGES]
    out = page.evaluate("""async (cases) => {
        const i18n = await import('/static/js/i18n.js');
        const m = await import('/static/js/messages.js');
        i18n.setLanguage(await i18n.loadLanguage('ko'));
        return cases.map(([code, params]) => m.engineMessage(code, params));
    }""", cases)
    for (code, _), said in zip(cases, out):
        assert said and "{" not in said and re.search(r"[\uac00-\ud7a3]", said), (code, said)
    # The conventions in Korean: the end of the program, a shape in words, a character's code point.
    by_code = dict(zip([c for c, _ in cases], out))
    assert by_code["parse.expected_value"] == "값이 와야 할 자리입니다 (값 대신 프로그램의 끝)"
    assert by_code["shape.input_entries"].endswith("지금은 항목 1개짜리 벡터입니다")
    assert by_code["parse.unknown_char"] == "알 수 없는 문자 '$' (U+0024)"


def test_a_link_without_a_language_follows_the_browser(open_in):
    link = share_hash(CIRCUIT, CIRCUIT_VALUES, 0)
    assert text(open_in("en-US", link), "#explain .explain-title") == "Start: the inputs carry their values."
    assert text(open_in("ko-KR", link), "#explain .explain-title") == "시작: 입력에 값이 실려 있습니다."
    assert text(open_in("en-US", link + "&l=ko"), "#explain .explain-title") == "시작: 입력에 값이 실려 있습니다."
