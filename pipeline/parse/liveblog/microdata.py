"""Entries from microdata: `itemprop="liveBlogUpdate"` elements (NDTV), each with `meta itemprop` url, times and
headline; the text is the element's visible text, not its `articleBody` attribute (often broken by quotes)."""
from __future__ import annotations

import html

from pipeline.keys import clean_text
from pipeline.parse.liveblog.jsonld import fragment
from pipeline.parse.liveblog.raw_entry import RawEntry
from pipeline.parse.liveblog.times import PageClock, clock_time, read_time


def is_live_blog(root) -> bool:
    return bool(root.xpath("//*[@itemtype][contains(@itemtype, 'LiveBlogPosting')][1]"))


def entries(root, clock: PageClock) -> list[RawEntry]:
    found = []
    for element in root.xpath("//*[@itemprop='liveBlogUpdate']"):
        props = _props(element)
        url = props.get("url")
        headline = props.get("headline")
        skip = [
            node for node in element.xpath(".//*[@itemprop='headline' or @itemprop='author' or @itemprop='publisher']")
            if node.tag != "meta"
        ]
        # The visible date line and headline repeat what the properties say.
        chrome = []
        for node in element.xpath(".//time | .//*[not(*)]"):
            text = " ".join((node.text_content() or "").split())
            if node.tag == "time" or clock_time(text) and len(text) < 25:
                chrome.append(node)
            elif headline and text == " ".join(headline.split()):
                skip.append(node)
        found.append(
            RawEntry(
                native_id=fragment(url) or element.get("id"),
                headline=clean_text(html.unescape(headline)) if headline else None,
                url=url,
                published_at=read_time(props.get("datePublished"), clock),
                updated_at=read_time(props.get("dateModified"), clock),
                author=props.get("author.name"),
                elements=[element],
                skip=skip,
                chrome=chrome,
            )
        )
    return found


def _props(element) -> dict[str, str]:
    """This item's own properties (not those of items nested in it), `author.name` for the author's name."""
    props: dict[str, str] = {}
    for node in element.iterdescendants():
        if not isinstance(node.tag, str) or node.get("itemprop") is None:
            continue
        owner = node.getparent()
        while owner is not None and owner is not element and owner.get("itemscope") is None:
            owner = owner.getparent()
        name = node.get("itemprop").strip()
        value = node.get("content") or node.get("datetime") or node.get("href") or (node.text_content() or "").strip()
        if owner is element:
            props.setdefault(name, value)
        elif owner is not None and owner.get("itemprop") == "author" and name == "name":
            props.setdefault("author.name", value)
    return props
