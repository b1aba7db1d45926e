"""The parser against the hand-checked labelled set (`tests/fixtures/labels/`): every expected fact of every page.

A page counts right only when every fact in its label holds; the per-kind table (pages right / pages, entries
found / expected, posts found / expected) is printed (`pytest -s` or `-rP` to see it).
"""
from __future__ import annotations

import pytest

from pipeline.parse import parse
from tests.labelled import check, document, load_labels, table

LABELS = load_labels()
_RESULTS: list = []


@pytest.mark.parametrize("label", LABELS, ids=[label["id"] for label in LABELS])
def test_page_matches_its_label(label):
    page = parse(document(label)).page
    outcome = check(label, page)
    _RESULTS.append((label, outcome))
    assert not outcome.failures, "\n".join(outcome.failures)


def test_print_table():
    if not _RESULTS:
        pytest.skip("no labelled page was checked")
    print("\n" + table(_RESULTS))
