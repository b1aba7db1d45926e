"""What inside the article's element is furniture, not text: navigation, share and newsletter boxes, related links
and teasers, comments, captions, control labels, scripts (`remove_furniture`); drop caps rejoined to their word."""
from __future__ import annotations

import re

from pipeline.parse.chrome import (CHROME_TAGS, CHROME_WORDS, CONTROL_LABEL, ENTRY_CHROME_WORDS, RELATED_LEAD,
                                   RELATED_LEAD_CLOSED, RELATED_LEADS, chrome_name_words, is_ad_label)
from pipeline.parse.content import is_content_marked, paragraph_chars


def remove_furniture(content, entries: list = ()) -> None:
    """Drop navigation, share and newsletter boxes, related links, comments, captions and scripts.

    An element named like furniture ("js-ad-section", "sidebar-grid") that holds most of the content's text is the
    article's own wrapper with an unlucky class, and stays; so do siblings of one class that together hold most of
    it (a slideshow's slides), and inside them the words of their names no longer mark furniture. Live-blog entries,
    elements marked as the article's text (`is_content_marked`) and the elements around them stay; inside an entry
    only the entry's own furniture words count ("live-match-comment" is no reader comment). A box named "teaser"
    goes only when it is another story's (`_is_teaser`), a table's rows never go by their class, a `<noscript>` that
    is the article stays (`_is_article_fallback`) and a hidden copy of the article's text goes (`_hidden_copies`)."""
    keep = set(entries)
    for element in content.iterdescendants():
        if isinstance(element.tag, str) and is_content_marked(element):
            keep.add(element)
    transcripts = _transcripts(content)
    keep.update(transcripts)
    for element in list(keep):
        keep.update(element.iterancestors())
    # a chrome tag stays around the article's text (an <aside> that broken markup wrapped around the article body) and
    # around a transcript; one inside the article body holding a box classed like one (a sidebar card's
    # "entry-content", a <noscript> copy) goes
    bodies = [element for element in keep if element not in entries and is_content_marked(element)]
    inner = {node for element in bodies for node in element.iterdescendants()}
    around_text = {node for element in [*transcripts, *(b for b in bodies if b not in inner)]
                   for node in (element, *element.iterancestors())}
    inside_entries = {node for element in entries for node in element.iterdescendants()}
    _rejoin_drop_caps(content)
    teasers_and_copies = _teaser_boxes(content) | _hidden_copies(content)
    total = len(content.text_content())
    group_chars: dict = {}
    chrome = []
    stack = [(child, frozenset()) for child in reversed(content)]
    while stack:
        element, allowed = stack.pop()
        if not isinstance(element.tag, str):
            continue
        hidden = element.get("hidden") is not None and not _is_gated_text(element)
        if (element.tag in CHROME_TAGS and not _is_article_fallback(element, content)
                and element not in around_text
                and not _is_table_figure(element)) \
                or hidden \
                or _is_link_only_paragraph(element) or _is_link_list(element) \
                or (element not in keep and _is_link_block(element)) or is_ad_label(element) \
                or (element in teasers_and_copies and element not in keep) or _is_control_label(element) \
                or _is_screen_reader_label(element):
            chrome.append(element)
            continue
        if element not in keep and element.tag not in _TABLE_PARTS:
            named = chrome_name_words(element, ENTRY_CHROME_WORDS if element in inside_entries else CHROME_WORDS)
            named -= allowed
            if named and named <= _TEASER_WORDS and not _is_teaser(element):
                named = frozenset()
            if named:
                if len(element.text_content()) < _WRAPPER_SHARE * total \
                        and _group_chars(element, group_chars) < _WRAPPER_SHARE * total:
                    chrome.append(element)
                    continue
                allowed = allowed | (named - _NEVER_WRAPPER_WORDS)
        stack.extend((child, allowed) for child in reversed(element))
    for element in chrome:
        if element.getparent() is not None:
            element.drop_tree()


# A box named for a transcript holding this much paragraph text is the text of the video or audio it goes with.
_TRANSCRIPT_WORDS = frozenset(("transcript",))
_MIN_TRANSCRIPT_CHARS = 200


def _transcripts(content) -> set:
    """Boxes named "transcript" (Upworthy's `div#transcript` in the article's `<footer>`, BHG's `div#rhi-transcript`)
    that hold paragraphs: the spoken text of a video article, which is its text, wherever the page puts it."""
    return {element for element in content.xpath(".//*[contains(@id, 'ranscript') or contains(@class, 'ranscript')]")
            if chrome_name_words(element, _TRANSCRIPT_WORDS) and paragraph_chars(element) >= _MIN_TRANSCRIPT_CHARS}


