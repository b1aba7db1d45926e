"""Shared test hooks: the labelled set's per-kind table in pytest's summary whenever its pages were checked."""
from __future__ import annotations

import pytest

_LABELLED_RESULTS: list = []  # (label, outcome) of every labelled page checked in this run


@pytest.fixture
def labelled_results() -> list:
    return _LABELLED_RESULTS


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _LABELLED_RESULTS:
        from tests.labelled import table

        terminalreporter.section("labelled set: pages right / pages, entries found / expected, posts found / expected")
        terminalreporter.write_line(table(_LABELLED_RESULTS))
