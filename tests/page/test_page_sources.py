"""The page's sources, read as files (no browser): the message catalogs are whole
in both languages, every key the code uses exists, and nothing reads the engine's
sentences or the drawing's text back."""

import json
import re
from pathlib import Path

import pytest

from engine.messages import MESSAGES

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
SCRIPTS = sorted((STATIC / "js").glob("*.js"))
PLACE = re.compile(r"\{(\w+)(?:\|[^|}]*\|[^}]*)?\}")


def catalog(language):
    return json.loads((STATIC / "i18n" / f"{language}.json").read_text(encoding="utf-8"))


EN, KO = catalog("en"), catalog("ko")


def source():
    return "\n".join(path.read_text(encoding="utf-8") for path in SCRIPTS)


def test_both_catalogs_have_the_same_keys_and_only_text():
    assert SCRIPTS
    assert set(EN) == set(KO)
    for cat in (EN, KO):
        assert all(isinstance(text, str) and text.strip() for text in cat.values())


def test_korean_templates_use_only_the_parameters_the_english_ones_have():
    for key, english in EN.items():
        assert set(PLACE.findall(KO[key])) <= set(PLACE.findall(english)), key


def test_the_korean_catalog_is_korean():
    # Every sentence of words is translated (names, formulas and numbers may stay as they are).
    untranslated = [key for key, text in KO.items()
                    if re.search(r"[A-Za-z]{4,}\s+[A-Za-z]{3,}\s+[A-Za-z]{3,}", PLACE.sub("", text))
                    and not re.search(r"[\uac00-\ud7a3]", text)]
    assert untranslated == []


def test_every_engine_code_has_a_template_with_the_engine_parameters():
    for code, english in MESSAGES.items():
        key = f"engine.{code}"
        assert key in EN and key in KO, code
        # The engine's plural helpers ({n_s}) become the catalogs' {n|one|many}.
        wanted = {name[:-2] if name.endswith("_s") else name for name in PLACE.findall(english)}
        used = {name.removesuffix("_count") for name in PLACE.findall(EN[key])}
        assert used == wanted, code


def keys_in_code():
    """Every literal key given to t(), nodes() (imported as tn) in static/js."""
    return set(re.findall(r'\b(?:t|tn|nodes)\(\s*"([\w.-]+)"', source()))


def test_every_key_the_code_uses_exists():
    used = keys_in_code()
    assert len(used) > 40
    assert sorted(used - set(EN)) == []
    # Keys the code builds: the page's own codes, the phases, the examples, the markup's.
    text = source()
    built = set(re.findall(r'"(page\.[\w.]+)"', text))
    for what in ("not_a_number", "too_large"):
        for where in ("", "_in_row"):
            built.add(f"page.value.entry_{what}{where}")
    built |= {f"phase.{kind}" for kind in ("none", "start", "done", "forward", "backward")}
    presets = (STATIC / "js" / "presets.js").read_text(encoding="utf-8")
    built |= {f"preset.{pid}" for pid in re.findall(r'\n    id: "([\w-]+)"', presets)}
    built |= {f"presets.group.{gid}" for gid in ("numbers", "arrays")}
    built |= {f"http.{status}" for status in (413, 502, 503, 504)}  # said in the reader's language
    page = (ROOT / "templates" / "index.html").read_text(encoding="utf-8")
    built |= set(re.findall(r'data-i18n(?:-title|-aria-label)?="([\w.-]+)"', page))
    assert sorted(built - set(EN)) == []


# What reading the engine's prose or the drawing's text would look like.
PROSE = [
    r"[\w)\]]\.(?:chain|rule)\b(?![\w\"'.-])",  # the entries' English sentences: never read at all
    r"\b(?:step|entry|sum|complete|completed|warning)\.text\b",  # a step's or an entry's sentence
    r"\.text\)?\s*\.(?:match|matchAll|replace|replaceAll|split|search|indexOf|lastIndexOf|slice)\(",
    r"\.(?:exec|test|match)\([^)]*\.(?:text|chain|rule)\b",
    r"\.(?:split|replace|replaceAll|indexOf)\([^)]*\.\w+_name\b",  # the engine's names taken apart
    r"querySelector(?:All)?\([^)]*\btext\b",  # a label read back from the SVG
    r"[\w)]\.warnings\b(?![^\n]*\bwarning_data\b)",  # the English warnings, unless beside their data
]


@pytest.mark.parametrize("pattern", PROSE)
def test_the_page_never_reads_the_engines_sentences_or_the_drawings_text(pattern):
    for path in SCRIPTS:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip().startswith("//"):
                continue
            assert not re.search(pattern, line), f"{path.name}:{number}: {line.strip()}"


def test_the_prose_check_would_catch_the_old_readers():
    # The readers this page used to have, each caught by one of the patterns above.
    old = [
        "const match = /shapes: (.*)$/.exec((entry && entry.chain) || \"\");",
        "const text = (entry && entry.text) || \"\";",
        "if (entry.upstream_name) rhs = rhs.split(entry.upstream_name).join(\"dout\");",
        "const text = svg && svg.querySelector(`[id=\"node-${nodeId}\"] text`);",
        "row.title = entry.chain || entry.text;",
        "const warnings = (result && result.warnings) || [];",
    ]
    for line in old:
        assert any(re.search(pattern, line) for pattern in PROSE), line
