"""Hashtags, mentions, links, media and cashtags in a post's text, by the same rules for every parser."""
from __future__ import annotations

import re

from pipeline.model import Entity

# Media attached to an X post, as its embed shows it (pic.x.com is the newer spelling of the same links).
_MEDIA = re.compile(r"(?:https?://)?pic\.(?:twitter|x)\.com/(?P<id>[A-Za-z0-9]+)", re.IGNORECASE)
# Links with a scheme or www., and the scheme-less short links that flattenings show.
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"“”‘’]+"
    r"|\b(?:t\.co|bit\.ly|youtu\.be)/[A-Za-z0-9_-]+",
    re.IGNORECASE,
)
# Punctuation that ends a sentence rather than a link.
_URL_TRAILING = ".,;:!?)]}'…"
# X's rules: a hashtag is letters, digits and underscores with at least one non-digit, not followed by "#" or
# "://" (twitter-text: "#31C0C21000#" is none); a user name is 1-15 of [A-Za-z0-9_]; a cashtag is 1-6 letters
# with an optional ".X" or "_X" suffix.
_HASHTAG = re.compile(r"(?<![\w&#])#(?P<value>\w*[^\W\d]\w*)(?![\w#＃]|://)")
_MENTION = re.compile(r"(?<![\w@])@(?P<value>[A-Za-z0-9_]{1,15})(?![\w@])")
_CASHTAG = re.compile(r"(?<![\w$])\$(?P<value>[A-Za-z]{1,6}(?:[._][A-Za-z]{1,2})?)(?![\w$])")


def entities_from_text(text: str) -> list[Entity]:
    """Entities in the order they appear, each (kind, value) once.

    Hashtags, mentions and cashtags are kept as written, without `#`, `@` or `$`. Links get `https://` when
    written without a scheme; `pic.twitter.com`/`pic.x.com` links are media, as `https://pic.twitter.com/…`.
    """
    found: list[tuple[int, Entity]] = []
    link_spans: list[tuple[int, int]] = []
    for match in _MEDIA.finditer(text):
        found.append((match.start(), Entity("media", f"https://pic.twitter.com/{match.group('id')}")))
        link_spans.append(match.span())
    for match in _URL.finditer(text):
        if _inside(match.start(), link_spans):
            continue
        url = match.group().rstrip(_URL_TRAILING)
        if not url.lower().startswith(("http://", "https://")):
            url = f"https://{url}"
        found.append((match.start(), Entity("url", url)))
        link_spans.append(match.span())
    for kind, pattern in (("hashtag", _HASHTAG), ("mention", _MENTION), ("cashtag", _CASHTAG)):
        for match in pattern.finditer(text):
            if not _inside(match.start(), link_spans):
                found.append((match.start(), Entity(kind, match.group("value"))))
    found.sort(key=lambda pair: pair[0])
    return unique_entities(entity for _, entity in found)


def unique_entities(entities) -> list[Entity]:
    """The entities in their order, each (kind, value) once."""
    seen: set[Entity] = set()
    unique = []
    for entity in entities:
        if entity not in seen:
            seen.add(entity)
            unique.append(entity)
    return unique


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)
