"""Registry of embedded-post readers: one module per platform of the platform table (`pipeline.platforms.PLATFORMS`),
named after it and listing the embed markup it recognises. To add a platform, follow docs/adding-a-platform.md.

Besides the readers: `lazy.py` rewrites lazy and deferred forms (a marker class in a `data-*` attribute, a frame
address waiting in `data-src`) as the embed code they stand for before any XPath runs, and tells a `<noscript>`
fallback copy from a second embed; `placeholder.py` comes last and reads publishers' own placeholders of any
platform by the post URL in a `data-*` attribute (by the table's `placeholder_hints`; its kind's `platform` is
"any"); `common.py` holds what the readers share (attribute scans, `— Name (@handle)` signatures, written dates);
`base.py` what a reader declares (`EmbedKind`) and raises (`EmbedError`).

A reader module declares each markup form as an `EmbedKind` in a module-level `KINDS` tuple: a name for warnings,
the platform, an lxml XPath from the article's content element to the embed's outermost element (start it with
`.//`; `has_class("bluesky-embed")` writes the class test), the `Embed.form` it stands for, and a reader
`read(element: bs4.Tag) -> SocialPost`. The reader receives a BeautifulSoup copy of just that embed (parsed with
"lxml"), so it may change or decompose it freely; it raises `EmbedError` (or any exception) with a reason when it
cannot make a post, and the page then gets a warning and keeps its other embeds.

`parse_html` runs every kind's XPath on the content element (platforms in table order, placeholders last), reads
each match once in page order (an element matched by two kinds is read by the first), and removes all matches from
the body text. An element inside another match is still read on its own (a quoted tweet pasted inside a tweet), so
a kind's XPath must not select a wrapper around markup that another kind already reads.
"""
from __future__ import annotations

import lxml.etree
import lxml.html
from bs4 import BeautifulSoup

from pipeline.model import SocialPost
from pipeline.parse.embeds import lazy, placeholder
from pipeline.parse.embeds.base import EmbedError, EmbedKind, has_class, reader_module
from pipeline.parse.embeds.lazy import noscript_copies
from pipeline.platforms import PLATFORMS

__all__ = [
    "EMBED_KINDS", "EmbedError", "EmbedKind", "find_embed_elements", "has_class", "noscript_copies", "read_embed",
    "reader_module",
]


EMBED_KINDS: tuple[EmbedKind, ...] = (
    *(kind for name in PLATFORMS for kind in reader_module(name).KINDS),
    *placeholder.KINDS,  # last: any platform's post URL in a data-* attribute
)


_XPATHS: dict[str, lxml.etree.XPath] = {}


def _compiled(xpath: str) -> lxml.etree.XPath:
    """Each kind's XPath compiled once per process, not at every call."""
    compiled = _XPATHS.get(xpath)
    if compiled is None:
        compiled = _XPATHS[xpath] = lxml.etree.XPath(xpath)
    return compiled


def find_embed_elements(content: lxml.html.HtmlElement) -> list[tuple[EmbedKind, lxml.html.HtmlElement]]:
    """Every embed inside the content element with the kind that reads it, in page order, each element once.

    Lazy forms are first rewritten in the tree as the embed code they defer (`lazy.normalise`)."""
    lazy.normalise(content)
    found: list[tuple[EmbedKind, lxml.html.HtmlElement]] = []
    seen: set[lxml.html.HtmlElement] = set()
    for kind in EMBED_KINDS:
        for element in _compiled(kind.xpath)(content):
            if element not in seen:
                seen.add(element)
                found.append((kind, element))
    if len({kind.name for kind, _ in found}) > 1:  # each XPath gives page order; a mix of kinds needs sorting
        page_order = {element: index for index, element in enumerate(content.iter())}
        found.sort(key=lambda pair: page_order[pair[1]])
    return found


def read_embed(kind: EmbedKind, element: lxml.html.HtmlElement) -> SocialPost:
    """The post in one embed, read by its kind from a BeautifulSoup copy of just that element."""
    markup = lxml.html.tostring(element, encoding="unicode", with_tail=False)
    copy = BeautifulSoup(markup, "lxml").find(element.tag)
    if copy is None:
        raise EmbedError(f"the <{element.tag}> element could not be copied")
    return kind.read(copy)
