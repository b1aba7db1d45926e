"""bench/extract.py's scoring of labelled sets: a page labelled as having no author is scored, fairly for both tools."""
from __future__ import annotations

from bench.extract import score, set_truth


def test_a_page_labelled_with_no_author_scores_naming_none_right_and_a_false_author_wrong():
    truth = set_truth({"title": "Budget", "authors": []})
    assert truth["authors"] == []
    assert score("authors", {"authors": []}, truth["authors"]) == 1.0
    assert score("authors", {"authors": None}, truth["authors"]) == 1.0
    assert score("authors", {"authors": ["Staff Reporter"]}, truth["authors"]) == 0.0


def test_a_page_without_an_author_label_is_not_scored_on_authors():
    assert "authors" not in set_truth({"title": "Budget"})
    assert set_truth({"authors_raw": "By Ann Lee and Bo Chan"})["authors"] == ["Ann Lee", "Bo Chan"]
