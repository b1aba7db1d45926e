"""X/Twitter embeds: `blockquote.twitter-tweet` / `twitter-video` as pasted, and WordPress's bare-URL fallback."""
from __future__ import annotations

import re
from urllib.parse import unquote

from bs4 import Tag

from pipeline.model import Entity, SocialPost
from pipeline.parse.embeds.base import EmbedError, EmbedKind, has_class
from pipeline.parse.entities import entities_from_text, unique_entities
from pipeline.parse.html_text import element_text, nodes_text
from pipeline.parse.post_text import parse_day, parse_signature, start_of_day, thread_items
from pipeline.platforms import X_STATUS_URL, x_post_url, x_snowflake_time, x_status_id

_HASHTAG_LINK = re.compile(r"(?:twitter|x)\.com/hashtag/(?P<value>[^?/#&]+)", re.IGNORECASE)
_CASHTAG_LINK = re.compile(r"(?:twitter|x)\.com/search\?q=(?:%24|\$)(?P<value>[A-Za-z][\w.]*)", re.IGNORECASE)
_PROFILE_LINK = re.compile(r"(?:twitter|x)\.com/(?P<value>[A-Za-z0-9_]{1,15})/?(?:[?#]|$)", re.IGNORECASE)
# Paths on twitter.com that look like a user name but are not one.
_NOT_USERS = {"hashtag", "i", "search", "intent", "share", "home", "explore", "settings", "login", "signup"}


def read_blockquote(blockquote: Tag) -> SocialPost:
    """A post from X's embed code: text in `<p>`, then `— Name (@handle)` and a permalink whose text is the date.

    A blockquote pasted inside this one (a quoted tweet) is left out here; it is an embed of its own.
    """
    for nested in blockquote.find_all("blockquote"):
        nested.decompose()
    status_links = [link for link in blockquote.find_all("a", href=True) if x_status_id(link["href"])]
    permalink = status_links[-1] if status_links else None
    status_id, user = x_status_id(permalink["href"]) if permalink else (None, None)

    paragraph = blockquote.find("p")
    text = element_text(paragraph) if paragraph else ""
    after_text = nodes_text(paragraph.next_siblings) if paragraph else nodes_text(blockquote.children)
    signature = parse_signature(after_text)
    if not (status_id or text or signature):
        raise EmbedError("no status link, text or signature")

    day = parse_day(permalink.get_text()) if permalink else None
    if day is None and signature:
        day = signature.day
    posted_at = x_snowflake_time(status_id) if status_id else None
    precision = "millisecond" if posted_at else None
    if posted_at is None and day:
        posted_at, precision = start_of_day(day), "day"
    language = paragraph.get("lang") if paragraph else None
    return SocialPost(
        platform="x",
        native_id=status_id,
        url=x_post_url(status_id) if status_id else None,
        author_name=signature.author_name if signature else None,
        author_handle=signature.author_handle if signature else user,
        posted_at=posted_at,
        posted_at_precision=precision,
        text=text or None,
        language=language if language and language != "und" else None,  # "und": X could not tell
        entities=unique_entities([*entities_from_text(text), *_link_entities(paragraph)]),
        thread=thread_items(text),
    )


def read_bare_url(wrapper: Tag) -> SocialPost:
    """A post from the status URL a WordPress embed block shows when it could not expand the tweet."""
    match = X_STATUS_URL.search(wrapper.get_text()) or next(
        (m for link in wrapper.find_all("a", href=True) if (m := X_STATUS_URL.search(link["href"]))), None
    )
    if not match:
        raise EmbedError("no status URL in the embed block")
    status_id, user = x_status_id(match.group())
    posted_at = x_snowflake_time(status_id)
    return SocialPost(
        platform="x",
        native_id=status_id,
        url=x_post_url(status_id),
        author_handle=user,
        posted_at=posted_at,
        posted_at_precision="millisecond" if posted_at else None,
    )


def _link_entities(paragraph: Tag | None) -> list[Entity]:
    """Hashtags, cashtags and mentions that the post's links point to (the link text may not show them)."""
    entities = []
    for link in paragraph.find_all("a", href=True) if paragraph else ():
        href = link["href"]
        if match := _HASHTAG_LINK.search(href):
            entities.append(Entity("hashtag", unquote(match.group("value"))))
        elif match := _CASHTAG_LINK.search(href):
            entities.append(Entity("cashtag", match.group("value")))
        elif (match := _PROFILE_LINK.search(href)) and match.group("value").lower() not in _NOT_USERS:
            entities.append(Entity("mention", match.group("value")))
    return entities


KINDS = (
    EmbedKind(
        name="x blockquote",
        platform="x",
        xpath=f".//blockquote[{has_class('twitter-tweet')} or {has_class('twitter-video')}]",
        form="blockquote",
        read=read_blockquote,
    ),
    EmbedKind(
        name="x wordpress bare url",
        platform="x",
        xpath=f".//figure[{has_class('wp-block-embed-twitter')}][not(.//blockquote)]",
        form="bare_url",
        read=read_bare_url,
    ),
)
