"""A wheel and an sdist carry the page: built, installed outside the checkout, served.

The files of the checkout that a clone would have (git's tracked and untracked,
not ignored) are copied to a temporary folder and built there with `python -m
build`, which makes the sdist and then the wheel from the sdist, as pip would.
The wheel goes into a fresh virtual environment (its dependencies from the
package index), and `backprop-viz serve` runs from there with its working
directory outside the checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from app import create_app
import engine
from engine import cli as engine_cli

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
CIRCUIT = {"expression": "q = x + y; f = q * z", "values": {"x": -2, "y": 5, "z": -4}}
ARGS = [CIRCUIT["expression"], "x=-2", "y=5", "z=-4"]


def run(cmd, **kw):
    """Run a build or install step; its output is in the failure message."""
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    assert proc.returncode == 0, f"{cmd} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def clean_env() -> dict:
    """The environment without anything that points Python at the checkout or its venv."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "PYTHONSTARTUP")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(source copy, sdist, wheel) built from the checkout's files."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to tell which files a clone has")
    top = tmp_path_factory.mktemp("build")
    src = top / "src"
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                 cwd=ROOT).stdout.split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():   # a tracked file deleted in the worktree is not copied
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    run([sys.executable, "-m", "build", "--outdir", top / "dist", src], cwd=top,
        env=clean_env(), timeout=600)
    (sdist,) = (top / "dist").glob("*.tar.gz")
    (wheel,) = (top / "dist").glob("*.whl")
    return src, sdist, wheel


def page_files(src: Path) -> set[str]:
    """Every file under templates/ and static/, relative to the top of the repository."""
    return {p.relative_to(src).as_posix() for folder in ("templates", "static")
            for p in (src / folder).rglob("*") if p.is_file()}


def test_the_sdist_carries_templates_and_static(built):
    src, sdist, _ = built
    expected = page_files(src)
    assert {"templates/index.html", "static/js/main.js", "static/style.css"} <= expected
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
        top = tar.getnames()[0].split("/")[0]
        assert tar.extractfile(f"{top}/static/js/main.js").read() == \
            (src / "static/js/main.js").read_bytes()
    assert expected <= names


def test_the_wheel_carries_them_inside_app_with_all_the_code(built):
    src, _, wheel = built
    # pyproject lists the packages by name: a new subpackage must be added there.
    code = {p.relative_to(src).as_posix() for folder in ("engine", "app")
            for p in (src / folder).rglob("*.py")}
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
        assert {f"app/{name}" for name in page_files(src)} <= names
        assert "engine/cli.py" in code and code <= names
        meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
        requires = [line for line in whl.read(meta).decode().splitlines()
                    if line.startswith("Requires-Dist:")]
        entry_points = whl.read(meta.replace("METADATA", "entry_points.txt")).decode()
    assert any(line.split()[1].startswith("graphviz") for line in requires)
    assert "backprop-viz = app.cli:main" in entry_points.splitlines()


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory):
    """(bin folder, working directory) of a fresh venv that has the wheel installed."""
    _, _, wheel = built
    top = tmp_path_factory.mktemp("installed")
    venv = top / "venv"
    run([sys.executable, "-m", "venv", venv], cwd=top, env=clean_env(), timeout=300)
    run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel], cwd=top,
        env=clean_env(), timeout=600)
    elsewhere = top / "elsewhere"
    elsewhere.mkdir()
    return venv / "bin", elsewhere


def test_the_installed_packages_are_the_wheels(installed):
    bin_dir, cwd = installed
    proc = run([bin_dir / "python", "-c", "import app, engine; print(app.__file__); "
                "print(engine.__file__)"], cwd=cwd, env=clean_env())
    for path in proc.stdout.split():
        assert Path(path).is_relative_to(bin_dir.parent), path


def test_the_installed_cli(installed, tmp_path):
    bin_dir, cwd = installed
    proc = run([bin_dir / "backprop-viz", "eval", *ARGS], cwd=cwd, env=clean_env())
    assert proc.stdout.splitlines()[-6:] == ["output f = -12.0", "  df/dx = -4.0",
                                             "  df/dy = -4.0", "  df/dq = -4.0",
                                             "  df/dz = 3.0", "  df/df = 1.0"]
    run([bin_dir / "backprop-viz", "draw", *ARGS, "--out", tmp_path / "f.pdf"], cwd=cwd,
        env=clean_env())
    assert (tmp_path / "f.pdf").read_bytes().startswith(b"%PDF")
    proc = run([bin_dir / "python", "-m", "engine", *ARGS, "--json"], cwd=cwd, env=clean_env())
    assert json.loads(proc.stdout)["gradients"]["z"] == 3.0
    # The standalone player inlines the installed copy of static/ (app/static in the wheel).
    run([bin_dir / "backprop-viz", "draw", *ARGS, "--html", tmp_path / "f.html"], cwd=cwd,
        env=clean_env())
    assert (tmp_path / "f.html").read_text() == engine.evaluate(
        ARGS[0], {"x": -2, "y": 5, "z": -4}).to_html()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(installed, tmp_path):
    """The base URL of `backprop-viz serve` running from the fresh venv."""
    bin_dir, cwd = installed
    port = free_port()
    log = open(tmp_path / "serve.log", "w+")
    proc = subprocess.Popen([bin_dir / "backprop-viz", "serve", "--port", str(port),
                             "--workers", "1"], cwd=cwd, env=clean_env(), stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:   # wait until it listens, or has died
            assert proc.poll() is None, "the server exited:\n" + Path(log.name).read_text()
            assert time.monotonic() < deadline, "the server never listened:\n" + \
                Path(log.name).read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)   # the session this test started
            proc.wait()
        log.close()


def fetch(url, body=None):
    request = urllib.request.Request(url, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, response.headers.get_content_type(), response.read()


def test_the_installed_wheel_serves_the_page_as_the_checkout_does(server):
    checkout = create_app({"TESTING": True}).test_client()

    status, kind, page = fetch(server + "/")
    assert (status, kind) == (200, "text/html")
    assert page == checkout.get("/").data
    assert b'src="/static/js/main.js"' in page

    status, kind, script = fetch(server + "/static/js/main.js")
    assert (status, kind) == (200, "text/javascript")
    assert script == (ROOT / "static/js/main.js").read_bytes()

    status, kind, answer = fetch(server + "/api/graph", CIRCUIT)
    assert (status, kind) == (200, "application/json")
    answer = json.loads(answer)
    assert answer["svg"] is not None and 'id="edge-out"' in answer["svg"]
    assert answer["output"]["value"] == -12.0
    assert answer == checkout.post("/api/graph", json=CIRCUIT).get_json()


def test_the_checkout_table_is_the_installed_one(installed, capsys):
    """The installed CLI and the checkout's print the same table (one code, two installs)."""
    bin_dir, cwd = installed
    proc = run([bin_dir / "backprop-viz", "eval", *ARGS], cwd=cwd, env=clean_env())
    assert engine_cli.main(list(ARGS)) == 0
    assert capsys.readouterr().out == proc.stdout
