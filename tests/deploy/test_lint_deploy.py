"""The deployment files pass their linters and the image's install steps work (no Docker
engine needed): hadolint, the compose spec, a fresh-venv install, systemd-analyze."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(600)
def test_deploy_lint_script_passes() -> None:
    """.ci/lint-deploy.sh: hadolint, compose-spec check, install in a clean venv, unit verify."""
    if shutil.which("bash") is None:
        pytest.skip("bash is not available")
    env = {**os.environ, "PYTHON": sys.executable}
    done = subprocess.run(
        ["bash", str(ROOT / ".ci" / "lint-deploy.sh")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=590,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
