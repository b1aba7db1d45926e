"""Readable text of a BeautifulSoup element: whitespace collapsed, `<br>` and block elements as line breaks."""
from __future__ import annotations

import re

from bs4 import NavigableString, Tag
from bs4.element import PreformattedString

from pipeline.keys import clean_text

# Elements that start a new line inside the text of another element.
BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt figure footer h1 h2 h3 h4 h5 h6 header li main nav ol p pre"
    " section table tr ul".split()
)
_SPACE = re.compile(r"\s+")


def element_text(element: Tag | NavigableString) -> str:
    """The element's text as stored (`pipeline.keys.clean_text`), lines where `<br>` or blocks break it."""
    return nodes_text([element])


def nodes_text(nodes) -> str:
    """The text of several sibling nodes read as one run of inline content."""
    parts: list[str] = []
    for node in nodes:
        _append_text(node, parts)
    return clean_text("".join(parts))


def _append_text(node, parts: list[str]) -> None:
    if isinstance(node, NavigableString):
        if not isinstance(node, PreformattedString):  # comments, CDATA, doctypes are not text
            parts.append(_SPACE.sub(" ", str(node)))
        return
    if node.name == "br":
        parts.append("\n")
        return
    is_block = node.name in BLOCK_TAGS
    if is_block:
        parts.append("\n")
    for child in node.children:
        _append_text(child, parts)
    if is_block:
        parts.append("\n")
