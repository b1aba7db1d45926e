"""The data dictionary: generated from COMMENT ON, every column commented, and the checked-in file current."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.report.dictionary import MissingComments, missing_comments, read_schema, render
from pipeline.store import Writer

ROOT = Path(__file__).resolve().parents[1]
CHECKED_IN = ROOT / "docs" / "data-dictionary.md"


@pytest.fixture(scope="module")
def schema():
    return read_schema()  # the live schema: the project's migrations and reporting views in a scratch warehouse


def test_every_table_view_and_column_has_a_comment(schema):
    assert missing_comments(schema) == []
    names = {r["name"] for r in schema.relations}
    assert {"articles", "social_posts", "report_post_reach", "report_duplicates_prevented"} <= names


def test_the_checked_in_dictionary_matches_the_live_schema(schema):
    assert CHECKED_IN.read_text(encoding="utf-8") == render(schema), \
        "docs/data-dictionary.md is stale: run `pipeline dictionary` and commit it"


def test_the_dictionary_lists_each_column_with_its_comment(schema):
    text = render(schema)
    assert "| `posted_at_precision` | `VARCHAR` | yes | How precise posted_at is" in text
    assert "| `first_lag_minutes` | `DECIMAL(" in text or "| `first_lag_minutes` | `DOUBLE` |" in text
    assert text.count("\n### ") == len(schema.relations)


def test_a_column_without_a_comment_fails(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    with Writer(db) as writer:  # a migration someone forgot to comment
        writer.con.execute("CREATE TABLE widgets (widget_id VARCHAR, colour VARCHAR)")
        writer.con.execute("COMMENT ON TABLE widgets IS 'One row per widget.'")
        writer.con.execute("COMMENT ON COLUMN widgets.widget_id IS 'The widget.'")
    schema = read_schema(db)
    assert missing_comments(schema) == ["widgets.colour"]
    with pytest.raises(MissingComments, match=r"widgets\.colour"):
        render(schema)
    target = tmp_path / "dictionary.md"
    assert main(["dictionary", "--db", str(db), "--out", str(target)]) == 1
    assert not target.exists()


def test_a_table_without_a_comment_fails(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    with Writer(db) as writer:
        writer.con.execute("CREATE TABLE widgets (widget_id VARCHAR)")
        writer.con.execute("COMMENT ON COLUMN widgets.widget_id IS 'The widget.'")
    assert missing_comments(read_schema(db)) == ["widgets"]


def test_the_command_writes_the_dictionary(tmp_path, schema):
    target = tmp_path / "data-dictionary.md"
    assert main(["dictionary", "--out", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == render(schema)
