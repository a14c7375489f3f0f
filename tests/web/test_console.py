"""The `backprop-viz` console script: serve, eval, draw (app/cli.py)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from app.cli import main
from engine import cli as engine_cli

ROOT = Path(__file__).resolve().parents[2]
ARGS = ["q = x + y; f = q * z", "x=-2", "y=5", "z=-4"]


def test_eval_is_python_dash_m_engine(capsys):
    assert engine_cli.main(list(ARGS)) == 0
    expected = capsys.readouterr()
    assert main(["eval", *ARGS]) == 0
    assert capsys.readouterr() == expected
    assert "output f = -12.0" in expected.out.splitlines()


def test_eval_errors_name_the_command(capsys):
    with pytest.raises(SystemExit) as info:
        main(["eval", *ARGS, "--precision"])
    assert info.value.code == 2
    assert "backprop-viz eval: error: argument --precision: expected one argument" \
        in capsys.readouterr().err
    assert main(["eval", "x y"]) == 2
    assert capsys.readouterr().err.startswith("error: missing an operator before 'y'")


@pytest.mark.parametrize("argv,message", [
    ([], "error: no command given; the commands are serve, eval and draw"),
    (["evaluate", "x"], "error: unknown command 'evaluate'; the commands are serve, eval and draw"),
])
def test_a_missing_or_unknown_command_prints_the_usage(capsys, argv, message):
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("usage: backprop-viz serve")
    assert err.rstrip().endswith(message)


def test_help_and_version(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(f"backprop-viz {c}" in out for c in ("serve", "eval", "draw"))
    assert main(["--version"]) == 0
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert capsys.readouterr().out == f"backprop-viz {version}\n"


def test_serve_options(capsys):
    with pytest.raises(SystemExit) as info:
        main(["serve", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert all(flag in out for flag in ("--host", "--port", "--workers"))
    with pytest.raises(SystemExit) as info:
        main(["serve", "--workers", "0"])
    assert info.value.code == 2
    assert "--workers must be at least 1" in capsys.readouterr().err


def test_the_console_script_is_installed():
    script = Path(sys.executable).parent / "backprop-viz"
    proc = subprocess.run([str(script), "draw", *ARGS, "--format", "svg"],
                          capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(b"<svg") and b'id="edge-out"' in proc.stdout
