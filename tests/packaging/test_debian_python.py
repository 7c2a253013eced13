"""The README's install commands, as typed on Debian 12: its own python3 (3.11) and pip 23.0.

The other packaging tests install with uv; an operator follows the README with the system's
python3 and pip. Debian 12's pip 23.0 refuses the lock (an extra's requirement is not pinned
the way it wants), which the README meets with `python3 -m venv --upgrade-deps`. This runs the
README's own lines, read from it, with only the venv's and the wheel's paths replaced.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.packaging.conftest import IN_CI, REPO_ROOT, clean_env, run

pytestmark = pytest.mark.packaging

SYSTEM_PYTHON = Path("/usr/bin/python3")
README_VENV = "/opt/portal/venv"


def install_lines() -> list[str]:
    """The README's commands that make the venv and install into it, in order."""
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line.split("#")[0].strip() for line in text.splitlines()]
    wanted = [
        line
        for line in lines
        if line.startswith("python3 -m venv ") or line.startswith(f"{README_VENV}/bin/pip install")
    ]
    assert len(wanted) == 3, wanted  # the venv, the lock, the wheel
    return wanted


def system_python() -> Path:
    found = SYSTEM_PYTHON if SYSTEM_PYTHON.exists() else None
    version = (
        subprocess.run([str(found), "-c", "import sys, ensurepip; print(sys.version_info >= (3, 11))"],
                       capture_output=True, text=True, check=False).stdout.strip()
        if found else ""
    )  # fmt: skip
    if version != "True":
        message = f"{SYSTEM_PYTHON} is not a Python 3.11+ with venv (Debian 12's python3-venv)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return SYSTEM_PYTHON


def test_the_readme_install_works_with_debians_own_python(wheel: Path, tmp_path: Path) -> None:
    python = system_python()
    venv = tmp_path / "venv"
    env = clean_env()
    for line in install_lines():
        line = line.replace(README_VENV, str(venv))
        line = re.sub(r"portal-[\w.]+-py3-none-any\.whl", str(wheel), line)
        argv = line.split()
        if argv[0] == "python3":
            argv[0] = str(python)
        run(argv, env=env, cwd=REPO_ROOT)
    # The installed command starts and knows its subcommands.
    shown = run([str(venv / "bin" / "portal"), "--help"], env=env, cwd=tmp_path)
    for command in ("serve", "migrate", "purge", "create-staff"):
        assert command in shown.stdout
    pip = run([str(venv / "bin" / "pip"), "--version"], env=env).stdout
    assert not pip.startswith("pip 23."), pip  # --upgrade-deps did its part
