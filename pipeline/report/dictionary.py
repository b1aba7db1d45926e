"""The data dictionary (`docs/data-dictionary.md`), generated from the warehouse's own COMMENT ON metadata.

Without a warehouse it describes the live schema: a scratch warehouse built from `sql/migrations/` and
`sql/reporting/` in a temporary folder. Every table, view and column must carry a comment; `missing_comments`
lists those that do not, and `render` refuses to write a dictionary with holes.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.report.views import apply_views, read_queries

DEFAULT_PATH = Path("docs") / "data-dictionary.md"


@dataclass
class Schema:
    relations: list[dict]  # name, kind (table or view), comment
    columns: list[dict]  # table_name, column_name, data_type, is_nullable, comment


class MissingComments(Exception):
    """Tables, views or columns without a COMMENT ON."""

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__("no COMMENT ON for: " + ", ".join(missing))


def read_schema(db: str | os.PathLike | None = None) -> Schema:
    """The schema of the warehouse at `db`, or of a scratch one built from the project's SQL when `db` is None."""
    if db is None:
        with tempfile.TemporaryDirectory(prefix="threadline-dictionary-") as folder:
            scratch = Path(folder) / "schema.duckdb"
            apply_views(scratch)  # the writer migrates a new warehouse, then the views apply
            return read_schema(scratch)
    data = read_queries(db, ["report/dictionary_relations", "report/dictionary_columns"])
    return Schema(data["report/dictionary_relations"].dicts(), data["report/dictionary_columns"].dicts())


def missing_comments(schema: Schema) -> list[str]:
    """`table` or `table.column` for every relation and column without a comment (empty counts as none)."""
    missing = [r["name"] for r in schema.relations if not (r["comment"] or "").strip()]
    missing += [f"{c['table_name']}.{c['column_name']}" for c in schema.columns if not (c["comment"] or "").strip()]
    return missing


def render(schema: Schema) -> str:
    """The dictionary as Markdown; raises MissingComments when anything lacks a comment."""
    missing = missing_comments(schema)
    if missing:
        raise MissingComments(missing)
    lines = [
        "# Data dictionary",
        "",
        "Generated from the warehouse's own `COMMENT ON` metadata by `pipeline dictionary` (do not edit by hand: "
        "change the comment in `sql/migrations/` or `sql/reporting/` and run `pipeline dictionary`). "
        "A test fails when this file is stale or a column has no comment. Times are `TIMESTAMPTZ` in UTC.",
        "",
    ]
    for kind, title in [("table", "Tables"), ("view", "Reporting views")]:
        relations = [r for r in schema.relations if r["kind"] == kind]
        lines += [f"## {title}", ""]
        lines += [f"- [`{r['name']}`](#{r['name']}): {_cell(r['comment'])}" for r in relations]
        lines.append("")
        for relation in relations:
            lines += [f"### {relation['name']}", "", _cell(relation["comment"]), ""]
            if kind == "table":
                lines += ["| column | type | null | meaning |", "| --- | --- | --- | --- |"]
            else:  # DuckDB does not track nullability through a view
                lines += ["| column | type | meaning |", "| --- | --- | --- |"]
            for c in schema.columns:
                if c["table_name"] == relation["name"]:
                    nullable = f" {'yes' if c['is_nullable'] else 'no'} |" if kind == "table" else ""
                    lines.append(f"| `{c['column_name']}` | `{c['data_type']}` |{nullable} {_cell(c['comment'])} |")
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def write_dictionary(target: str | os.PathLike = DEFAULT_PATH, db: str | os.PathLike | None = None) -> Path:
    """Write the dictionary of `db` (default: the live schema) to `target`; returns its path."""
    text = render(read_schema(db))
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
