"""`pipeline report`: the page works offline, and in headless Chromium every chart draws bars.

The screenshot goes to test-artifacts/report.png (git-ignored) for a person to look at.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.cli import main
from tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

CHARTS = ["daily_volume", "outlets", "top_accounts", "post_reach", "embed_lag", "liveblog_cadence", "edits",
          "unavailable", "hashtags", "duplicates"]


@pytest.fixture(scope="module")
def page_path(report_warehouse) -> Path:
    folder = report_warehouse.parent
    assert main(["report", "--db", str(report_warehouse), "--out", str(folder / "out")]) == 0
    return folder / "out" / "index.html"


def test_the_page_needs_no_network(page_path):
    html = page_path.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*['"]?(https?:)?//""", html)  # no external script, style, image, font
    assert "<script" not in html
    assert html.count("<svg class='chart'") == len(CHARTS)


def test_the_page_shows_the_hand_counted_figures(page_path):
    html = page_path.read_text(encoding="utf-8")
    for figure in ["<b>6</b>pages", "<b>1</b>live blogs", "<b>14</b>posts", "<b>19</b>embeds",
                   "<b>1</b>unavailable posts"]:
        assert figure in html
    assert "@The_NewArab (x): 3" in html  # top-accounts tooltip: Example News, Live Desk, the seed text
    assert "reporter.example" in html  # the unavailable post's row


@pytest.mark.browser
def test_every_chart_renders_in_headless_chromium(page_path):
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make install` installs it (apt-get install chromium)")
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 900, "height": 1200})
            requests = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(page_path.as_uri())
            drawn = page.eval_on_selector_all("svg.chart", """svgs => svgs.map(svg => {
                const box = svg.getBoundingClientRect();
                const bars = [...svg.querySelectorAll('rect.bar')].filter(r => {
                    const b = r.getBoundingClientRect(); return b.width > 0 && b.height > 0; });
                return [svg.dataset.chart, box.width > 0 && box.height > 0, bars.length];
            })""")
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        finally:
            browser.close()
    assert [name for name, _, _ in drawn] == CHARTS
    assert all(visible and bars > 0 for _, visible, bars in drawn), drawn
    assert dict((name, bars) for name, _, bars in drawn)["top_accounts"] == 13  # 13 distinct accounts (of 14 posts)
    assert requests == [page_path.as_uri()]  # the page itself and nothing else
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000


def test_an_empty_warehouse_gives_a_page_saying_so(tmp_path):
    from pipeline.store import Writer

    db = tmp_path / "empty.duckdb"
    with Writer(db):
        pass  # migrated, no run yet
    assert main(["report", "--db", str(db), "--out", str(tmp_path / "out")]) == 0
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "<svg class='chart'" not in html
    assert html.count("<svg class='chart empty'") == len(CHARTS)
    assert "no run finished yet" in html
