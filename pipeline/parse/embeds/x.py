"""X/Twitter embeds: `blockquote.twitter-tweet` / `twitter-video` as pasted, WordPress's bare-URL fallback, the
rendered iframe widgets.js leaves in a saved page, Kinja's lazy inset frame, `amp-twitter`, publishers' own
placeholders (any element with an attribute named like `data-tweet-id` whose value looks like a status id or URL),
and a status link standing alone in a paragraph. Forms without text get their time from the snowflake id."""
from __future__ import annotations

import re
from urllib.parse import unquote

from bs4 import NavigableString, Tag

from pipeline.model import Entity, SocialPost
from pipeline.parse.embeds.base import EmbedError, EmbedKind, has_class
from pipeline.parse.embeds.relations import x_nested_quotes
from pipeline.parse.entities import entities_from_text, unique_entities
from pipeline.parse.element_text import element_text, nodes_text
from pipeline.parse.post_signature import parse_day, parse_signature, start_of_day, thread_items
from pipeline.platforms import X_STATUS_URL, x_post_url, x_snowflake_time, x_status_from_value, x_status_id

_HASHTAG_LINK = re.compile(r"(?:twitter|x)\.com/hashtag/(?P<value>[^?/#&]+)", re.IGNORECASE)
_CASHTAG_LINK = re.compile(r"(?:twitter|x)\.com/search\?q=(?:%24|\$)(?P<value>[A-Za-z][\w.]*)", re.IGNORECASE)
_PROFILE_LINK = re.compile(r"(?:twitter|x)\.com/(?P<value>[A-Za-z0-9_]{1,15})/?(?:[?#]|$)", re.IGNORECASE)
# Paths on twitter.com that look like a user name but are not one.
_NOT_USERS = {"hashtag", "i", "search", "intent", "share", "home", "explore", "settings", "login", "signup"}


def read_blockquote(blockquote: Tag) -> SocialPost:
    """A post from X's embed code: text in `<p>`, then `— Name (@handle)` and a permalink whose text is the date.

    A blockquote pasted inside this one (a quoted tweet) is left out here; it is an embed of its own, and the post's
    relation to it (`relations.x_nested_quotes`).
    """
    relations = x_nested_quotes(blockquote)
    for nested in blockquote.find_all("blockquote"):
        nested.decompose()
    status_links = [link for link in blockquote.find_all("a", href=True) if x_status_id(link["href"])]
    permalink = status_links[-1] if status_links else None
    status_id, user = x_status_id(permalink["href"]) if permalink else (None, None)

    paragraphs = _text_paragraphs(blockquote)
    text = nodes_text(paragraphs)
    after_text = nodes_text(paragraphs[-1].next_siblings) if paragraphs else nodes_text(blockquote.children)
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
    language = paragraphs[0].get("lang") if paragraphs else None
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
        entities=unique_entities([*entities_from_text(text), *(e for p in paragraphs for e in _link_entities(p))]),
        thread=thread_items(text),
        relations=relations,
    )


def _text_paragraphs(blockquote: Tag) -> list[Tag]:
    """The `<p>`s holding the post's text: the first, and the ones that follow it directly until the signature.

    X's code puts the text in one `<p>` (lines as `<br>`); WordPress's autop splits a text with blank lines into
    several, and may wrap the `— Name (@handle) date` line in a `<p>` of its own (basicthinking.de's @C_Holler post).
    """
    first = blockquote.find("p")
    if first is None or parse_signature(element_text(first)):
        return []
    paragraphs = [first]
    for node in first.next_siblings:
        if isinstance(node, NavigableString) and not node.strip():
            continue
        if not (isinstance(node, Tag) and node.name == "p") or parse_signature(element_text(node)):
            break
        paragraphs.append(node)
    return paragraphs


def read_bare_url(wrapper: Tag) -> SocialPost:
    """A post from the status URL a WordPress embed block shows when it could not expand the tweet."""
    match = X_STATUS_URL.search(wrapper.get_text()) or next(
        (m for link in wrapper.find_all("a", href=True) if (m := X_STATUS_URL.search(link["href"]))), None
    )
    if not match:
        raise EmbedError("no status URL in the embed block")
    status_id, user = x_status_id(match.group())
    post = _id_only_post(status_id, user)
    # A Markdown flattening of the embed: "> text" lines, then "> — Name (@handle) [Date](url)".
    lines = [line.strip().lstrip(">").strip() for line in wrapper.get_text().splitlines()]
    for number, line in enumerate(lines):
        signature = parse_signature(line.split("[", 1)[0])
        if signature:
            post.author_name, post.author_handle = signature.author_name, signature.author_handle
            text = "\n".join(part for part in lines[:number] if part)
            post.text = text or None
            post.entities = entities_from_text(text)
            break
    return post


def _id_only_post(status_id: str, user: str | None) -> SocialPost:
    posted_at = x_snowflake_time(status_id)
    return SocialPost(
        platform="x",
        native_id=status_id,
        url=x_post_url(status_id),
        author_handle=user,
        posted_at=posted_at,
        posted_at_precision="millisecond" if posted_at else None,
    )


