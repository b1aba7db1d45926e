"""Entries from JSON-LD `LiveBlogPosting.liveBlogUpdate`: the most trusted source of ids, times and headlines."""
from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from pipeline.keys import clean_text
from pipeline.parse.liveblog.raw_entry import RawEntry
from pipeline.parse.liveblog.times import PageClock, read_time

_TAG = re.compile(r"<[^>]+>")


def live_blog_items(json_ld: list[dict]) -> list[dict]:
    return [item for item in json_ld if "LiveBlogPosting" in _types(item)]


def entries(json_ld: list[dict], clock: PageClock) -> list[RawEntry]:
    found: list[RawEntry] = []
    for blog in live_blog_items(json_ld):
        updates = blog.get("liveBlogUpdate") or []
        if isinstance(updates, dict):
            updates = [updates]
        for update in updates if isinstance(updates, list) else []:
            if isinstance(update, dict):
                found.append(_entry(update, clock))
    return found


def _entry(update: dict, clock: PageClock) -> RawEntry:
    url = update.get("url") if isinstance(update.get("url"), str) else None
    ident = update.get("@id") if isinstance(update.get("@id"), str) else None
    native_id = fragment(url) or fragment(ident) or (ident if ident and "/" not in ident else None)
    return RawEntry(
        native_id=native_id,
        headline=_text(update.get("headline")) or None,
        text=_text(update.get("articleBody")) or None,
        url=url or (ident if ident and ident.startswith("http") else None),
        published_at=read_time(update.get("datePublished"), clock),
        updated_at=read_time(update.get("dateModified"), clock),
        author=_author(update.get("author")),
    )


def fragment(url: str | None) -> str | None:
    if not url or "#" not in url:
        return None
    try:
        value = urlsplit(url).fragment
    except ValueError:
        return None
    return value or None


def _text(value) -> str:
    if isinstance(value, list):
        value = " ".join(v for v in value if isinstance(v, str))
    if not isinstance(value, str):
        return ""
    return clean_text(_TAG.sub(" ", html.unescape(html.unescape(value))))


def _author(value) -> str | None:
    if isinstance(value, list):
        names = [name for v in value if (name := _author(v))]
        return ", ".join(names) if names else None
    if isinstance(value, dict):
        value = value.get("name")
    return clean_text(html.unescape(value)) or None if isinstance(value, str) else None


def _types(item: dict) -> list[str]:
    value = item.get("@type")
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