def _is_table_figure(element) -> bool:
    """A `<figure>` around a `<table>` (WordPress' `figure.wp-block-table`, comparison tables): the table is text,
    its caption still goes."""
    return element.tag == "figure" and element.find(".//table") is not None


# A table's rows and cells are its data whatever their class says ("player-2020-416": a standings table's row).
_TABLE_PARTS = frozenset(("thead", "tbody", "tfoot", "tr", "td", "th"))


def _is_article_fallback(element, content) -> bool:
    """A `<noscript>` holding most of the content's paragraph text: the article itself, which a script renders for
    readers with scripts (Blogger)."""
    return element.tag == "noscript" and paragraph_chars(element) >= _WRAPPER_SHARE * paragraph_chars(content)


# The opening of a hidden box that is a copy of text the content shows elsewhere.
_COPY_OPENING_CHARS = 100


def _hidden_copies(content) -> set:
    """Boxes hidden by their style (`display:none`) whose text opens with text the content also shows elsewhere: a
    copy (Der Freitag repeats the article's second half in a hidden "o-paywall" box), not more of the article."""
    hidden = content.xpath(".//*[contains(translate(@style, ' ', ''), 'display:none')]")
    if not hidden:
        return set()
    text = " ".join(content.text_content().split())
    copies = set()
    for element in hidden:
        opening = " ".join(element.text_content().split())[:_COPY_OPENING_CHARS]
        if len(opening) == _COPY_OPENING_CHARS and text.count(opening) > 1:
            copies.add(element)
    return copies


# A box named "teaser" is another story's headline and a line or two (NDR's, SRF's lists of teasers); one holding this
# many paragraphs is text.
_TEASER_WORDS = frozenset(("teaser", "teasers"))
_TEASER_MAX_PARAGRAPHS = 3


def _is_teaser(element) -> bool:
    """A box named "teaser" that is another story's: it links to another page, and holds fewer than
    `_TEASER_MAX_PARAGRAPHS` paragraphs. WinFuture's "teaser_text" (no link) is its article's lead, Nature's
    "article__teaser" (many paragraphs) its article's text."""
    return len(element.xpath(".//p")) < _TEASER_MAX_PARAGRAPHS \
        and bool(element.xpath("descendant-or-self::a[@href and not(starts-with(@href, '#'))]"))


_TEASER_BOX_CHARS = 300


def _teaser_boxes(content) -> set:
    """Short boxes that start with a lead-in to other stories ("Lesen Sie auch", "Les også"): for each element whose
    own text is such a lead-in, the largest element around it of at most `_TEASER_BOX_CHARS` characters that starts
    with it (the lead-in alone, or the box of it and its teasers)."""
    boxes = set()
    for element in content.iter():
        if not isinstance(element.tag, str) or not element.text:
            continue
        lead = " ".join(element.text.split())
        if not RELATED_LEAD.match(lead) or element.text_content().strip() != element.text.strip():
            continue
        box = element
        for ancestor in element.iterancestors():
            if ancestor is content:
                break
            text = " ".join(ancestor.text_content().split())
            if len(text) > _TEASER_BOX_CHARS or not text.startswith(lead):
                break
            box = ancestor
        if not RELATED_LEAD_CLOSED.match(lead) and not _links_at(box):
            continue  # "Noch mehr …", "More from …" with no teasers after it: a heading of the article's own
        boxes.add(box)
    return boxes


def _links_at(box) -> bool:
    """Whether a box, or the element after it, holds a link to another page."""
    following = box.getnext()
    return any(element is not None and isinstance(element.tag, str)
               and element.xpath("descendant-or-self::a[@href and not(starts-with(@href, '#'))]")
               for element in (box, following))


# Classes that hide an element from sight and leave it to screen readers.
_SCREEN_READER_ONLY = re.compile(r"sr-only|visually-?hidden|screen-?reader|a11y-hidden|hidden-visually", re.IGNORECASE)
_SCREEN_READER_LABEL_CHARS = 100


def _is_screen_reader_label(element) -> bool:
    """A short text shown only to screen readers ("Article content" over each of Postmedia's stretches of text,
    "Opens in a new window"): a label, not the article's text."""
    names = element.get("class")
    return bool(names) and bool(_SCREEN_READER_ONLY.search(names)) \
        and len(element.text_content().strip()) < _SCREEN_READER_LABEL_CHARS


