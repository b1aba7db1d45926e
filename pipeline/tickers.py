"""Ticker providers' JSON for a fetched page (issue 15): the sub-fetches a page's embed code asks for.

A live blog whose entries a provider's script loads (Tickaroo and the others in `pipeline/parse/liveblog/providers/`)
holds no entries in its HTML. After the page is parsed, `read_tickers` finds the provider JSON addresses its embed
code names, fetches them through the run's fetcher (so the address guard, robots.txt, per-host politeness, the size
cap and the WARC archive hold for them as for the page), reads each answer with its provider and adds the entries to
the page. It is bounded: at most `max_requests` addresses a page, at most `max_bytes` an answer. Each failed or
unreadable sub-fetch, and each address left out by the bound, is one line naming the page, the stage (`ticker`) and
the cause, and makes the read incomplete (`TickerRead.complete`; so does an answer that is one page of several or
the latest entries only): a run must not take an entry missing from it as removed. When every answer holds its
blog's whole entry list (the provider says so: `ProviderAnswer.whole`), the page's read is complete
(`Page.entries_complete`) if its own markup's entries are complete too or all among the answers'. A page naming a
ticker feed is a live blog (`is_liveblog`), whether or not its answers could be read. The fetch attempts come back
as `FetchRecord`s for the run's `fetch_log`.

`fetcher` is the run's `Fetcher`, or anything answering `fetch(url, expect=, settings=, source_name=)` with a
`FetchResult` and holding `settings`: the reader hands answers it already has this way (pipeline/source_reader.py:
a page that answered 304, a reparse). An answer counts when it is `ok`, or `not_modified`/`unchanged` with the body
the archive kept for it.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta, timezone, tzinfo

import lxml.etree
import lxml.html

from pipeline.fetch import Fetcher, FetchSettings
from pipeline.keys import normalize_text
from pipeline.model import Document, Embed, FetchRecord, Outcome, ParseResult, UpdateItem
from pipeline.oneline import one_line
from pipeline.parse.embeds import find_embed_elements, read_embed
from pipeline.parse.liveblog import make_clock
from pipeline.parse.liveblog.raw_entry import RawEntry
from pipeline.parse.liveblog.providers import ProviderError, provider_requests

log = logging.getLogger(__name__)

MAX_REQUESTS = 3  # provider JSON addresses read for one page
MAX_BYTES = 2 * 1024 * 1024  # one provider answer; the run's own max_bytes caps it too
STAGE = "ticker"
# What a sub-fetch may end as and still be read: a new body, or the same one again with the body the archive kept.
USABLE = (Outcome.OK, Outcome.NOT_MODIFIED, Outcome.UNCHANGED)


@dataclass(slots=True)
class TickerRead:
    """What the sub-fetches of one page gave."""

    requested: int = 0  # provider JSON addresses the page's embed code names
    entries_added: int = 0
    records: list[FetchRecord] = field(default_factory=list)  # every fetch attempt, for fetch_log
    problems: list[str] = field(default_factory=list)  # one line each: page, stage, cause
    # Every address named was fetched and read, and each answer held its blog's whole entry list (vacuously true
    # for a page naming none).
    complete: bool = True
    # The page named a feed, its read is `complete`, it has entries, and its own markup's entries are complete or
    # all among the answers': only then may a run take an entry missing from the page as removed.
    whole: bool = False


def read_tickers(fetcher: Fetcher, document: Document, result: ParseResult, *, zone: tzinfo | None = None,
                 settings: FetchSettings | None = None, source_name: str | None = None,
                 endpoints: dict[str, str] | None = None, max_requests: int = MAX_REQUESTS,
                 max_bytes: int = MAX_BYTES) -> TickerRead:
    """Fetch and read the provider JSON the page's embed code names; its entries are added to `result.page`.

    Times an answer states without a zone are read in the offset the page stated, else `zone` (its source's or
    site's), else UTC; `settings` are the source's fetch settings (default: the fetcher's); `endpoints` replaces a
    provider's endpoint by its name."""
    read = TickerRead()
    if document.kind != "html" or not document.content.strip():
        return read
    page = result.page
    name = page.url or document.source
    try:
        root = lxml.html.document_fromstring(document.content.encode("utf-8", errors="replace"),
                                             parser=lxml.html.HTMLParser(encoding="utf-8", huge_tree=True))
    except (lxml.etree.ParserError, ValueError):
        return read  # the parser has already said what is wrong with this page
    requests_ = provider_requests(root, endpoints)
    read.requested = len(requests_)
    if not requests_:
        return read
    page.is_liveblog = True  # its entries are the provider's, whether or not they can be read now
    if len(requests_) > max_requests:
        read.complete = False
        read.problems.append(one_line(f"{name}: {STAGE}: the page names {len(requests_)} ticker feeds; only the first "
                                      f"{max_requests} are read"))
    bounded = feed_settings(settings or fetcher.settings, max_bytes)
    clock = make_clock(_clock_zone(result, zone), page.published_at, page.modified_at)
    found: list[RawEntry] = []
    for request in requests_[:max_requests]:
        fetched = fetcher.fetch(request.url, expect="json", settings=bounded, source_name=source_name)
        read.records.extend(fetched.records)
        what = f"{request.provider.NAME} feed {request.url}"
        if fetched.outcome not in USABLE or fetched.body is None:
            cause = fetched.cause or (f"answered {fetched.outcome.value.replace('_', ' ')}, and the archive keeps no "
                                      "earlier answer to read again" if fetched.outcome in USABLE
                                      else f"the fetch ended {fetched.outcome}")
            read.complete = False
            read.problems.append(one_line(f"{name}: {STAGE}: {what}: {cause}"))
            continue
        try:
            answer = request.provider.read(fetched.body, clock)
        except ProviderError as exc:
            read.complete = False
            read.problems.append(one_line(f"{name}: {STAGE}: {what}: {exc}"))
            continue
        except Exception as exc:  # a bug of ours must not lose the page: say so, keep what the HTML gave
            log.exception("reading %s failed unexpectedly", request.url)
            read.complete = False
            read.problems.append(one_line(f"{name}: {STAGE}: {what}: internal error reading the answer "
                                          f"({type(exc).__name__}); report it with this address"))
            continue
        found.extend(answer.entries)
        read.complete = read.complete and answer.whole
    own_complete, own = page.entries_complete, list(page.entries)
    read.entries_added = _add_entries(result, found)
    answered = {_identity(e.native_id, e.published_at, e.headline, e.text or e.headline or "") for e in found}
    read.whole = read.complete and bool(page.entries) and (
        own_complete or all(_identity(i.native_id, i.published_at, i.headline, i.text) in answered for i in own))
    page.entries_complete = read.whole
    result.warnings.extend(read.problems)
    return read


def feed_settings(settings: FetchSettings, max_bytes: int = MAX_BYTES) -> FetchSettings:
    """The settings a sub-fetch is made with: its page's (the source's own), with the answer's size bound."""
    return settings.with_overrides({"max_bytes": min(max_bytes, settings.max_bytes)})


def _add_entries(result: ParseResult, found: list[RawEntry]) -> int:
    """The provider's entries after the page's own, none twice (the page may print the same JSON-LD)."""
    page = result.page
    seen = {_identity(item.native_id, item.published_at, item.headline, item.text) for item in page.entries}
    added = 0
    for entry in found:
        text = entry.text or entry.headline or ""
        identity = _identity(entry.native_id, entry.published_at, entry.headline, text)
        if identity in seen or not (text or entry.elements):
            continue
        seen.add(identity)
        item = UpdateItem(
            kind="liveblog_entry", position=len(page.entries) + 1, text=text, native_id=entry.native_id,
            headline=entry.headline, url=entry.url, published_at=entry.published_at, updated_at=entry.updated_at,
            author=entry.author, is_pinned=entry.is_pinned, is_key_event=entry.is_key_event)
        page.entries.append(item)
        _add_embeds(result, entry, item.position)
        added += 1
    return added


def _add_embeds(result: ParseResult, entry: RawEntry, position: int) -> None:
    """The posts the provider's entry embeds (its `elements` hold the embed code), placed in the entry."""
    for element in entry.elements:
        for kind, found in find_embed_elements(element):
            try:
                post = read_embed(kind, found)
            except Exception as exc:  # one unreadable embed must not lose the entry
                result.warnings.append(one_line(f"{STAGE}: an embed of entry {position} ({kind.name}) could not be "
                                                f"read: {type(exc).__name__}: {exc}"))
                continue
            result.page.embeds.append(Embed(post=post, position=len(result.page.embeds) + 1, form=kind.form,
                                            entry_position=position))


def _identity(native_id, published_at, headline, text) -> tuple:
    if native_id:
        return ("id", native_id)
    return ("entry", published_at, normalize_text(headline or text or "")[:200])


def _clock_zone(result: ParseResult, zone: tzinfo | None) -> tzinfo:
    """As the page's own times are read: the offset the page stated, else the zone its source or site gives, else
    UTC."""
    offset = result.page.published_offset_minutes
    if offset is not None:
        return timezone(timedelta(minutes=offset))
    return zone or timezone.utc
