"""The package installs offline into a venv that sees Debian's torch, and imports from there."""
import os
import shutil
import subprocess
import sys

import pytest

PROBE = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


@pytest.mark.skipif(
    sys.prefix != sys.base_prefix, reason="runs inside a venv: a --system-site-packages venv would not see its torch"
)
def test_pip_installs_the_probe_into_a_system_site_packages_venv(tmp_path):
    source = tmp_path / "probe"  # a copy: building in place would leave build/ and *.egg-info in the tree
    shutil.copytree(PROBE, source, ignore=shutil.ignore_patterns("tests", "build", "*.egg-info", "__pycache__"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    install = subprocess.run(
        [python, "-m", "pip", "install", "--no-build-isolation", "--no-index", str(source)],
        capture_output=True, text=True, cwd=str(tmp_path),
    )
    assert install.returncode == 0, install.stdout + install.stderr
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    shown = subprocess.run(
        [python, "-c", "import gdprobe, torch; print(gdprobe.__version__, gdprobe.__file__)"],
        capture_output=True, text=True, cwd=str(tmp_path), env=env,
    )
    assert shown.returncode == 0, shown.stderr
    version, where = shown.stdout.split()
    assert version == "0.1.0" and where.startswith(str(venv))
