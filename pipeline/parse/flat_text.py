"""`parse_text(document)`: a page flattened to text lines (as trafilatura writes it), split into body and posts."""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby
from urllib.parse import urlsplit

from pipeline.keys import clean_text
from pipeline.model import Document, Embed, Page, ParseResult, SocialPost, UpdateItem
from pipeline.parse.entities import entities_from_text
from pipeline.parse.post_signature import Signature, parse_signature, start_of_day, thread_items, tweet_length, tweet_limit
from pipeline.parse.quotes import find_quotes
from pipeline.urls import canonical_url

_KEY_POINTS_HEADING = re.compile(r"^(?:at a glance|key points|what we know(?: so far)?)\s*:?$", re.IGNORECASE)
_BULLET = re.compile(r"^(?:[-•*–]\s+|•)(?P<text>.*)$")
# A line ending in one of these (before any closing quotes or brackets) is a sentence, not a title.
_TERMINAL_PUNCTUATION = ".!?;:,…"
_CLOSING_MARKS = "\"'”’)]»"
_TITLE_MAX_WORDS = 14
_TITLE_MAX_CHARS = 120
# Words this short may stay lower-case in a title ("Meanwhile in Syria", "Plea for De-escalation").
_SMALL_WORD_CHARS = 3
_LEAD_IN_MIN_WORDS = 4  # a line of this many words or more ending in ":" introduces the post below it
_ENUMERATOR = re.compile(r"^(?:\d{1,3}[.)]|\(\d{1,3}\)|#\d{1,3})$")  # "2." alone on a line: the article's list number


def is_key_points_heading(line: str) -> bool:
    """"At a Glance", "Key points", "What we know (so far)", any case, with or without a colon."""
    return bool(_KEY_POINTS_HEADING.match(line.strip()))


@dataclass(slots=True)
class _Post:
    start: int  # index of the post's first line (the signature's own index when it has no text)
    signature_index: int
    signature: Signature
    text: str


def parse_text(document: Document) -> ParseResult:
    """The page in a text flattening: body, headings, key points, embedded X posts and quotes.

    Lines are classified in this order: `— Name (@handle) Date` signatures; key-point lists (a line "At a
    Glance" / "Key points" / "What we know" and the bullet lines under it); each signature's post text, walked
    up line by line from the signature (see `_post_start`); then, of the rest, the title (only a short first
    line without terminal punctuation followed by a longer paragraph), section headings (short lines without
    terminal punctuation followed by prose), lists and paragraphs.

    `body_text` holds headings, paragraphs and lists (a key-point list as its heading and "- item" lines),
    separated by blank lines; no post text. `headings` includes a key-point list's heading ("At a Glance"),
    since it is a heading on the page, as the HTML parser sees it too.
    """
    warnings: list[str] = []
    lines = [" ".join(line.split()) for line in document.content.splitlines()]
    signatures = _find_signatures(lines)
    key_point_headings, key_point_items = _find_key_point_lists(lines, signatures)
    posts = _find_posts(lines, signatures, key_point_headings | key_point_items, warnings)
    in_posts = {index for post in posts for index in range(post.start, post.signature_index + 1)}

    page = Page(source=document.source, url=document.url, fetched_at=document.fetched_at,
                charset_guessed=document.charset_guessed)
    if document.url:
        canonical = canonical_url(document.url)
        try:
            host = urlsplit(canonical).hostname
        except ValueError as exc:
            warnings.append(f"the document's URL is not a URL: {exc}")
        else:
            page.canonical_url = canonical
            page.site = host.removeprefix("www.") if host else None
    page.embeds = [
        Embed(post=_social_post(post), position=number, form="text_signature")
        for number, post in enumerate(posts, start=1)
    ]

    # The page's own lines: not blank, not part of a post.
    own_lines = [index for index, line in enumerate(lines) if line and index not in in_posts]
    classified = _classify_own_lines(lines, own_lines, key_point_headings, key_point_items)
    parts: list[str] = []
    paragraphs: list[str] = []
    for kind, group in groupby(classified, key=lambda pair: pair[0]):
        texts = [text for _, text in group]
        if kind == "title":
            page.title = texts[0]
        elif kind == "heading":
            page.headings.extend(texts)
            parts.extend(texts)
        elif kind == "paragraph":
            paragraphs.extend(texts)
            parts.extend(texts)
        elif kind == "bullet":
            parts.append("\n".join(texts))
        else:  # key_point
            for text in texts:
                page.key_points.append(UpdateItem(kind="key_point", position=len(page.key_points) + 1, text=text))
            parts.append("\n".join(f"- {text}" for text in texts))

    page.body_text = "\n\n".join(parts)
    page.quotes = find_quotes(paragraphs)
    return ParseResult(page=page, warnings=warnings)


def _classify_own_lines(
    lines: list[str], own_lines: list[int], key_point_headings: set[int], key_point_items: set[int]
) -> list[tuple[str, str]]:
    """(kind, text) of each of the page's own lines: title, heading, key_point, bullet or paragraph."""
    classified = []
    for position, index in enumerate(own_lines):
        line = clean_text(lines[index])
        following = own_lines[position + 1] if position + 1 < len(own_lines) else None
        followed_by_prose = (
            following is not None and following not in key_point_headings and _is_prose(lines[following])
        )
        if index in key_point_items:
            classified.append(("key_point", clean_text(_BULLET.match(line).group("text"))))
        elif _BULLET.match(line):
            classified.append(("bullet", line))
        elif index in key_point_headings:
            classified.append(("heading", line))
        elif _is_title_like(line) and followed_by_prose:
            classified.append(("title" if position == 0 else "heading", line))
        else:
            classified.append(("paragraph", line))
    return classified


