"""The `pipeline` command run as a user runs it, for the tests that check its output and exit codes."""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pipeline(*args: str, cwd: Path | None = None, env: Mapping[str, str | None] | None = None,
             timeout: float = 180) -> subprocess.CompletedProcess:
    """`python -m pipeline ARGS` in a subprocess with this checkout first on PYTHONPATH, in this process's
    environment (with what a test's monkeypatch set) changed by `env`: a value sets a variable, None unsets it."""
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=_environment(env))


def start_pipeline(*args: str, cwd: Path | None = None,
                   env: Mapping[str, str | None] | None = None) -> subprocess.Popen:
    """`pipeline` as above, started and left running (for commands that must run at once); `communicate()` it."""
    return subprocess.Popen([sys.executable, "-m", "pipeline", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_environment(env))


def _environment(env: Mapping[str, str | None] | None) -> dict[str, str]:
    full = {**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)}
    return {name: value for name, value in full.items() if value is not None}
