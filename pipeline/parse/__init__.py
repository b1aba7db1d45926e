"""`parse(document) -> ParseResult`: a page and its items, posts and quotes; pure, no I/O.

Parts of a page that cannot be read (one broken embed, invalid JSON-LD) become warnings and the rest of the page
is kept. Only a document that yields no page at all raises `ParseError`, naming the source.
"""
from __future__ import annotations

from datetime import tzinfo

from pipeline.model import Document, ParseResult


# Opens the warning on a page whose body came out (nearly) empty while its markup holds an article's text: the run
# shows it on the source's line, not only in the warning count.
THIN_BODY = "the body text came out nearly empty"


class ParseError(Exception):
    """A document no page could be read from; the message names the source and the cause."""


def parse(document: Document, timezone: tzinfo | None = None) -> ParseResult:
    """Parse a decoded document (`kind` `html` or `text`) into a page with its parts.

    `timezone`: the zone the site's times are in (a `zoneinfo.ZoneInfo`, built by the caller: parsing reads no
    file), for an HTML page's times that state no zone and that the page's own structured times do not place
    either (no offset stated anywhere on the page). Without it such times are read as UTC."""
    if not document.content.strip():
        raise ParseError(f"{document.source}: the document is empty")
    try:
        if document.kind == "text":
            from pipeline.parse.flat_text import parse_text

            return parse_text(document)
        from pipeline.parse.html import parse_html

        return parse_html(document, timezone)
    except ParseError:
        raise
    except Exception as exc:  # a parser bug: name the source and the cause, let the run go on
        raise ParseError(f"{document.source}: parser failed: {type(exc).__name__}: {exc}") from exc
