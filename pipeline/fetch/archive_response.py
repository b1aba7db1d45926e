"""One HTTP exchange of a fetch attempt into the WARC archive: the request as sent, the response (or a revisit for
`unchanged`) with its body as read, and the metadata record (requested and final URL, redirects, attempt, bytes,
content hash, encoding and why, source name, user agent). `WarcArchive` (archive.py) writes the records."""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

from pipeline.fetch.archive import WarcArchive
from pipeline.fetch.results import Attempt

log = logging.getLogger(__name__)


def archive_response(archive: WarcArchive | None, response, attempt: Attempt, body: bytes, truncated: bool = False,
                     revisit: bool = False, encoding: str | None = None, note: str | None = None) -> None:
    """Write the exchange and point the attempt's record at it; a failed write is logged and the record says nothing
    (a full disk must not lose the fetch)."""
    if archive is None:
        return
    record = attempt.record
    request = response.request
    parts = urlsplit(request.url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    request_headers = [("Host", parts.netloc)] + list(request.headers.items())
    reason = response.reason or ""
    facts = {
        "requested_url": record.url, "final_url": response.url, "redirects": attempt.chain[1:],
        "attempt": record.attempt, "http_status": response.status_code, "fetched_at": record.fetched_at.isoformat(),
        "bytes": len(body), "truncated": truncated, "content_hash": record.content_hash,
        "encoding": encoding, "encoding_note": note, "source_name": attempt.source_name,
        "user_agent": attempt.settings.user_agent, "revisit": revisit,
    }
    try:
        path, offset = archive.write_exchange(
            url=response.url, fetched_at=record.fetched_at, request_line=f"GET {target} HTTP/1.1",
            request_headers=request_headers, status_line=f"{response.status_code} {reason}".strip(),
            response_headers=list(response.raw.headers.items()), body=body, truncated=truncated, facts=facts,
            revisit=revisit,
        )
    except OSError as exc:
        log.error("archive write failed for %s: %s", response.url, exc)
        return
    record.archive_path, record.archive_offset = path, offset
