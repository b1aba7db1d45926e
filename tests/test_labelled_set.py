"""The parser against the hand-checked labelled set (`tests/fixtures/labels/`): every expected fact of every page.

A page counts right only when every fact in its label holds; the per-kind table (pages right / pages, entries
found / expected, posts found / expected) is printed in pytest's summary (tests/conftest.py), and by
`python -m tests.labelled`.
"""
from __future__ import annotations

import pytest

from pipeline.parse import parse
from tests.labelled import check, document, load_labels

LABELS = load_labels()


@pytest.mark.parametrize("label", LABELS, ids=[label["id"] for label in LABELS])
def test_page_matches_its_label(label, labelled_results):
    page = parse(document(label)).page
    outcome = check(label, page)
    labelled_results.append((label, outcome))
    assert not outcome.failures, "\n".join(outcome.failures)
