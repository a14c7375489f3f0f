"""Infrastructure smoke test: the toolchain the real tests rely on is present."""
import os
import shutil
import subprocess


def test_numpy_graphviz_and_chromium_available():
    import numpy as np

    assert np.array([1.0, 2.0]).sum() == 3.0

    dot = shutil.which("dot")
    assert dot is not None, "graphviz `dot` not on PATH (run `make deps-run`)"
    out = subprocess.run([dot, "-V"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0
    assert "graphviz" in (out.stdout + out.stderr).lower()

    assert os.path.exists("/usr/bin/chromium"), "chromium missing (run `make deps-test`)"
    assert os.access("/usr/bin/chromium", os.X_OK)


def test_nginx_available():
    """`make run` puts nginx in front of gunicorn (app/serving.py); `make test` installs it."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert os.access(nginx, os.X_OK), "nginx missing (run `make deps-front`)"
    out = subprocess.run([nginx, "-v"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0 and "nginx/" in out.stderr
