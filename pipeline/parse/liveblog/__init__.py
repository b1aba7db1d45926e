"""Live blogs: whether a page is one, and its entries, merged from every source that shows them.

Sources, in order of trust: JSON-LD `liveBlogUpdate` (ids, times, headlines, often every entry), microdata
`itemprop=liveBlogUpdate`, the site's own markup (`sites/`, one adapter per publisher family, chosen by the
markup), then a generic fallback. Only HTML entries hold the embedded posts and the text without them, so an
entry seen in both is merged on its id (the JSON-LD `url` fragment is the HTML block's id): times and ids from
JSON-LD, headline, text and place from the HTML. JSON-LD entries without ids are paired with HTML entries by order
when both list the same number, else by headline. A copy without an id of an entry that has one (a pinned post) is
dropped and flags the entry as pinned.

A page is a live blog when its JSON-LD or microdata says `LiveBlogPosting`, or a site adapter finds a stream of
entries in it; a live widget in a sidebar (a generic list of stories elsewhere) does not make one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo

from pipeline.keys import normalize_text
from pipeline.model import UpdateItem
from pipeline.parse.chrome import readable_text
from pipeline.parse.liveblog import jsonld, microdata
from pipeline.parse.liveblog.completeness import entries_complete
from pipeline.parse.liveblog.raw_entry import RawEntry
from pipeline.parse.liveblog.sites import ADAPTERS, FALLBACK, MIN_ENTRIES
from pipeline.parse.liveblog.times import PageClock

__all__ = ["LiveBlog", "PageClock", "entries_complete", "find_live_blog", "finish_entries"]


@dataclass(slots=True)
class LiveBlog:
    is_liveblog: bool = False
    source: str | None = None  # which HTML adapter read the entries
    whole_list: bool = False  # whether that adapter's markup shows every entry (the adapter's WHOLE_LIST)
    html_entries: list[RawEntry] = field(default_factory=list)
    json_entries: list[RawEntry] = field(default_factory=list)

    def entry_elements(self) -> list:
        return [element for entry in self.html_entries for element in entry.elements]

    def entry_chrome(self) -> list:
        return [element for entry in self.html_entries for element in entry.chrome]


def make_clock(zone: tzinfo | None, published: datetime | None, modified: datetime | None) -> PageClock:
    zone = zone or timezone.utc
    latest = modified or published
    day = latest.astimezone(zone).date() if latest else None
    return PageClock(zone=zone, day=day, latest=latest)


def find_live_blog(root, json_ld: list[dict], clock: PageClock, warnings: list[str]) -> LiveBlog:
    blog = LiveBlog()
    declared = bool(jsonld.live_blog_items(json_ld)) or microdata.is_live_blog(root)
    blog.json_entries = jsonld.entries(json_ld, clock)
    html_entries = microdata.entries(root, clock)
    if html_entries:
        blog.source, blog.whole_list = "microdata", True
    else:
        for adapter in ADAPTERS:
            elements = adapter.find(root)
            if len(elements) >= MIN_ENTRIES:
                html_entries, blog.source = adapter.entries(elements, clock), adapter.NAME
                blog.whole_list = adapter.WHOLE_LIST
                break
    if not html_entries and declared:  # JSON-LD may list the entries, but only HTML blocks hold their embeds
        elements = FALLBACK.find(root)
        if elements:
            html_entries, blog.source = FALLBACK.entries(elements, clock), FALLBACK.NAME
            blog.whole_list = FALLBACK.WHOLE_LIST
    blog.html_entries = html_entries
    blog.is_liveblog = declared or bool(html_entries)
    if declared and not html_entries and not blog.json_entries:
        warnings.append("the page says it is a live blog but no entry was found")
    return blog


def finish_entries(blog: LiveBlog, skip: set) -> tuple[list[UpdateItem], dict[int, int]]:
    """The merged entries, and for each HTML entry (by index) the position of the entry it became.

    `skip` holds elements (embeds) whose text is not the entries' text."""
    for entry in blog.html_entries:
        if entry.text is None:
            entry.text = readable_text(entry.elements, skip | set(entry.skip) | set(entry.chrome))
            if entry.headline and entry.text.startswith(entry.headline):
                entry.text = entry.text[len(entry.headline):].lstrip()
    blog.json_entries = _unique_ids(blog.json_entries)
    merged, html_to_merged = _merge(blog.json_entries, blog.html_entries)
    merged, html_to_merged = _fold_pinned_copies(merged, html_to_merged)
    merged, html_to_merged = _fold_duplicate_ids(merged, html_to_merged)
    items = [
        UpdateItem(
            kind="liveblog_entry",
            position=number,
            text=entry.text or entry.headline or "",
            native_id=entry.native_id,
            headline=entry.headline,
            url=entry.url,
            published_at=entry.published_at,
            updated_at=entry.updated_at,
            author=entry.author,
            is_pinned=entry.is_pinned,
            is_key_event=entry.is_key_event,
        )
        for number, entry in enumerate(merged, start=1)
    ]
    return items, {index: position + 1 for index, position in html_to_merged.items()}


