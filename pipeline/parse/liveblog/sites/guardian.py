"""Guardian live blogs (dotcom-rendering): `article[id^="block-"]` entries with `time[datetime]` in a permalink
`a[href*="#block-"]`, an `<h2>` title, key events marked by class; the pinned post is a copy without the id in
`#pinned-post` (read here as an id-less entry, which the merge folds into the real one as `is_pinned`)."""
from __future__ import annotations

from pipeline.keys import clean_text
from pipeline.parse.liveblog.raw_entry import RawEntry
from pipeline.parse.liveblog.times import PageClock, read_time

NAME = "guardian block"
# A read shows every entry (liveblog/completeness.py)? No: the Guardian pages its live blogs.
WHOLE_LIST = False


def find(root) -> list:
    blocks = root.xpath("//article[starts-with(@id, 'block-')]")
    if len(blocks) < 2:
        return []
    pinned = root.xpath("//*[@id='pinned-post' or @data-gu-name='pinned-post']//article[not(@id)]")
    return pinned + blocks


def entries(elements, clock: PageClock) -> list[RawEntry]:
    found = []
    for element in elements:
        time = element.xpath(".//time[@datetime]")
        heading = element.xpath(".//h2")
        link = element.xpath(".//a[contains(@href, '#block-')]/@href")
        classes = (element.get("class") or "").lower()
        found.append(
            RawEntry(
                native_id=element.get("id"),
                headline=clean_text(heading[0].text_content()) or None if heading else None,
                url=link[0] if link else None,
                published_at=read_time(time[0].get("datetime"), clock) if time else None,
                is_key_event="key-event" in classes or "is-key-event" in classes,
                elements=[element],
                skip=heading[:1],
                chrome=time[:1] + element.xpath(".//a[contains(@href, '#block-')]"),
            )
        )
    return found
