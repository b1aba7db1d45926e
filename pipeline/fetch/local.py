"""Reading a local file as outside input: a regular file only (a pipe, socket or device would block the run), at most
`cap + 1` bytes ever read (the file may grow after its size was checked). The one reader of local files for pages
(pipeline/source_reader.py) and for local feeds and sitemaps (pipeline/discover/discover.py)."""
from __future__ import annotations

from pathlib import Path

from pipeline.model import Outcome


class LocalReadError(Exception):
    """A local file that was not read: `outcome` is `too_large` or `error`, `cause` a sentence naming why."""

    def __init__(self, outcome: Outcome, cause: str):
        super().__init__(cause)
        self.outcome, self.cause = outcome, cause


def too_large_cause(what: str, max_bytes: int) -> str:
    """The cause of a local file or an archived record past the cap, and how to raise it."""
    return (f"{what} is larger than max_bytes ({max_bytes:,} bytes); not read — raise THREADLINE_FETCH_MAX_BYTES "
            f"(or the source's max_bytes) if it is genuine")


def read_bounded(path: Path, cap: int) -> bytes:
    """The bytes of a regular file of at most `cap` bytes; raises LocalReadError (and FileNotFoundError when the
    file is not there, for the caller to word)."""
    if not path.exists():
        raise FileNotFoundError(path)
    if not path.is_file():
        raise LocalReadError(Outcome.ERROR, "not a regular file (a pipe, socket, device or folder); not read")
    try:
        size = path.stat().st_size
        if size > cap:
            raise LocalReadError(Outcome.TOO_LARGE, too_large_cause(f"the file ({size:,} bytes)", cap))
        with path.open("rb") as handle:
            data = handle.read(cap + 1)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise LocalReadError(Outcome.ERROR, f"cannot read the file: {exc.strerror or exc}") from None
    if len(data) > cap:
        raise LocalReadError(Outcome.TOO_LARGE, too_large_cause("the file", cap))
    return data
