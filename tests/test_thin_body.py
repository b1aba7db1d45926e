"""A page whose body comes out (nearly) empty while its markup holds an article is never silent: a parse warning, the
run's line for the source, and `fetch_log.parse_notes` say so.

The real page: Übermedien's "Gute Tabus, schlechte Tabus" (tests/fixtures/thin_body__trafilatura__uebermedien.de-
Israel.html.gz, origin in tests/fixtures/SOURCES.md): its `<main>` holds about 19,000 characters of paragraphs, and
today's parser reads none of them into the body. It comes into tests/fixtures/ from the team corpus (shared/corpus);
until it is there, the tests that need it skip and name it.
"""
from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from pipeline.model import Document
from pipeline.parse import THIN_BODY, parse
from tests.commands import pipeline
from tests.warehouse_rows import rows

FIXTURES = Path(__file__).parent / "fixtures"
THIN = FIXTURES / "thin_body__trafilatura__uebermedien.de-Israel.html.gz"
URL = "https://uebermedien.de/89676/gute-tabus-schlechte-tabus-die-vertauschten-rollen-in-der-debatte-ueber-israel/"


def _html(path: Path) -> str:
    if not path.exists():
        pytest.skip(f"{path.name}: the real page is not in tests/fixtures/ yet (origin in tests/fixtures/SOURCES.md)")
    return gzip.decompress(path.read_bytes()).decode("utf-8")


def test_an_empty_body_from_a_page_holding_an_article_gets_a_warning():
    result = parse(Document(source=URL, url=URL, content=_html(THIN), kind="html"))
    assert len(result.page.body_text.split()) < 50
    notes = [warning for warning in result.warnings if warning.startswith(THIN_BODY)]
    assert len(notes) == 1
    assert "0 words" in notes[0] and "19237 characters" in notes[0]


def test_a_page_whose_body_is_read_gets_no_such_warning():
    page = FIXTURES / "corpus" / "article__fundus__BBC_2026_04_25.html.gz"
    result = parse(Document(source="bbc", content=_html(page), kind="html"))
    assert len(result.page.body_text.split()) > 50
    assert not [warning for warning in result.warnings if warning.startswith(THIN_BODY)]


def test_the_run_line_and_fetch_log_carry_the_note(tmp_path):
    source = tmp_path / "uebermedien.html"
    source.write_text(_html(THIN), encoding="utf-8")
    db = tmp_path / "w.duckdb"
    result = pipeline("ingest", str(source), "--db", str(db), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if "uebermedien.html" in line)
    assert line.startswith("ok") and f"; {THIN_BODY}: 0 words" in line
    [(notes,)] = rows(db, "SELECT parse_notes FROM fetch_log")
    assert f"{THIN_BODY}: 0 words" in notes
