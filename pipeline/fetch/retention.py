"""How long the raw archive keeps responses: which WARC files to prune, and pruning one safely.

Only whole files are pruned, and only files WarcArchive made: a regular file (not a link) directly in the archive
folder, named as WarcArchive names them (`FILE_NAME`) and starting with our `warcinfo` record naming that very file.
Anything else in the folder is left alone. A file some WarcArchive still writes (it holds the file's `flock`) is never
pruned. Two limits, each optional (`pipeline.settings`: THREADLINE_ARCHIVE_KEEP_DAYS, THREADLINE_ARCHIVE_MAX_BYTES):

- by age: a file whose newest response was fetched before now − keep_days;
- by size: while our files together are larger than max_bytes, the oldest file (by the start in its name: the fetch
  time of its first response), then the next.

Only the files to be pruned (and those straddling the age cut-off) are read, so a nightly plan over a large archive
reads little more than what it removes. Recording what was pruned is the caller's (pipeline/runs.py).
"""
from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pipeline.fetch.archive import FILE_NAME, summarize_ours


@dataclass(frozen=True, slots=True)
class Pruning:
    """One WARC file to prune, as `archive_pruned` records it; `reason` is `age` or `size`."""

    path: str
    first_fetched_at: datetime | None
    last_fetched_at: datetime | None
    records: int
    bytes: int
    reason: str


@dataclass(slots=True)
class PrunePlan:
    """What a prune removes, and what it keeps (files and bytes of ours), leaves because a writer holds it, or leaves
    because the pipeline did not make it although it is named like ours."""

    prune: list[Pruning] = field(default_factory=list)
    kept_files: int = 0
    kept_bytes: int = 0
    in_use: list[str] = field(default_factory=list)
    not_ours: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _File:
    path: Path
    size: int
    start: datetime
    order: tuple


def plan_prune(folder: str | os.PathLike, *, keep_days: float | None, max_bytes: int | None,
               now: datetime | None = None) -> PrunePlan:
    """The files of the archive folder to prune under the limits (None: no such limit); removes nothing."""
    plan = PrunePlan()
    files = _our_files(Path(folder), plan)
    if keep_days is None and max_bytes is None:
        plan.kept_files, plan.kept_bytes = len(files), sum(f.size for f in files)
        return plan
    now = now or datetime.now(timezone.utc)
    busy = {f.path for f in files if _in_use(f.path)}
    plan.in_use = [str(path) for path in sorted(busy)]
    chosen: set[Path] = set()
    if keep_days is not None:
        cutoff = now - timedelta(days=keep_days)
        for f in files:
            # the name's start is the first response's fetch time: a file started after the cut-off has nothing older
            if f.path in busy or f.start >= cutoff:
                continue
            pruning = _pruning(f, "age")
            if pruning is not None and (pruning.last_fetched_at or f.start) < cutoff:
                plan.prune.append(pruning)
                chosen.add(f.path)
    total = sum(f.size for f in files if f.path not in chosen)
    if max_bytes is not None:
        for f in files:
            if total <= max_bytes:
                break
            if f.path in busy or f.path in chosen:
                continue
            pruning = _pruning(f, "size")
            if pruning is not None:
                plan.prune.append(pruning)
                chosen.add(f.path)
                total -= f.size
    plan.kept_files = len(files) - len(chosen)
    plan.kept_bytes = total
    return plan


def remove(pruning: Pruning) -> str | None:
    """Delete a planned file; None when done, else why not (one line): gone already, a writer holds it now, or it is
    no longer the file that was planned."""
    path = Path(pruning.path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return "already gone"
    except OSError as exc:
        return f"cannot open it: {exc.strerror or exc}"
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return "a writer holds it now"
        opened, named = os.fstat(fd), os.lstat(path)
        if (opened.st_dev, opened.st_ino, opened.st_size) != (named.st_dev, named.st_ino, pruning.bytes):
            return "it changed since it was planned"
        os.unlink(path)
    except OSError as exc:
        return f"cannot remove it: {exc.strerror or exc}"
    finally:
        os.close(fd)
    return None


def _our_files(folder: Path, plan: PrunePlan) -> list[_File]:
    """Regular files named like WarcArchive's, directly in `folder`, whose first record says we wrote them; oldest
    first. Files named like ours that are not go to `plan.not_ours`."""
    files = []
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    for entry in entries:
        match = FILE_NAME.fullmatch(entry.name)
        if match is None:
            continue
        path = Path(entry.path)
        try:
            start = datetime.strptime(match["stamp"], "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
        except ValueError:
            start = None
        if start is None or not entry.is_file(follow_symlinks=False) or summarize_ours(path, whole=False) is None:
            plan.not_ours.append(str(path))
            continue
        files.append(_File(path, entry.stat(follow_symlinks=False).st_size, start,
                           (start, int(match["pid"]), int(match["n"]), entry.name)))
    plan.not_ours.sort()
    return sorted(files, key=lambda f: f.order)


def _pruning(f: _File, reason: str) -> Pruning | None:
    summary = summarize_ours(f.path)
    if summary is None:
        return None
    return Pruning(str(f.path.resolve()), summary.first_fetched_at, summary.last_fetched_at, summary.records, f.size,
                   reason)


def _in_use(path: Path) -> bool:
    """Whether a WarcArchive holds the file's lock (it is being written)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
