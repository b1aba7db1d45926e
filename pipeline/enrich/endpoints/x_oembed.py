"""X: oEmbed `publish.twitter.com/oembed?url=…` gives text, author name, handle (from author_url); the time comes
from the id."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from bs4 import BeautifulSoup

from pipeline.enrich.endpoints.common import Call, Get, gone, html_text, plain
from pipeline.model import Entity, SocialPost
from pipeline.platforms import x_snowflake_time, x_status_id

if TYPE_CHECKING:
    from pipeline.enrich.enricher import EnrichSettings


def ask(post: SocialPost, settings: "EnrichSettings", get: Get) -> Call:
    parsed = x_status_id(post.url or "") if post.url else None
    status_id = post.native_id or (parsed[0] if parsed else None)
    if not status_id or not status_id.isdigit():
        return Call(note="no X status id to ask about")
    endpoint = f"{settings.x_oembed_url}?" + urlencode({
        "url": f"https://twitter.com/i/status/{status_id}", "omit_script": "true", "dnt": "true",
        "hide_thread": "true"})
    result, data = get(endpoint)
    why_gone = gone(result, data)
    if why_gone:
        return Call.unavailable(result, endpoint, why_gone)
    if not result.ok or not isinstance(data, dict) or "html" not in data:
        return Call.transient(result, endpoint)
    soup = BeautifulSoup(data.get("html") or "", "html.parser")
    paragraph = soup.find("p")
    found: dict[str, Any] = {"status": "ok", "native_id": status_id}
    if paragraph is not None:
        found["text"] = html_text(str(paragraph))
        found["language"] = paragraph.get("lang")
        found["entities"] = _x_entities(paragraph)
    found["author_name"] = data.get("author_name")
    author_url = data.get("author_url") or ""
    handle = urlsplit(author_url).path.strip("/").split("/")[0] if author_url else None
    found["author_handle"] = handle or None
    when = x_snowflake_time(status_id)
    if when:
        found["posted_at"], found["posted_at_precision"] = when.isoformat(), "millisecond"
    return Call(result.records, endpoint, found)


def _x_entities(paragraph) -> list[list[str]]:
    entities: list[Entity] = []
    for link in paragraph.find_all("a"):
        href, text = link.get("href") or "", link.get_text().strip()
        if "/hashtag/" in href and text.startswith("#"):
            entities.append(Entity("hashtag", text[1:]))
        elif text.startswith("@"):
            entities.append(Entity("mention", text[1:]))
        elif text.startswith("$"):
            entities.append(Entity("cashtag", text[1:]))
        elif text.startswith("pic.twitter.com") or text.startswith("pic.x.com"):
            entities.append(Entity("media", "https://" + text))
        elif href.startswith("http"):
            entities.append(Entity("url", href))
    return plain(entities)
