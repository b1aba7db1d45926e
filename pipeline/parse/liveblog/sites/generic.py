"""Fallback for live blogs whose markup no adapter knows: the largest group (at least 3) of sibling blocks of
one tag and class, each with an `id` and a time (`<time>`, or an attribute named like `data-*time`)."""
from __future__ import annotations

from pipeline.keys import clean_text
from pipeline.parse.liveblog.raw_entry import RawEntry
from pipeline.parse.liveblog.times import PageClock, read_time

NAME = "generic time-stamped blocks"
# A read shows every entry (liveblog/completeness.py)? No: a guess at the blocks may miss some.
WHOLE_LIST = False
_MIN_GROUP = 3


def find(root) -> list:
    groups: dict = {}
    for element in root.xpath("//body//*[@id][.//time or @*[contains(name(), 'time')]"
                              " or .//*[@*[contains(name(), 'time')]]]"):
        key = (element.getparent(), element.tag, element.get("class"))
        groups.setdefault(key, []).append(element)
    best = max(groups.values(), key=len, default=[])
    return best if len(best) >= _MIN_GROUP else []


def entries(elements, clock: PageClock) -> list[RawEntry]:
    found = []
    for element in elements:
        time = element.xpath(".//time")
        stamp = None
        for node in (element, *element.xpath(".//*[@*[contains(name(), 'time')]]")):
            for name, value in node.attrib.items():
                if "time" in name and (stamp := read_time(value, clock)):
                    break
            if stamp:
                break
        if stamp is None and time:
            stamp = read_time(time[0].get("datetime") or time[0].text_content(), clock)
        heading = element.xpath(".//h2 | .//h3 | .//h4")
        found.append(
            RawEntry(
                native_id=element.get("id"),
                headline=clean_text(heading[0].text_content()) or None if heading else None,
                published_at=stamp,
                elements=[element],
                skip=heading[:1],
                chrome=time[:1],
            )
        )
    return found
