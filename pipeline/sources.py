"""Sources as the user names them (files, folders, URLs) → decoded documents, or a clear error naming the source."""
from __future__ import annotations

import codecs
import re
from datetime import datetime, timezone
from pathlib import Path

from pipeline.model import Document

# What a local file's extension says about its content.
FILE_KINDS = {".html": "html", ".htm": "html", ".txt": "text"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# How far into a file we look for a charset declaration or for binary bytes (HTML puts <meta charset> early).
_SNIFF_BYTES = 4096


class SourceError(Exception):
    """A source that could not be read: which one, at which stage, and why (a sentence a person can act on)."""

    def __init__(self, source: str, stage: str, cause: str, outcome: str = "error"):
        super().__init__(f"{source}: {stage}: {cause}")
        self.source, self.stage, self.cause, self.outcome = source, stage, cause, outcome


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def expand(sources: list[str]) -> list[str]:
    """Folders become the supported files inside them (recursively, sorted); files and URLs stay as given."""
    expanded: list[str] = []
    for source in sources:
        path = Path(source)
        if not is_url(source) and path.is_dir():
            expanded += sorted(str(p) for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FILE_KINDS)
        else:
            expanded.append(source)
    return list(dict.fromkeys(expanded))  # the same source named twice is read once


def read_local(source: str) -> tuple[Document, int]:
    """A local .html/.htm/.txt file as a document, plus its size in bytes; raises SourceError."""
    path = Path(source)
    kind = FILE_KINDS.get(path.suffix.lower())
    if kind is None:
        raise SourceError(source, "read", f"not a .html, .htm or .txt file (got {path.suffix or 'no extension'!r})",
                          outcome="not_html")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(source, "read", "no such file") from None
    except OSError as exc:
        raise SourceError(source, "read", f"cannot read the file: {exc.strerror or exc}") from None
    if not data.strip():
        raise SourceError(source, "read", "the file is empty")
    text = decode(source, data, kind)
    return Document(source=source, content=text, kind=kind, fetched_at=datetime.now(timezone.utc)), len(data)


def decode(source: str, data: bytes, kind: str, declared: str | None = None) -> str:
    """Bytes → text: a byte-order mark, else the declared charset, else a <meta charset>, else UTF-8."""
    if b"\x00" in data[:_SNIFF_BYTES] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceError(source, "decode", f"looks binary (NUL bytes), not {kind}", outcome="not_html")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec)
    candidates = [declared] if declared else []
    if kind == "html" and (match := _META_CHARSET.search(data[:_SNIFF_BYTES])):
        candidates.append(match.group(1).decode("ascii"))
    candidates.append("utf-8")
    for charset in candidates:
        try:
            return data.decode(charset)
        except LookupError:
            continue  # an unknown charset name: try the next candidate
        except UnicodeDecodeError:
            continue
    raise SourceError(source, "decode",
                      f"the bytes are not valid in {', '.join(dict.fromkeys(candidates))}; "
                      "save the file as UTF-8 or declare its charset")
