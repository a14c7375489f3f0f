"""The learning modes' sources, read as files (no browser): every key they build
exists in both catalogs, their keys sit in one block after "page.title", and
the exported player does not carry them."""

import re
from pathlib import Path

from engine.standalone import bundle

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "static" / "js"


def read(name):
    return (JS / name).read_text(encoding="utf-8")


def catalog_keys(language):
    text = (ROOT / "static" / "i18n" / f"{language}.json").read_text(encoding="utf-8")
    return re.findall(r'^ "([^"]+)":', text, re.M)


def built_keys():
    """The keys the modes build from data: per mode, per check kind, per practice outcome and mistake."""
    modes = re.findall(r'"(\w+)"', re.search(r"export const MODES = \[([^\]]*)\]", read("learner.js")).group(1))
    kinds = re.findall(r"(\w+): \"\\u", re.search(r"const SYMBOL = \{([^}]*)\}", read("checkview.js")).group(1))
    code_lines = [line for line in read("practice.js").splitlines() if "code:" in line]
    mistakes = {word for line in code_lines for word in re.findall(r'"(\w+)"', line)} - {"unknown", "wrong"}
    keys = {f"learn.mode.{m}" for m in modes} | {f"learn.mode.{m}_about" for m in modes}
    keys |= {f"learn.check.{k}" for k in kinds}
    keys |= {f"learn.practice.done.{how}" for how in ("right", "revealed")}
    keys |= {f"learn.practice.mistake.{code}" for code in mistakes | {"unknown_wire", "unknown_total"}}
    return modes, kinds, keys


def test_every_key_the_modes_build_exists_in_both_languages():
    modes, kinds, keys = built_keys()
    assert modes == ["explore", "learner", "practice", "descent", "tangents"]
    assert kinds == ["pass", "fail", "kink", "nonfinite", "unchecked"]
    assert {"learn.practice.mistake.fanout", "learn.practice.mistake.sign", "learn.practice.mistake.own_value",
            "learn.practice.mistake.used_input", "learn.practice.mistake.upstream"} <= keys
    for language in ("en", "ko"):
        assert sorted(keys - set(catalog_keys(language))) == [], language


def test_the_modes_keys_are_one_block_after_the_title():
    for language in ("en", "ko"):
        keys = catalog_keys(language)
        learn = [i for i, key in enumerate(keys) if key.startswith("learn.")]
        assert keys[0] == "page.title" and learn == list(range(1, 1 + len(learn))), language


def test_the_exported_player_does_not_carry_the_modes():
    script = bundle()
    for module in ("learner.js", "practice.js", "descent.js", "learn-view.js", "learn-panel.js", "tangents.js"):
        assert f'"js/{module}"' not in script, module