def _unique_ids(entries: list[RawEntry]) -> list[RawEntry]:
    """One entry per id: a page listing the same id twice (broken markup, a re-sent update) keeps the first."""
    seen = set()
    kept = []
    for entry in entries:
        if entry.native_id and entry.native_id in seen:
            continue
        seen.add(entry.native_id)
        kept.append(entry)
    return kept


def _merge(json_entries: list[RawEntry], html_entries: list[RawEntry]) -> tuple[list[RawEntry], dict[int, int]]:
    if not json_entries:
        return list(html_entries), {index: index for index in range(len(html_entries))}
    if not html_entries:
        return list(json_entries), {}
    merged = list(json_entries)
    pairs: dict[int, int] = {}  # html index -> merged index
    by_id = {entry.native_id: index for index, entry in enumerate(merged) if entry.native_id}
    unpaired_json = [index for index, entry in enumerate(merged) if not entry.native_id]
    if len(unpaired_json) == len(merged) == len(html_entries):
        pairs = {index: index for index in range(len(html_entries))}
    else:
        by_headline = {_key(merged[index].headline): index for index in unpaired_json if merged[index].headline}
        for index, entry in enumerate(html_entries):
            target = by_id.get(entry.native_id) if entry.native_id else None
            if target is None and entry.headline:
                target = by_headline.pop(_key(entry.headline), None)
            if target is not None:
                pairs[index] = target
    for index, target in pairs.items():
        merged[target] = _combine(merged[target], html_entries[index])
    # HTML entries no JSON-LD entry names go in right after the entry that precedes them on the page.
    result: list[RawEntry] = list(merged)
    previous: RawEntry | None = None  # what the HTML entry before this one became in `result`
    for index, entry in enumerate(html_entries):
        if index in pairs:
            previous = merged[pairs[index]]
            continue
        at = next(number for number, item in enumerate(result) if item is previous) + 1 if previous is not None else 0
        result.insert(at, entry)
        previous = entry
    positions = {id(entry): number for number, entry in enumerate(result)}
    final = {
        index: positions[id(merged[pairs[index]] if index in pairs else entry)]
        for index, entry in enumerate(html_entries)
    }
    return result, final


def _combine(from_json: RawEntry, from_html: RawEntry) -> RawEntry:
    return RawEntry(
        native_id=from_json.native_id or from_html.native_id,
        headline=from_html.headline or from_json.headline,
        text=from_html.text or from_json.text,
        url=from_json.url or from_html.url,
        published_at=from_json.published_at or from_html.published_at,
        updated_at=from_json.updated_at or from_html.updated_at,
        author=from_html.author or from_json.author,
        is_pinned=from_json.is_pinned or from_html.is_pinned,
        is_key_event=from_json.is_key_event or from_html.is_key_event,
        elements=from_html.elements,
        skip=from_html.skip,
        chrome=from_html.chrome,
    )


def _fold_duplicate_ids(entries: list[RawEntry], html_map: dict[int, int]):
    first: dict[str, int] = {}
    dropped: dict[int, int] = {}
    for index, entry in enumerate(entries):
        if entry.native_id:
            if entry.native_id in first:
                dropped[index] = first[entry.native_id]
            else:
                first[entry.native_id] = index
    if not dropped:
        return entries, html_map
    kept = [index for index in range(len(entries)) if index not in dropped]
    new_index = {old: new for new, old in enumerate(kept)}
    return [entries[i] for i in kept], {k: new_index[dropped.get(v, v)] for k, v in html_map.items()}


def _fold_pinned_copies(entries: list[RawEntry], html_map: dict[int, int]):
    """An entry without an id whose text is that of one with an id (or its start: pinned copies are often cut)
    is a pinned copy: flag the real one, drop the copy."""
    with_id = [(index, _key(entry.text)) for index, entry in enumerate(entries) if entry.native_id and entry.text]
    dropped: dict[int, int] = {}
    for index, entry in enumerate(entries):
        if entry.native_id or not entry.text or len(_key(entry.text)) < 20:
            continue
        copy = _key(entry.text)
        real = next((number for number, text in with_id if text.startswith(copy[:150])), None)
        if real is not None:
            entries[real].is_pinned = True
            dropped[index] = real
    if not dropped:
        return entries, html_map
    kept = [index for index in range(len(entries)) if index not in dropped]
    new_index = {old: new for new, old in enumerate(kept)}
    remap = {k: new_index[dropped.get(v, v)] for k, v in html_map.items()}
    return [entries[index] for index in kept], remap


def _key(text: str | None) -> str:
    return normalize_text(text or "").rstrip("…")[:200]
