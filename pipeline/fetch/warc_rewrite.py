"""Rewriting the raw archive's WARC files without some records (an erasure request: pipeline/purge/).

Only files WarcArchive made are rewritten (named as it names them, directly in the archive folder, starting with our
`warcinfo` naming that file: the same test as retention's), never one a writer still holds (its `flock`). A record is
dropped when `matches(record, payload)` says so; with a dropped response (or revisit) go the request and metadata
records that point at it (`WARC-Concurrent-To`, `WARC-Refers-To`) and the revisits of the same body at the same URI.
Every other record is copied byte for byte (each record is one gzip member), so the new file reads as the old one
did, minus those records. The new file is written beside the old one (`<name>.purging-<pid>`, which no reader takes
for a WARC file), flushed to disk, and renamed over it only when the caller says so (`Rewrite.apply`), after the
warehouse has recorded the change; `Rewrite.discard` leaves the old file as it was.
"""
from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from warcio.recordloader import ArcWarcRecord

from pipeline.fetch.archive import (FILE_NAME, WarcProblem, _each_record, _payload, _PayloadDamaged,
                                    summarize_ours)

# Payloads are searched up to this many bytes (decompressed); a record past it cannot be checked and is kept, counted.
MAX_CHECKED_BYTES = 64 * 1024 * 1024
_COPY_BYTES = 1024 * 1024


@dataclass(slots=True)
class WarcRecordInfo:
    """What a record's headers say, for `matches` and for the records that point at each other."""

    offset: int
    rec_type: str
    record_id: str | None
    target_uri: str
    concurrent_to: str | None
    refers_to: str | None
    payload_digest: str | None
    matched: bool = False
    unchecked: bool = False


@dataclass
class Rewrite:
    """One WARC file to rewrite: the new file beside it, what was dropped, and where the kept records moved."""

    path: Path
    temporary: Path
    dropped: int
    kept: int
    offsets: dict[int, int | None]  # old offset of every record → its offset in the new file (None: dropped)
    _fd: int | None = field(default=None, repr=False)
    _identity: tuple = ()

    def apply(self) -> str | None:
        """Rename the new file over the old one; None when done, else why not (one line; the old file stays)."""
        try:
            named = os.lstat(self.path)
            if (named.st_dev, named.st_ino, named.st_size) != self._identity:
                return "it changed since it was read"
            os.replace(self.temporary, self.path)
            fsync_folder(self.path.parent)
        except OSError as exc:
            return f"cannot replace it: {exc.strerror or exc}"
        finally:
            self._release()
        return None

    def discard(self) -> None:
        self.temporary.unlink(missing_ok=True)
        self._release()

    def _release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


@dataclass
class RewritePlan:
    rewrites: list[Rewrite] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line per file that should be rewritten and cannot be
    unchecked: int = 0  # records whose payload could not be searched (too large, damaged)

    @property
    def dropped(self) -> int:
        return sum(r.dropped for r in self.rewrites)


Matcher = Callable[[WarcRecordInfo, bytes | None], bool]


def plan_rewrites(folder: str | os.PathLike, matches: Matcher, *, dry_run: bool = False) -> RewritePlan:
    """Find the records `matches` names in the archive folder's files and (unless `dry_run`) write each affected file
    anew beside the old one. The old files are held (`flock`) until `apply` or `discard`."""
    plan = RewritePlan()
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except FileNotFoundError:
        return plan
    for entry in entries:
        if not FILE_NAME.fullmatch(entry.name) or not entry.is_file(follow_symlinks=False):
            continue
        path = Path(entry.path)
        if summarize_ours(path, whole=False) is None:
            continue  # not the pipeline's: never touched
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError as exc:
            plan.problems.append(f"{path}: cannot open it: {exc.strerror or exc}")
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if _holds_match(path, matches):
                plan.problems.append(f"{path}: a fetch is still writing it; run the purge again when it is done")
            continue
        try:
            rewrite = _plan_file(path, fd, matches, plan, dry_run)
        except BaseException:
            os.close(fd)
            raise
        if rewrite is None:
            os.close(fd)
        else:
            plan.rewrites.append(rewrite)
            if dry_run:
                rewrite._release()
    return plan


