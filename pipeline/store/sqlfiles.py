"""SQL from the project's `sql/` folder: statements live there, not in Python strings."""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

# `sql/` sits beside the `pipeline` package in the project (and in the Docker image, which copies the project).
SQL_DIR = Path(os.environ.get("THREADLINE_SQL_DIR", Path(__file__).resolve().parents[2] / "sql"))


@lru_cache(maxsize=None)
def sql(name: str) -> str:
    """The text of `sql/<name>.sql`."""
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"SQL file {path} is missing; is THREADLINE_SQL_DIR right?")
    return path.read_text(encoding="utf-8")


def sql_files(folder: str) -> list[tuple[str, str]]:
    """(name, text) of every `.sql` file in `sql/<folder>/`, in name order."""
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted((SQL_DIR / folder).glob("*.sql"))]


def folder_digest(folder: str) -> str:
    """A digest of `sql/<folder>/`'s file names and texts: it changes when any definition in it does."""
    digest = hashlib.sha256()
    for name, text in sql_files(folder):
        digest.update(f"{name}\x1f{text}\x1e".encode("utf-8"))
    return digest.hexdigest()[:16]
