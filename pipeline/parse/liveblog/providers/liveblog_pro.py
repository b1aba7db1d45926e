"""Liveblog (Sourcefabric's open-source live-blog system, hosted as Liveblog Pro): its themes load the entries from
the blog's public client API, `https://<tenant>-api.liveblog.pro/api/client_blogs/<blog id>/posts` (the address a
theme is pointed at: ZEIT ONLINE's theme README, `--embedUrl https://zeit-api.liveblog.pro/api/client_blogs/
59fc7f146aa4f500eb121f90/posts`; dpa's theme, `theme.LB.api = "https://dpa-api.liveblog.pro/api/client_blogs/"`).
A page naming that address in its markup or scripts is read from it. No saved publisher page with this embed was
found, so `find` reads only the API address itself.

The answer (Eve REST; a real one: dpa-newslab/livebridge-liveblog `tests/posts.json`) is `{"_items": [...],
"_meta": {"max_results", "page", "total"}, "_links"}`; each post has `_id` (a `urn:newsml:…` id), `published_date`,
`_updated`, `deleted`, `post_status`, `sticky`, `highlight`, and `groups`, whose group `main` lists `refs[].item`
with `item_type` (`text`, `quote`, `image`, `embed`) and `text` (HTML; an `embed` item's is the platform's own embed
code — `blockquote.twitter-tweet`, `blockquote.instagram-media`, `div.fb-post`, a YouTube iframe — inside a
`div.liveblog--card`, handed on as the entry's elements for the embed readers). The answer is the whole entry list
when `_meta.total` posts are all in it.
"""
from __future__ import annotations

import html
import json
import re

import lxml.etree
import lxml.html

from pipeline.keys import clean_text
from pipeline.parse.liveblog.raw_entry import RawEntry
from pipeline.parse.liveblog.providers.base import ProviderAnswer, ProviderError
from pipeline.parse.liveblog.times import PageClock, read_time

NAME = "liveblog pro"
MARKER = b".liveblog.pro/api/client_blogs/"  # in a page's lower-cased bytes naming a feed
ENDPOINT = None  # the address is the tenant's own, found on the page
_API = re.compile(r"https://[a-z0-9-]{1,63}\.liveblog\.pro/api/client_blogs/(?P<blog>[a-f0-9]{24})(?:/posts)?")
_TAG = re.compile(r"<[^>]+>")
_TEXT_TYPES = ("text", "quote")


def find(root, endpoint: str | None = None) -> list[str]:
    markup = " ".join(root.xpath("//script/text() | //*/@src | //*/@data-src | //*/@href"))
    urls = []
    for match in _API.finditer(markup):
        base = endpoint or ENDPOINT or match.group(0).split("/api/client_blogs/")[0] + "/api/client_blogs"
        url = f"{base.rstrip('/')}/{match.group('blog')}/posts"
        if url not in urls:
            urls.append(url)
    return urls


def read(body: bytes, clock: PageClock) -> ProviderAnswer:
    try:
        answer = json.loads(body)
    except (ValueError, TypeError, RecursionError) as exc:
        raise ProviderError(f"the answer is not JSON ({type(exc).__name__})") from None
    if not isinstance(answer, dict) or not isinstance(answer.get("_items"), list):
        raise ProviderError("not a Liveblog posts answer (no `_items` list)")
    posts = [post for post in answer["_items"] if isinstance(post, dict)]
    found = [entry for post in posts if not post.get("deleted") and (entry := _entry(post, clock))]
    meta = answer.get("_meta") if isinstance(answer.get("_meta"), dict) else {}
    total = meta.get("total")
    whole = isinstance(total, int) and not isinstance(total, bool) and total <= len(posts)
    return ProviderAnswer(found, whole=whole)


def _entry(post: dict, clock: PageClock) -> RawEntry | None:
    items = [ref.get("item") for group in post.get("groups") or [] if isinstance(group, dict)
             and group.get("id") == "main" for ref in group.get("refs") or [] if isinstance(ref, dict)]
    texts = [_text(item.get("text")) for item in items
             if isinstance(item, dict) and item.get("item_type") in _TEXT_TYPES]
    text = "\n".join(t for t in texts if t)
    ident = post.get("_id") if isinstance(post.get("_id"), str) else None
    embeds = [element for item in items if isinstance(item, dict) and item.get("item_type") == "embed"
              and (element := _fragment(item.get("text"))) is not None]
    if not (text or embeds) or not ident:
        return None
    return RawEntry(
        native_id=ident,
        text=text,
        published_at=read_time(post.get("published_date"), clock),
        updated_at=read_time(post.get("_updated"), clock),
        is_pinned=post.get("sticky") is True,
        is_key_event=post.get("highlight") is True,
        elements=embeds,
    )


def _fragment(markup):
    if not isinstance(markup, str) or not markup.strip():
        return None
    try:
        return lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return None


def _text(value) -> str:
    return clean_text(_TAG.sub(" ", html.unescape(value))) if isinstance(value, str) else ""