def _records(path: Path, matches: Matcher, plan: RewritePlan) -> tuple[list[WarcRecordInfo], WarcProblem | None]:
    infos: list[WarcRecordInfo] = []
    problem = None

    def read(record: ArcWarcRecord, offset: int) -> WarcRecordInfo:
        headers = record.rec_headers
        info = WarcRecordInfo(offset, record.rec_type or "", headers.get_header("WARC-Record-ID"),
                              (headers.get_header("WARC-Target-URI") or "").strip("<>"),
                              headers.get_header("WARC-Concurrent-To"), headers.get_header("WARC-Refers-To"),
                              headers.get_header("WARC-Payload-Digest"))
        payload = None
        if info.rec_type in ("response", "resource"):
            try:
                payload = _payload(record, MAX_CHECKED_BYTES)
            except _PayloadDamaged:
                payload = None
            info.unchecked = payload is None
        if info.rec_type != "warcinfo":
            info.matched = matches(info, payload)
        return info

    for item in _each_record(str(path), read):
        if isinstance(item, WarcProblem):
            problem = item
            break
        infos.append(item)
    plan.unchecked += sum(info.unchecked for info in infos)
    return infos, problem


def _dropped(infos: list[WarcRecordInfo]) -> set[int]:
    """Offsets of the records to drop: the matched ones and those that point at a dropped response or revisit."""
    ids = {i.record_id for i in infos if i.matched and i.record_id}
    bodies = {(i.target_uri, i.payload_digest) for i in infos if i.matched and i.payload_digest}
    return {i.offset for i in infos
            if i.matched or i.concurrent_to in ids or i.refers_to in ids
            or (i.rec_type == "revisit" and (i.target_uri, i.payload_digest) in bodies)}


def _holds_match(path: Path, matches: Matcher) -> bool:
    infos, _ = _records(path, matches, RewritePlan())
    return bool(_dropped(infos))


def _plan_file(path: Path, fd: int, matches: Matcher, plan: RewritePlan, dry_run: bool) -> Rewrite | None:
    infos, problem = _records(path, matches, plan)
    drop = _dropped(infos)
    if not drop:
        return None
    if problem is not None:  # records after the break cannot be told apart: the file is left whole
        plan.problems.append(f"{path}: not rewritten: {problem.cause}")
        return None
    stat = os.fstat(fd)
    ends = [info.offset for info in infos[1:]] + [stat.st_size]
    offsets: dict[int, int | None] = {}
    temporary = path.with_name(f"{path.name}.purging-{os.getpid()}")
    written = 0
    out = None if dry_run else open(temporary, "wb")
    try:
        for info, end in zip(infos, ends):
            if info.offset in drop:
                offsets[info.offset] = None
                continue
            offsets[info.offset] = written
            if out is not None:
                _copy(fd, out, info.offset, end)
            written += end - info.offset
        if out is not None:
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        if out is not None:
            out.close()
            temporary.unlink(missing_ok=True)
        raise
    if out is not None:
        out.close()
    return Rewrite(path, temporary, len(drop), len(infos) - len(drop), offsets, fd,
                   (stat.st_dev, stat.st_ino, stat.st_size))


def _copy(fd: int, out, start: int, end: int) -> None:
    position = start
    while position < end:
        chunk = os.pread(fd, min(_COPY_BYTES, end - position), position)
        if not chunk:
            raise OSError(f"the file ended at byte {position:,}, before {end:,}")
        out.write(chunk)
        position += len(chunk)


def fsync_folder(folder: Path) -> None:
    """A rename in `folder` made durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
