"""GEDI "diretta" markup (la Repubblica, La Stampa): `section.liveblog__post[id]` with
`time.liveblog__post__pubdate[datetime]` (local time marked Z: JSON-LD's time is trusted over it) and an
`h2.liveblog__post__title` that is often empty, its headline then being the first `<p>`."""
from __future__ import annotations

from pipeline.keys import clean_text
from pipeline.parse.embeds.base import has_class
from pipeline.parse.liveblog.raw_entry import RawEntry
from pipeline.parse.liveblog.times import PageClock, read_time

NAME = "gedi liveblog__post"
# A read shows every entry (liveblog/completeness.py): the liveblog__post stream is the blog.
WHOLE_LIST = True


def find(root) -> list:
    return root.xpath(f"//*[{has_class('liveblog__post')}]")


def entries(elements, clock: PageClock) -> list[RawEntry]:
    found = []
    for element in elements:
        chrome = element.xpath(f".//*[{has_class('liveblog__post__pubdate')}] | .//time")
        skip = []
        title = element.xpath(f".//*[{has_class('liveblog__post__title')}]")
        headline = clean_text(title[0].text_content()) if title else ""
        skip += title[:1]
        if not headline:
            content = element.xpath(f".//*[{has_class('liveblog__post__content')}]")
            first = (content[0] if content else element).xpath("./p")
            if first:
                headline = clean_text(first[0].text_content())
                skip.append(first[0])
        time = element.xpath(".//time[@datetime]")
        found.append(
            RawEntry(
                native_id=element.get("id"),
                headline=headline or None,
                published_at=read_time(time[0].get("datetime"), clock) if time else None,
                elements=[element],
                skip=skip,
                chrome=chrome,
            )
        )
    return found
