"""News tickers written as one rich text: each entry a heading `HH.MM Uhr: headline` (BR24) or `HH:MM headline`,
its text the paragraphs up to the next such heading. No ids; times are local clock times of the page's day."""
from __future__ import annotations

import re

from pipeline.keys import clean_text
from pipeline.parse.liveblog.raw_entry import RawEntry
from pipeline.parse.liveblog.times import PageClock, read_time

NAME = "clock-time headings"
# A read shows every entry (liveblog/completeness.py)? Moot: its entries have no ids.
WHOLE_LIST = False
_STAMP = re.compile(r"^\s*(?P<clock>(?:[01]?\d|2[0-3])[.:][0-5]\d)(?:\s*Uhr)?\s*[:\-–|]\s*(?P<headline>.+)$", re.S)
_HEADINGS = "//h2 | //h3 | //h4"


def find(root) -> list:
    return [h for h in root.xpath(_HEADINGS) if _STAMP.match(h.text_content() or "")]


def entries(elements, clock: PageClock) -> list[RawEntry]:
    headings = set(elements)
    found = []
    for heading in elements:
        match = _STAMP.match(heading.text_content())
        body = []
        for sibling in heading.itersiblings():
            if sibling in headings or sibling.tag in ("h1", "h2", "h3") :
                break
            body.append(sibling)
        found.append(
            RawEntry(
                headline=clean_text(match.group("headline")) or None,
                published_at=read_time(match.group("clock"), clock),
                elements=body,
            )
        )
    return found
