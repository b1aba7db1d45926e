"""Reach plc live-event markup (Mirror, Express, and their regional titles).

Mirror: `div.live-event-entry[id][data-post-time ms][data-last-modified-time][data-type="key-event"]`,
`.entry-info > time` and `<mark>` author, `.entry-content > h3`. Express: `div.live-events__entry[id]
[data-sort-time s][data-update-time]`, `a.live-events__entry-author`, `h3.live-events__entry-head`,
`div.live-events__entry-text`.
"""
from __future__ import annotations

from pipeline.keys import clean_text
from pipeline.parse.embeds.base import has_class
from pipeline.parse.liveblog.raw_entry import RawEntry
from pipeline.parse.liveblog.times import PageClock, read_time

NAME = "reach live-event"
# A read shows every entry (liveblog/completeness.py) unless JSON-LD lists more (the Mirror's: 30 of 428).
WHOLE_LIST = True
_ENTRY = f"//div[{has_class('live-event-entry')} or {has_class('live-events__entry')}][@id]"


def find(root) -> list:
    return root.xpath(_ENTRY)


def entries(elements, clock: PageClock) -> list[RawEntry]:
    found = []
    for element in elements:
        headline = element.xpath(f".//h3[{has_class('live-events__entry-head')}] | .//*[{has_class('entry-content')}]/h3"
                                 " | .//h2") or element.xpath(".//h3")
        info = element.xpath(f".//*[{has_class('entry-info')} or {has_class('live-events__entry-info')}]")
        author = element.xpath(f".//*[{has_class('entry-info')}]/mark | .//a[{has_class('live-events__entry-author')}]")
        author_text = clean_text(author[0].text_content()) if author else None
        is_key = element.get("data-type") == "key-event" or author_text == "KEY EVENT"
        time_el = element.xpath(".//time")
        found.append(
            RawEntry(
                native_id=element.get("id"),
                headline=clean_text(headline[0].text_content()) or None if headline else None,
                published_at=read_time(element.get("data-post-time") or element.get("data-sort-time"), clock)
                or (read_time(time_el[0].get("data-time") or time_el[0].get("datetime"), clock) if time_el else None),
                updated_at=read_time(element.get("data-last-modified-time") or element.get("data-update-time"), clock),
                author=None if author_text in (None, "", "KEY EVENT") else author_text,
                is_key_event=is_key,
                is_pinned="pinned" in (element.get("class") or "") or element.get("data-type") == "pinned",
                elements=[element],
                skip=headline[:1],
                chrome=info,
            )
        )
    return found
