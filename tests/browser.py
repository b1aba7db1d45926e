"""Headless Chromium for the browser tests (tests/test_report_page.py, tests/test_ui_plugin.py): Debian's
/usr/bin/chromium driven by Playwright, and where their screenshots go (test-artifacts/, git-ignored)."""
from __future__ import annotations

from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
