"""The command line: ``python -m engine PROGRAM name=value ... [--json]``."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

import engine
from engine.cli import main

ROOT = Path(__file__).resolve().parents[2]
CIRCUIT = "q = x + y; f = q * z"
CIRCUIT_ARGS = [CIRCUIT, "x=-2", "y=5", "z=-4"]


def cli(capsys, *argv):
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def strict_json(text: str):
    """json.loads that refuses NaN/Infinity literals (they are not JSON)."""
    def bad(name):
        raise AssertionError(f"non-JSON constant {name} in the output")
    return json.loads(text, parse_constant=bad)


def test_table_for_the_circuit(capsys):
    rc, out, err = cli(capsys, *CIRCUIT_ARGS)
    assert rc == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["node", "kind", "op", "name", "value", "gradient", "text"]
    assert set(lines[1]) == {"-"}
    rows = [line.split(None, 6) for line in lines[2:7]]
    assert rows == [
        ["0", "input", "x", "-2.0", "-4.0", "x"],
        ["1", "input", "y", "5.0", "-4.0", "y"],
        ["2", "op", "+", "q", "3.0", "-4.0", "x + y"],
        ["3", "input", "z", "-4.0", "3.0", "z"],
        ["4", "op", "*", "f", "-12.0", "1.0", "q * z"],
    ]
    assert lines[7] == ""
    assert lines[8] == "output f = -12.0"
    assert lines[9:] == ["  df/dx = -4.0", "  df/dy = -4.0", "  df/dq = -4.0",
                         "  df/dz = 3.0", "  df/df = 1.0"]


def test_table_columns_line_up(capsys):
    rc, out, _ = cli(capsys, *CIRCUIT_ARGS)
    lines = out.splitlines()
    header = lines[0]
    col = header.index("value")
    assert lines[6][col:].startswith("-12.0")
    assert lines[2][col:].startswith("-2.0")


def test_json_output_is_to_dict(capsys):
    rc, out, err = cli(capsys, *CIRCUIT_ARGS, "--json")
    assert rc == 0 and err == ""
    d = strict_json(out)
    expected = engine.evaluate(CIRCUIT, {"x": -2, "y": 5, "z": -4}).to_dict()
    assert d == json.loads(json.dumps(expected))
    assert d["output"]["value"] == -12.0
    assert d["gradients"] == {"x": -4.0, "y": -4.0, "q": -4.0, "z": 3.0, "f": 1.0}


def test_json_non_finite_numbers_are_strings(capsys):
    rc, out, _ = cli(capsys, "y = log(x) + 1/x", "x=0", "--json")
    assert rc == 0
    d = strict_json(out)
    assert d["output"]["value"] == "NaN"  # -inf + inf
    assert d["gradients"] == {"x": "NaN", "y": 1.0}  # 1/x - 1/x**2 at 0: inf - inf
    assert len(d["warnings"]) == 2
    assert "log(x)" in d["warnings"][0] and "1/x" in d["warnings"][1]


def test_literal_program_needs_no_values(capsys):
    rc, out, _ = cli(capsys, "x = -2; y = 5; z = -4; f = (x + y) * z")
    assert rc == 0
    assert "output f = -12.0" in out.splitlines()


def test_full_precision_in_the_table(capsys):
    rc, out, _ = cli(capsys, "f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))",
                     "w0=2", "x0=-1", "w1=-3", "x1=-2", "w2=-3")
    assert rc == 0
    lines = out.splitlines()
    value = float(next(line for line in lines if line.startswith("output f = ")).split("=")[1])
    assert value == 1 / (1 + math.exp(-1))
    grad = float(next(line for line in lines if line.startswith("  df/dw0 = ")).split("=")[1])
    s = 1 / (1 + math.exp(-1))
    assert grad == pytest.approx(-s * (1 - s), rel=1e-15)


def test_array_values(capsys):
    rc, out, _ = cli(capsys, "sum(w * x)", "w=[1,2]", "x=[3, 4]")
    assert rc == 0
    lines = out.splitlines()
    assert "output f = 11.0" in lines
    assert "  df/dw = [3.0, 4.0]" in lines
    assert "  df/dx = [1.0, 2.0]" in lines


def test_array_values_json(capsys):
    rc, out, _ = cli(capsys, "sum(W @ x)", "W=[[1,2,3],[4,5,6]]", "x=[1,2,3]", "--json")
    assert rc == 0
    d = strict_json(out)
    assert d["output"]["value"] == 46.0
    assert d["gradients"]["x"] == [5.0, 7.0, 9.0]


def test_warnings_are_printed(capsys):
    rc, out, _ = cli(capsys, "log(x)", "x=0")
    assert rc == 0
    assert "output f = -inf" in out.splitlines()
    assert any(line.startswith("warning: ") and "log(x)" in line for line in out.splitlines())


@pytest.mark.parametrize("argv,message", [
    (["x y"], "two values side by side"),
    (["expp(x)", "x=1"], "did you mean 'exp'?"),
    (["q = x + y; f = q * z", "x=1"], "missing values for inputs: y, z"),
    (["x + 1", "x=abc"], "the value in 'x=abc' is not a number or a JSON list"),
    (["x + 1", "x"], "'x' is not of the form name=value"),
    (["x + 1", "=3"], "'=3' is not of the form name=value"),
    (["x + 1", "x=NaN"], "give a finite number"),
    (["x + 1", "x=true"], "must be a number, not true/false"),
    (["x + 1", "x=null"], "must be a number, not null"),
    (["sum(W @ x)", "W=[[1,2,3],[4,5,6]]", "x=[1,2]"], "inner dimensions 3 and 2 differ"),
    (["(((x)))", "x=1", "--max-depth", "2"], "nested more than 2 levels"),
    (["pi = 3"], "'pi' is the constant"),
    ([""], "the program is empty"),
])
def test_errors_exit_2_with_the_message_on_stderr(capsys, argv, message):
    rc, out, err = cli(capsys, *argv)
    assert rc == 2
    assert out == ""
    assert err.startswith("error: ")
    assert message in err


def test_error_output_is_the_caret_message(capsys):
    rc, out, err = cli(capsys, "a = 1\nb = a +* 2")
    assert rc == 2
    assert err == ("error: missing a value after '+' (found '*')\n"
                   "  line 2, column 7:\n"
                   "  b = a +* 2\n"
                   "        ^\n")


def test_error_caret_matches_the_engine_error(capsys):
    program = "f = (x + y * z"
    with pytest.raises(engine.EngineError) as info:
        engine.evaluate(program, {"x": 1, "y": 2, "z": 3})
    rc, out, err = cli(capsys, program, "x=1", "y=2", "z=3")
    assert rc == 2
    assert err == "error: " + info.value.caret(program) + "\n"


def test_dot_output(capsys):
    rc, out, err = cli(capsys, *CIRCUIT_ARGS, "--dot")
    assert rc == 0 and err == ""
    assert out.lstrip().startswith("digraph")


class _no_exit:
    """Turn argparse's SystemExit into a test failure with its message."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is SystemExit:
            raise AssertionError(f"argparse exited with status {exc.code}")
        return False


def run_module(*args, timeout=60):
    return subprocess.run([sys.executable, "-m", "engine", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=timeout)


def test_python_dash_m_engine():
    proc = run_module(*CIRCUIT_ARGS)
    assert proc.returncode == 0, proc.stderr
    assert "output f = -12.0" in proc.stdout.splitlines()
    assert "  df/dx = -4.0" in proc.stdout.splitlines()
    assert proc.stderr == ""


def test_python_dash_m_engine_json():
    proc = run_module(*CIRCUIT_ARGS, "--json")
    assert proc.returncode == 0, proc.stderr
    assert strict_json(proc.stdout)["gradients"]["z"] == 3.0


def test_python_dash_m_engine_error_exit_status():
    proc = run_module("x y")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("error: missing an operator before 'y'")
    assert "    ^" in proc.stderr.splitlines()


def test_program_starting_with_a_minus_and_spaces():
    proc = run_module("-x ** 2", "x=3")
    assert proc.returncode == 0, proc.stderr
    assert "output f = -9.0" in proc.stdout.splitlines()


def test_program_starting_with_a_minus(capsys):
    with _no_exit():
        rc, out, err = cli(capsys, "-x**2", "x=3")
    assert rc == 0
    assert "output f = -9.0" in out.splitlines()