def _find_signatures(lines: list[str]) -> dict[int, Signature]:
    """Signature lines by index; a line with a date we cannot read is not taken for one."""
    signatures = {}
    for index, line in enumerate(lines):
        signature = parse_signature(line)
        if signature and (signature.day or not signature.date_text):
            signatures[index] = signature
    return signatures


def _find_key_point_lists(lines: list[str], signatures: dict[int, Signature]) -> tuple[set[int], set[int]]:
    """(indices of key-point headings, indices of their bullet lines); blank lines may sit between them."""
    headings: set[int] = set()
    items: set[int] = set()
    for index, line in enumerate(lines):
        if not is_key_points_heading(line) or index in signatures:
            continue
        following = index + 1
        found: list[int] = []
        while following < len(lines):
            if not lines[following]:
                following += 1
                continue
            if following in signatures or not _BULLET.match(lines[following]):
                break
            found.append(following)
            following += 1
        if found:
            headings.add(index)
            items.update(found)
    return headings, items


def _find_posts(
    lines: list[str], signatures: dict[int, Signature], key_point_lines: set[int], warnings: list[str]
) -> list[_Post]:
    posts = []
    previous_signature = -1
    for signature_index, signature in sorted(signatures.items()):
        start = _post_start(lines, signature_index, previous_signature, key_point_lines, tweet_limit(signature.day))
        text = clean_text("\n".join(lines[start:signature_index]))
        if not text:
            warnings.append(f"line {signature_index + 1}: post signature with no post text above it")
        posts.append(_Post(start=start, signature_index=signature_index, signature=signature, text=text))
        previous_signature = signature_index
    return posts


def _post_start(lines: list[str], signature_index: int, boundary: int, key_point_lines: set[int], limit: int) -> int:
    """Index of a post's first line, walking up from its signature to (not past) `boundary`.

    The first non-blank line above the signature always belongs to the post. Lines above it join while the
    post stays within the length a post of its day could have (`limit`: 140 characters before late 2017, 280
    since; `post_signature.tweet_length`) and the line is not blank, heading-like,
    part of a key-point list, a previous signature, a lead-in ("Goldstein tweeted he was “honored” to offer
    the benediction:", `_is_lead_in`), or the article's list number alone on its line ("2.", as a listicle of
    posts flattens: The Poke).
    """
    index = signature_index - 1
    while index > boundary and not lines[index]:
        index -= 1
    if index <= boundary:
        return signature_index
    start = index
    while start - 1 > boundary:
        line = lines[start - 1]
        if not line or start - 1 in key_point_lines or _looks_like_heading(line) or _is_lead_in(line) \
                or _ENUMERATOR.match(line.strip()):
            break
        if tweet_length("\n".join(lines[start - 1 : index + 1])) > limit:
            break
        start -= 1
    return start


def _social_post(post: _Post) -> SocialPost:
    day = post.signature.day
    return SocialPost(
        platform="x",
        native_id=None,
        author_name=post.signature.author_name,
        author_handle=post.signature.author_handle,
        posted_at=start_of_day(day) if day else None,
        posted_at_precision="day" if day else None,
        text=post.text or None,
        entities=entities_from_text(post.text),
        thread=thread_items(post.text),
    )


def _is_title_like(line: str) -> bool:
    """Short, starts with a letter or digit, no terminal punctuation, not a bullet or a signature."""
    words = line.split()
    if not words or len(words) > _TITLE_MAX_WORDS or len(line) > _TITLE_MAX_CHARS:
        return False
    if not line[0].isalnum() or _BULLET.match(line) or parse_signature(line):
        return False
    return line.rstrip(_CLOSING_MARKS)[-1:] not in tuple(_TERMINAL_PUNCTUATION) + ("",)


def _looks_like_heading(line: str) -> bool:
    """Title-like, starting with a letter, its words capitalised but for short ones: "Meanwhile in Syria"."""
    if not _is_title_like(line) or not line[0].isalpha():
        return False
    words = [word for word in line.split() if word[0].isalpha()]
    return words[0][0].isupper() and all(word[0].isupper() for word in words if len(word) > _SMALL_WORD_CHARS)


def _is_lead_in(line: str) -> bool:
    """A sentence of the article that introduces the post below it: four or more words ending in a colon.

    Times of Israel, flattened by trafilatura: "Here’s a short clip of Montoya-Lewis walking in:" above a tweet.
    The colon lines inside the corpus's posts are labels of a word or three ("IRGC:", "US Navy :" in a
    report24.news post), so they stay with the post.
    """
    return line.rstrip().endswith(":") and len(line.split()) >= _LEAD_IN_MIN_WORDS


def _is_prose(line: str) -> bool:
    return not _is_title_like(line) and not _BULLET.match(line) and not parse_signature(line)
