"""Every identity and content hash the warehouse keys on (docs/contract.md, "Deduplication rules").

Ids are hex digests of their identifying parts, so the same input gives the same id in any run, on any machine.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

from pipeline.model import SocialPost

# 16 hex digits = 64 bits: a collision is expected only after ~4 billion ids of one kind.
_ID_HEX = 16

_LINK = re.compile(
    r"(?:https?://|www\.)\S+"  # any URL
    r"|\b(?:pic\.(?:twitter|x)\.com|t\.co|bit\.ly|youtu\.be)/\S+",  # scheme-less short links as flattenings show them
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")
# Invisible direction marks and embeddings/isolates (LRM, RLM, LRE…RLO, LRI…PDI): X's embed code wraps mentions in
# U+2066/U+2069, which a flattening of the same post drops. They carry no content; kept, they would split one post
# in two and hide "@name's" from a search. (U+200D, the zero-width joiner of emoji sequences, is content and stays.)
_DIRECTION_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# What `clean_text` would change: a direction mark, whitespace other than a space or a line break, two spaces, a
# space at either end of a line, an empty line, a line break at either end. Text without any (and already NFC,
# as most text is) is returned as it is, without being split and joined again.
_UNCLEAN = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]|[^\\S \\n]|  |^ | $|\\n\\n|\\A\\n|\\n\\Z",
                      re.MULTILINE)
# The same for ASCII text (most text; NFC and without direction marks by itself): whitespace other than a space or a
# line break, found by one character class; the rest by substring tests, which are much faster than the regex above.
_ASCII_SPACE = re.compile("[\t\r\x0b\x0c\x1c-\x1f]")


def digest(*parts: str) -> str:
    """A short, stable hex digest of the parts, joined by a separator no part contains."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:_ID_HEX]


def clean_text(text: str) -> str:
    """Text as stored: Unicode NFC without direction marks, runs of spaces collapsed, line breaks kept, ends
    trimmed."""
    if text.isascii():
        if not (_ASCII_SPACE.search(text) or "  " in text or " \n" in text or "\n " in text or "\n\n" in text
                or text.startswith((" ", "\n")) or text.endswith((" ", "\n"))):
            return text
    elif not _UNCLEAN.search(text) and unicodedata.is_normalized("NFC", text):
        return text
    text = unicodedata.normalize("NFC", _DIRECTION_MARKS.sub("", text))
    lines = (_SPACE.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def normalize_text(text: str) -> str:
    """Text for matching: links, whitespace and case dropped (the contract's "normalised text")."""
    text = unicodedata.normalize("NFKC", _DIRECTION_MARKS.sub("", text))
    text = _LINK.sub(" ", text)
    return _SPACE.sub("", text).casefold()


def text_key(text: str) -> str:
    """Digest of the normalised text: equal for two renderings of the same words."""
    return digest(normalize_text(text))


def content_hash(*parts: str | None) -> str:
    """Digest of content exactly as stored; any visible change gives a new hash."""
    return digest(*(clean_text(p) if p else "" for p in parts))


def body_hash(body: bytes) -> str:
    """SHA-256 of a fetched body exactly as received (after decompression): "unchanged" means equal hashes."""
    return hashlib.sha256(body).hexdigest()


def article_id(canonical_url: str | None, url: str | None, body_text: str) -> str:
    """A page by its canonical URL, else its URL, else (a local file with neither) its normalised content."""
    if canonical_url:
        return digest("url", canonical_url)
    if url:
        return digest("url", url)
    return digest("content", normalize_text(body_text))


def post_id(post: SocialPost) -> str:
    """`platform:native_id`, or `platform:h:<hash>` of handle, day and normalised text while the id is unknown."""
    if post.native_id:
        return f"{post.platform}:{post.native_id}"
    handle = (post.author_handle or "").casefold()
    day = post.posted_at.date().isoformat() if post.posted_at else ""
    return f"{post.platform}:h:{digest(handle, day, normalize_text(post.text or ''))}"


def item_id(scope_id: str, kind: str, native_id: str | None, text: str) -> str:
    """An update item within its page (or, for a thread item, its post): by native id, else by normalised text."""
    if native_id:
        return digest(scope_id, kind, "id", native_id)
    return digest(scope_id, kind, "text", normalize_text(text))


def quote_id(article: str, speaker: str | None, text: str) -> str:
    """A quoted statement within its article, by speaker and normalised text."""
    return digest(article, normalize_text(speaker or ""), normalize_text(text))
