"""What the store raises, and the helpers that turn a failure into one line: every message names the warehouse and
the cause, never a secret."""
from __future__ import annotations

import errno
import os
import re

import duckdb

from pipeline.redact import redact


class StoreError(Exception):
    """A failure the store reports to people: its message names the warehouse and the cause, never a secret (the
    message is redacted when the exception is made, pipeline/redact.py)."""

    def __init__(self, *args):
        super().__init__(*(redact(arg) if isinstance(arg, str) else arg for arg in args))


class WarehouseBusy(StoreError):
    """Another writer held the warehouse (or a table of it) for longer than we were willing to wait."""


class LoadFailed(StoreError):
    """A batch could not be merged (after any retries): the warehouse stays as it was before that batch."""


class ViewsFailed(StoreError):
    """A reporting view (`sql/reporting/`) could not be applied: the file and DuckDB's reason."""


class WarehouseMissing(StoreError):
    """There is no warehouse at the given path yet."""


class LakeUnavailable(StoreError):
    """The DuckLake backend cannot start: an extension is missing, or the catalog or data folder is not set up."""


class WarehouseUnusable(StoreError):
    """The warehouse cannot be opened: a directory, not a DuckDB file, a newer DuckDB's file, a folder we cannot
    write in (no lock, no working copy), a schema the store could not bring up to date."""


class PublishFailed(StoreError):
    """The working copy could not be checkpointed or published (a full disk, say): the published file is as it was."""


# What the operating system says when the trouble is the disk or the permissions, not what a file holds.
_OS_TROUBLE = tuple(os.strerror(code) for code in (errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM,
                                                    errno.EROFS, errno.EIO, errno.EMFILE))


def os_trouble(exc: BaseException) -> bool:
    """Whether an error comes from the disk or the permissions (a full disk, a read-only folder) rather than from
    what a file holds."""
    return isinstance(exc, OSError) or any(text in str(exc) for text in _OS_TROUBLE)


def first_line(exc: BaseException) -> str:
    """An error as one line: DuckDB's first line, without its "IO Error: " style prefix."""
    lines = str(exc).strip().splitlines() or [type(exc).__name__]
    return re.sub(r"^(FATAL Error|[A-Za-z ]+ Error): ", "", lines[0])


def close_quietly(con: duckdb.DuckDBPyConnection) -> None:
    """Close a connection that may already be broken (a failed checkpoint), saying nothing."""
    try:
        con.close()
    except duckdb.Error:
        pass
