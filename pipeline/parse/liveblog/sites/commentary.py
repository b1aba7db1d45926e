"""Live match commentary (sports.fr): `div.live-match-comment[data-time=<match minute>]` with an (often empty)
`.live-match-comment-title` and the text in `.live-match-comment-body`. No ids and no clock times."""
from __future__ import annotations

from pipeline.keys import clean_text
from pipeline.parse.embeds.base import has_class
from pipeline.parse.liveblog.raw_entry import RawEntry
from pipeline.parse.liveblog.times import PageClock

NAME = "live-match commentary"
# A read shows every entry (liveblog/completeness.py)? Moot: its entries have no ids.
WHOLE_LIST = False


def find(root) -> list:
    return root.xpath(f"//div[{has_class('live-match-comment')}]")


def entries(elements, clock: PageClock) -> list[RawEntry]:
    found = []
    for element in elements:
        title = element.xpath(f".//*[{has_class('live-match-comment-title')}]")
        minute = element.xpath(f".//*[{has_class('live-match-comment-time')}]")
        headline = clean_text(title[0].text_content()) if title else ""
        found.append(RawEntry(headline=headline or None, elements=[element], skip=title, chrome=minute))
    return found
