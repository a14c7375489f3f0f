"""The embed view's flags and the framing policy (FRAME_ANCESTORS), through the test client."""

import re

import pytest

from app import CONTENT_SECURITY_POLICY, create_app, frame_ancestors


def ancestors(response):
    return re.search(r"frame-ancestors ([^;]*)$", response.headers["Content-Security-Policy"]).group(1)


def test_by_default_nothing_may_frame_any_page(client):
    for path in ["/", "/embed", "/embed?hide=editor", "/static/style.css"]:
        with client.get(path) as response:  # (a static file's response holds the file open until closed)
            assert response.status_code == 200, path
            assert ancestors(response) == "'none'", path
    assert client.get("/").headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_listed_origins_may_frame_the_embed_view_only():
    client = create_app({"TESTING": True,
                         "FRAME_ANCESTORS": ["https://course.example.org", "http://localhost:8000/"]}).test_client()
    embed = client.get("/embed")
    assert ancestors(embed) == "https://course.example.org http://localhost:8000"
    # The rest of the policy is the page's.
    assert embed.headers["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self';")
    assert ancestors(client.get("/")) == "'none'"
    assert ancestors(client.post("/api/graph", json={"expression": "x"})) == "'none'"


@pytest.mark.parametrize("value, sources", [
    ("https://a.example.org http://localhost:8000", ("https://a.example.org", "http://localhost:8000")),
    ('["https://a.example.org", "https://*.b.example.org:*"]', ("https://a.example.org", "https://*.b.example.org:*")),
    ("https://a.example.org,'self'", ("https://a.example.org", "'self'")),
    ("", ()),
])
def test_the_setting_from_the_environment(monkeypatch, value, sources):
    monkeypatch.setenv("BACKPROP_FRAME_ANCESTORS", value)
    app = create_app({"TESTING": True})
    assert app.config["FRAME_ANCESTORS"] == sources
    expected = " ".join(sources) if sources else "'none'"
    assert ancestors(app.test_client().get("/embed")) == expected


@pytest.mark.parametrize("bad", ["*", "'none'", "https://a.org; script-src *", "'unsafe-inline'", "javascript:alert(1)",
                                 "https://a.org/path", "ftp://a.org", "https://a b.org", 42])
def test_a_setting_that_is_not_a_list_of_origins_is_refused_at_start_up(bad):
    with pytest.raises(ValueError, match="FRAME_ANCESTORS"):
        create_app({"TESTING": True, "FRAME_ANCESTORS": [bad]})
    assert frame_ancestors(["https://fine.example.org"]) == ("https://fine.example.org",)


def hidden_parts(client, query):
    page = client.get("/embed" + query).get_data(as_text=True)
    found = {}
    for part, pattern in {"header": r'<header class="topbar"[^>]*>', "editor": r'<div class="program-block"[^>]*>',
                          "inputs": r'<div class="inputs-block"[^>]*>', "options": r'<details class="options"[^>]*>',
                          "details": r'<section class="details"[^>]*>', "side": r'<section class="side"[^>]*>',
                          "player": r'<div class="player"[^>]*>', "export": r'<div class="export"[^>]*>',
                          "strip": r'<div class="result-strip"[^>]*>', "explain": r'<div class="explain"[^>]*>'}.items():
        found[part] = " hidden" in re.search(pattern, page).group(0)
    return {part for part, hidden in found.items() if hidden}


def test_the_embed_flags_hide_what_they_name(client):
    assert hidden_parts(client, "") == {"header"}
    assert hidden_parts(client, "?hide=editor,inputs") == {"header", "editor", "inputs"}
    assert hidden_parts(client, "?hide=player&hide=EXPORT,bogus") == {"header", "player", "export"}
    assert hidden_parts(client, "?hide=editor,inputs,options,details") == {
        "header", "editor", "inputs", "options", "details", "side"}
    assert hidden_parts(client, "?hide=explain,strip") == {"header", "explain", "strip"}
    page = client.get("/embed?hide=editor").get_data(as_text=True)
    assert 'class="is-embed" data-hide="editor"' in page and 'id="open-full"' in page
    # The page itself has no flags and no link to itself.
    page = client.get("/?hide=editor").get_data(as_text=True)
    assert 'data-hide=""' in page and "open-full" not in page and "<header class=\"topbar\">" in page