def read_id_attribute(element: Tag) -> SocialPost:
    """A post from an element that only names it: `data-tweet-id`, `data-tweetid` (digits or a URL), or the
    `id=` of a `platform.twitter.com/embed/Tweet.html` frame. A `<blockquote placeholder>` inside (AMP) may
    still hold the text, read as a pasted blockquote."""
    found = None
    for name, value in element.attrs.items():
        if "tweet" in name.lower() and isinstance(value, str) and (found := x_status_from_value(value)):
            break
    if found is None:
        for name in ("src", "data-src"):
            if isinstance(element.get(name), str) and (found := x_status_from_value(element[name])):
                break
    if found is None:
        raise EmbedError("no status id in the element's attributes")
    status_id, user = found
    inner = element.find("blockquote")
    if inner is not None and inner.find("p"):
        try:
            post = read_blockquote(inner)
        except EmbedError:
            post = None
        if post is not None and post.native_id in (None, status_id):
            post.native_id, post.url = status_id, x_post_url(status_id)
            if post.posted_at_precision != "millisecond" and (moment := x_snowflake_time(status_id)):
                post.posted_at, post.posted_at_precision = moment, "millisecond"
            return post
    return _id_only_post(status_id, user)


_KINJA_INSET = re.compile(r"/embed/inset/iframe\?(?:[^#]*&)?id=twitter-(?P<id>\d{5,20})(?:\D|$)")


def read_kinja_inset(frame: Tag) -> SocialPost:
    """A post from a Kinja (G/O Media: kotaku.com, deadspin.com) lazy inset frame, `…/embed/inset/iframe?id=twitter-<id>`
    in `data-src` (or `src` once loaded)."""
    for name in ("data-src", "src"):
        if isinstance(frame.get(name), str) and (match := _KINJA_INSET.search(frame[name])):
            return _id_only_post(match.group("id"), None)
    raise EmbedError("no status id in the inset frame's address")


def read_bare_link(paragraph: Tag) -> SocialPost:
    """A post from a paragraph that holds nothing but its status URL (oEmbed providers expand these)."""
    candidates = [link["href"] for link in paragraph.find_all("a", href=True)] + [paragraph.get_text()]
    for value in candidates:
        if found := x_status_id(value):
            return _id_only_post(*found)
    raise EmbedError("no status URL in the paragraph")


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


# An attribute whose name says "tweet" and whose value is an id (all digits) or a status URL.
_TWEET_ATTRIBUTE = (
    "@*[contains(translate(name(), 'TWEET', 'tweet'), 'tweet')]"
    "[string-length(normalize-space(translate(., '0123456789', ''))) = 0 and string-length(normalize-space(.)) > 4"
    " or contains(., '/status/') or contains(., '/statuses/')]"
)
_TWEET_FRAME = "contains(@src, 'platform.twitter.com/embed/Tweet.html') or contains(@src, 'platform.x.com/embed/Tweet.html')"
# Not inside (or around) markup another X form reads.
_NOT_NESTED = (
    f"not(ancestor::*[{_TWEET_ATTRIBUTE}]) and not(ancestor::amp-twitter)"
    f" and not(ancestor::blockquote[{has_class('twitter-tweet')} or {has_class('twitter-video')}])"
    f" and not(.//blockquote[{has_class('twitter-tweet')} or {has_class('twitter-video')}])"
)
# A paragraph that is only a status link (or only its URL as text).
_STATUS_HREF = "(contains(@href, 'twitter.com/') or contains(@href, 'x.com/')) and contains(@href, '/status')"
_BARE_LINK = (
    f".//p[not(ancestor::blockquote) and not(ancestor::figure)][count(*) = 1 and a[{_STATUS_HREF}]"
    " and normalize-space(.) = normalize-space(a)]"
    " | .//p[not(ancestor::blockquote) and not(ancestor::figure)][not(*) and (starts-with(normalize-space(.), 'https://twitter.com/')"
    " or starts-with(normalize-space(.), 'https://x.com/') or starts-with(normalize-space(.), 'https://mobile.twitter.com/'))"
    " and contains(., '/status') and not(contains(normalize-space(.), ' '))]"
)

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
    EmbedKind(
        name="x amp",
        platform="x",
        xpath=".//amp-twitter[@data-tweetid]",
        form="amp",
        read=read_id_attribute,
    ),
    EmbedKind(
        name="x rendered iframe",
        platform="x",
        xpath=f".//iframe[@data-tweet-id or {_TWEET_FRAME}][{_NOT_NESTED}]",
        form="iframe",
        read=read_id_attribute,
    ),
    EmbedKind(
        name="x placeholder",
        platform="x",
        xpath=f".//*[not(self::iframe) and not(self::amp-twitter)][{_TWEET_ATTRIBUTE}][{_NOT_NESTED}]",
        form="placeholder",
        read=read_id_attribute,
    ),
    EmbedKind(
        name="x kinja inset",
        platform="x",
        xpath=".//iframe[contains(@data-src, '/embed/inset/iframe?id=twitter-') or contains(@src, '/embed/inset/iframe?id=twitter-')]",
        form="iframe",
        read=read_kinja_inset,
    ),
    EmbedKind(
        name="x bare link",
        platform="x",
        xpath=_BARE_LINK,
        form="bare_url",
        read=read_bare_link,
    ),
)

# What lazy loaders hide of this platform's embed code (lazy.py puts it back before the XPaths above run):
# the classes that make an element its embed code, when moved into a data-* attribute;
MARKER_CLASSES = ("twitter-tweet", "twitter-video")
# addresses its frame kinds read (or, in iframely's lazy frames, its posts' own URLs), when waiting in data-src;
FRAMES = ("platform.twitter.com/embed/", "platform.x.com/embed/")
