"""What the endpoint modules share: the answer of one call (`Call`), telling a gone post from a transient failure,
and reading the parts of an answer (times, HTML text, entities)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable

from bs4 import BeautifulSoup

from pipeline.fetch.client import FetchResult
from pipeline.model import Entity, FetchRecord, SocialPost

if TYPE_CHECKING:
    from pipeline.enrich.enricher import EnrichSettings

_GONE_STATUSES = (403, 404, 410)
_GONE_WORDS = ("no status found", "not found", "does not exist", "deleted", "record not found", "not authorized")

# GET a URL through the enricher's fetcher: the fetch result and the JSON body (None when there is none).
Get = Callable[[str], "tuple[FetchResult, Any]"]
# An endpoint: asks about one post of its platform.
Endpoint = Callable[[SocialPost, "EnrichSettings", Get], "Call"]


@dataclass(slots=True)
class Call:
    records: list[FetchRecord] = field(default_factory=list)
    endpoint: str | None = None
    found: dict[str, Any] | None = None  # what to merge (status ok/unavailable); None: stays unchecked
    note: str | None = None

    @classmethod
    def unavailable(cls, result: FetchResult, endpoint: str, why: str) -> "Call":
        return cls(result.records, endpoint, {"status": "unavailable"}, note=why)

    @classmethod
    def transient(cls, result: FetchResult, endpoint: str) -> "Call":
        return cls(result.records, endpoint, note=transient_note(result))


def transient_note(result: FetchResult) -> str:
    return f"left unchecked: {result.cause or result.outcome}"


def gone(result: FetchResult, data: Any) -> str | None:
    """Why the platform says the post is gone, or None when it did not say so."""
    status = result.records[-1].http_status if result.records else None
    message = ""
    if isinstance(data, dict):
        errors = data.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            message = str(errors[0].get("message", ""))
        message = message or str(data.get("error", "")) + " " + str(data.get("message", ""))
    lowered = message.lower()
    if status in _GONE_STATUSES:
        return f"HTTP {status}{': ' + message.strip() if message.strip() else ''}"
    if "no status found" in lowered or (status == 400 and data and "notfound" in lowered.replace(" ", "")):
        return message.strip()
    if status and 200 <= status < 300 and message.strip() and any(w in lowered for w in _GONE_WORDS):
        return message.strip()
    return None


def utc(text: str | None) -> tuple[datetime | None, str | None]:
    if not text:
        return None, None
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None, None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    precision = "millisecond" if when.microsecond else "second"
    return when.astimezone(timezone.utc), precision


def html_text(html: str | None) -> str | None:
    if not html:
        return None
    soup = BeautifulSoup(html, "html.parser")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    paragraphs = [p.get_text() for p in soup.find_all("p")] or [soup.get_text()]
    text = "\n".join(part.strip() for part in paragraphs if part.strip())
    return text or None


def plain(entities: list[Entity]) -> list[list[str]]:
    return [[e.kind, e.value] for e in dict.fromkeys(entities)]
