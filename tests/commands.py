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
    full = {**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={name: value for name, value in full.items() if value is not None})