def _is_control_label(element) -> bool:
    """An element of text alone that is a control's label for screen readers ("Box aufklappen")."""
    return len(element) == 0 and bool(element.text) and len(element.text) < 60 and bool(CONTROL_LABEL.match(element.text))


# A drop cap: the first letter of a paragraph in an element of its own ("initial-letter", "dropcap").
_DROP_CAP = re.compile(r"initial|drop-?cap|first-?letter", re.IGNORECASE)


def _rejoin_drop_caps(content) -> None:
    """"N a endlich!" -> "Na endlich!": the space after a drop cap's element goes (taz)."""
    for element in content.xpath(".//*[contains(@class, 'nitial') or contains(@class, 'rop') or contains(@class, 'etter')]"):
        if not _DROP_CAP.search(element.get("class")) or len(element.text_content().strip()) != 1 \
                or not element.text_content().strip().isalpha():
            continue
        letter = element.text_content().strip()
        while (parent := element.getparent()) is not None and parent.text_content().strip() == letter:
            element = parent
        if element.tail is not None and not element.tail.strip():
            element.tail = ""
            following = element.getnext()
            if following is not None and following.text:
                following.text = following.text.lstrip()
        elif element.tail:
            element.tail = element.tail.lstrip()


def _is_gated_text(element) -> bool:
    """Named "paywall": the article's text a paywall hides from non-subscribers (Condé Nast's paragraphs, ABC.es's
    hidden box), which stays; the paywall's own prompt is named for subscribing."""
    return "paywall" in (element.get("class") or "").lower()


# Reader comments stay furniture inside a comment section large enough to pass for the article's wrapper.
_NEVER_WRAPPER_WORDS = frozenset(("comment", "comments", "respond"))


def _group_chars(element, cache: dict) -> int:
    """Characters of the element and its siblings with the same class (0 when it has no class or no such sibling)."""
    parent, name = element.getparent(), element.get("class")
    if parent is None or not name:
        return 0
    if (parent, name) not in cache:
        group = [sibling for sibling in parent if sibling.get("class") == name]
        cache[(parent, name)] = sum(len(sibling.text_content()) for sibling in group) if len(group) > 1 else 0
    return cache[(parent, name)]


_WRAPPER_SHARE = 0.5


# "See also: <a>…</a>": a pointer to another story, not this one's text.
_POINTER = re.compile(r"^[\s\ufeff]*" + RELATED_LEADS + r"[\s\ufeff]*:?", re.IGNORECASE)


def _is_link_only_paragraph(element) -> bool:
    """A paragraph that is nothing but a link to another page (optionally after "See also:"): a promo."""
    if element.tag != "p":
        return False
    links = element.xpath(".//a[@href]")
    if not links:
        return False
    text = " ".join(element.text_content().split())
    link_text = " ".join(" ".join(link.text_content().split()) for link in links)
    if not text or not link_text:
        return False
    rest = text.replace(link_text, "", 1).strip() if len(links) == 1 else text
    return (rest == "" and len(links) == 1 and len(text) < 200) or (len(links) == 1 and bool(_POINTER.match(rest)) and
                                                                    len(_POINTER.sub("", rest).strip()) == 0)


_LINK_BLOCK_TAGS = frozenset(("div", "section", "ul", "ol"))
_LINK_BLOCK_MAX_CHARS = 1500
_LINK_BLOCK_DENSITY = 0.7


def _is_link_block(element) -> bool:
    """A short block that is mostly links to other pages (topic tags, "more from this section"): furniture."""
    if element.tag not in _LINK_BLOCK_TAGS:
        return False
    text = "".join(element.text_content().split())
    if not text or len(text) > _LINK_BLOCK_MAX_CHARS:
        return False
    links = [link for link in element.iter("a") if not (link.get("href") or "#").startswith("#")]
    if len(links) < 2:
        return False
    link_chars = sum(len("".join(link.text_content().split())) for link in links)
    return link_chars / len(text) >= _LINK_BLOCK_DENSITY


def _is_link_list(element) -> bool:
    """A list whose every item is just a link to another page: related stories, topic tags, navigation. (Links to
    anchors on the page are a table of contents, such as a live blog's key points, and stay.)"""
    if element.tag not in ("ul", "ol"):
        return False
    items = element.findall("li")
    if len(items) < 2:
        return False
    for item in items:
        links = item.xpath(".//a[@href]")
        text = "".join(item.text_content().split())
        if not links or not text or any(link.get("href", "").startswith("#") for link in links):
            return False
        if "".join("".join(link.text_content().split()) for link in links) != text:
            return False
    return True
