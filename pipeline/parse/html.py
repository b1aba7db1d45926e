"""`parse_html(document)`: a page read with lxml (metadata, live blog, body text); each embed split with BeautifulSoup."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import tzinfo

import lxml.etree
import lxml.html

from pipeline.model import Document, Embed, Page, ParseResult, UpdateItem
from pipeline.parse import THIN_BODY, ParseError
from pipeline.parse.embeds import find_embed_elements, noscript_copies, read_embed
from pipeline.parse.chrome import CHROME_WORDS, readable_text, run_text
from pipeline.parse.content import (common_ancestor, drop_layers, find_content, header_lead, outside_lead,
                                    paragraph_chars, unmask_main_column)
from pipeline.parse.furniture import remove_furniture
from pipeline.parse.language import guess_language
from pipeline.parse.liveblog import entries_complete, find_live_blog, finish_entries
from pipeline.parse.liveblog import make_clock
from pipeline.parse.metadata import PageFacts, read_metadata, read_times
from pipeline.parse.quotes import find_quotes
from pipeline.parse.flat_text import is_key_points_heading
from pipeline.parse.structured import article_item, read_json_ld, read_meta_tags


_HEADING_TAGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_LIST_TAGS = frozenset(("ul", "ol"))
_INLINE_TAGS = frozenset(
    "a abbr b bdi bdo br cite code data del dfn em font i img ins kbd mark q s samp small span strong sub sup"
    " time u var wbr".split()
)
# Key-point list headings in the languages of our sources (English ones: `text.is_key_points_heading`).
_KEY_POINTS_LEAD = re.compile(
    r"^(?:die wichtigsten (?:news|punkte|fakten|infos|entwicklungen)\b.*|das wichtigste in kürze|auf einen blick"
    r"|punti chiave|in breve|ce qu'il faut (?:retenir|savoir)|l'essentiel|las claves|lo más importante|claves"
    r"|the key points|key events|what we know(?: so far)?\b.*)\s*:?$",
    re.IGNORECASE,
)
_KEY_POINTS_CLASS = re.compile(r"key[-_]?points|keypoints|at[-_]a[-_]glance|takeaways", re.IGNORECASE)


def parse_html(document: Document, site_zone: tzinfo | None = None) -> ParseResult:
    """The page in an HTML document: metadata, body text, headings, key points, embedded posts and quotes.

    lxml parses the whole page once and answers the metadata XPaths; the article's content element is found and
    cleaned in that tree and split into blocks there; BeautifulSoup sees only each embed, never the whole page.

    Body text is the article's own headings, paragraphs and lists ("- item" lines), blocks separated by a blank
    line; embedded posts, captions and page furniture are left out, and a heading equal to the title is skipped.
    `headings` includes a key-point list's heading ("At a Glance"), as the text parser does.

    `site_zone` is the zone the site's times are in when the page states none (`pipeline/parse/dates.py`).
    """
    warnings: list[str] = []
    page = Page(source=document.source, url=document.url, fetched_at=document.fetched_at,
                charset_guessed=document.charset_guessed)
    try:
        root = _parse_tree(document, warnings)
    except ParseError as exc:
        warnings.append(str(exc))
        return ParseResult(page=page, warnings=warnings)
    try:
        _parse_page(document, root, page, site_zone, warnings)
    except Exception as exc:  # keep what was read so far: a page with warnings beats no page
        warnings.append(f"the page was read only in part: {type(exc).__name__}: {exc}"[:300])
    return ParseResult(page=page, warnings=warnings)


def _parse_page(document: Document, root, page: Page, site_zone: tzinfo | None, warnings: list[str]) -> None:
    """Fill `page` stage by stage: metadata, live-blog entries and embeds, then the body text."""
    drop_layers(root)
    unmask_main_column(root)
    meta = read_meta_tags(root)
    json_ld = read_json_ld(root, warnings)
    article_ld = article_item(json_ld)
    ids = {item["@id"]: item for item in json_ld if isinstance(item.get("@id"), str)}
    facts = PageFacts(root=root, meta=meta, json_ld=json_ld, article_ld=article_ld, ids=ids)
    read_metadata(facts, page, document.url)

    content = find_content(root)
    if content is None:
        read_times(facts, page, None, site_zone, warnings)
        warnings.append("no <body> in the page")
        return
    if content.tag == "body":
        warnings.append("no article element found; the body text is read from the whole <body>")
    zone = read_times(facts, page, content, site_zone, warnings)

    outside: list = []
    blog = None
    try:
        blog, outside, content = _read_entries_and_embeds(root, content, json_ld, zone, page, warnings)
    except Exception as exc:
        warnings.append(f"live-blog entries and embeds could not be read: {type(exc).__name__}: {exc}"[:300])

    article_chars = 0
    try:
        entries = blog.entry_elements() if blog is not None else []
        for element in blog.entry_chrome() if blog is not None else ():
            if element.getparent() is not None:
                element.drop_tree()
        article_chars = paragraph_chars(content)  # before furniture goes: what the article element holds
        lead = outside_lead(content) + header_lead(content, set(entries))
        remove_furniture(content, entries)
        blocks = _blocks(content)
        if lead:  # the header went as furniture; its lead is the article's first paragraphs, unless repeated below
            shown = " ".join(" ".join(block.text.split()) for block in blocks if block.kind == "paragraph")
            blocks[:0] = [_Block("paragraph", text=text) for text in lead if text not in shown]
    except RecursionError:
        warnings.append("markup nested too deeply to split into blocks; the body is read as plain text")
        blocks = [_Block("paragraph", text=line) for line in readable_text([content], words=CHROME_WORDS).split("\n")
                  if line]
    if blog is not None and blog.is_liveblog and outside:
        # Entries outside the content element are still the page's text: after it, in page order.
        for entry in blog.html_entries:
            if any(element in outside or _inside_any(element, outside) for element in entry.elements):
                if entry.headline:
                    blocks.append(_Block("heading", text=entry.headline))
                if entry.text:
                    blocks.extend(_Block("paragraph", text=line) for line in entry.text.split("\n") if line)
    _fill_body(page, blocks)
    if note := _thin_body_note(page.body_text, article_chars):
        warnings.append(note)
    if not page.language and (guess := guess_language(f"{page.title or ''}\n{page.body_text}")):
        page.language = guess
        warnings.append(f"the page declares no language; {guess!r} is guessed from its words")


def _thin_body_note(body_text: str, article_chars: int) -> str | None:
    """A warning when the body came out under `_THIN_BODY_WORDS` words (and under a quarter of the text) while the
    content element's paragraphs held `_ARTICLE_CHARS` characters or more: the article was lost, not absent."""
    words = len(body_text.split())
    if words >= _THIN_BODY_WORDS or article_chars < _ARTICLE_CHARS or len(body_text) * 4 >= article_chars:
        return None
    return (f"{THIN_BODY}: {words} words, while the content element's paragraphs hold {article_chars} characters;"
            " the article's text was probably lost")


_THIN_BODY_WORDS = 50
_ARTICLE_CHARS = 1000


def _read_entries_and_embeds(root, content, json_ld, zone: tzinfo, page: Page, warnings: list[str]):
    """Live-blog entries (`page.entries`) and embedded posts (`page.embeds`, each placed in its entry); the embed
    elements are then removed from the tree. Returns the live blog, its entry elements outside the content, and the
    content element (the entries' stream instead, when the element found first is smaller than that)."""
    clock = make_clock(zone, page.published_at, page.modified_at)
    blog = find_live_blog(root, json_ld, clock, warnings)
    page.is_liveblog = blog.is_liveblog
    outside = _outside(blog.entry_elements(), content)
    if outside and (stream := common_ancestor(outside)) is not None and stream.tag not in ("body", "html") \
            and len(content.text_content()) < len(stream.text_content()):
        # The element found as the content is smaller than the stream of entries: the stream is the article.
        content = stream
        outside = _outside(blog.entry_elements(), content)

    found = find_embed_elements(content)
    for element in outside:
        found.extend(find_embed_elements(element))
    if outside and found:
        page_order = {element: index for index, element in enumerate(root.iter())}
        found.sort(key=lambda pair: page_order.get(pair[1], 0))
    entry_of = _entry_index(blog, [element for _, element in found])
    embed_elements = {element for _, element in found}
    html_to_entry = {}
    if blog.is_liveblog:
        page.entries, html_to_entry = finish_entries(blog, embed_elements)
        page.entries_complete = entries_complete(root, blog)
        base = page.canonical_url or page.url
        for entry in page.entries:  # an HTML block's id is its anchor on the page
            if entry.url is None and entry.native_id and base:
                entry.url = f"{base.split('#', 1)[0]}#{entry.native_id}"
    read = _read_embeds(found, warnings)
    page.embeds = [embed for embed, _ in read]
    for embed, element in read:
        index = entry_of.get(element)
        if index is not None:
            embed.entry_position = html_to_entry.get(index)
    for _, element in found:
        if element.getparent() is not None:
            element.drop_tree()
    return blog, outside, content


def _parse_tree(document: Document, warnings: list[str]) -> lxml.html.HtmlElement:
    """The page's tree; `huge_tree` lifts libxml2's limits on depth and text size (pages over 5 MB, deep nests).
    NUL and other C0 control characters (binary junk) are dropped first: they end libxml2's parse early."""
    content = document.content
    if _JUNK.search(content):
        content = _JUNK.sub("", content)
        warnings.append("control characters (binary junk?) removed before parsing")
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        root = lxml.html.document_fromstring(content.encode("utf-8", errors="replace"), parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ParseError(f"{document.source}: not readable as HTML: {exc}") from exc
    if any("Excessive depth" in error.message for error in parser.error_log):
        # libxml2 drops everything below its depth limit; without the wrappers that nest (div, span, font…) the
        # text stays, in a flatter tree.
        warnings.append("markup nested deeper than the HTML parser reads; wrapper tags were dropped to keep the text")
        flat = _WRAPPER_TAGS.sub(" ", content)
        try:
            root = lxml.html.document_fromstring(flat.encode("utf-8", errors="replace"), parser=parser)
        except (lxml.etree.ParserError, ValueError):
            pass
    return root


_WRAPPER_TAGS = re.compile(r"</?(?:div|span|font|section|b|i|em|strong|small|u)\b[^>]*>", re.IGNORECASE)
_JUNK = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _read_embeds(found, warnings: list[str]) -> list[tuple[Embed, object]]:
    """The embedded posts of the found embed elements, in page order, with the element each came from; a lazy
    embed's `<noscript>` fallback copy is the same embed, not a second one."""
    posts = []
    for number, (kind, element) in enumerate(found, start=1):
        try:
            posts.append((kind, element, read_embed(kind, element)))
        except Exception as exc:  # one unreadable embed must not lose the page
            warnings.append(f"embed {number} ({kind.name}) could not be read: {type(exc).__name__}: {exc}")
    copies = noscript_copies((element, (post.platform, post.native_id or post.url) if post.native_id or post.url else None)
                             for _, element, post in posts)
    read = []
    for kind, element, post in posts:
        if element not in copies:
            read.append((Embed(post=post, position=len(read) + 1, form=kind.form), element))
    return read


def _outside(elements: list, content) -> list:
    """The elements not inside the content element (nor it), outermost only."""
    inside = set(content.iter())
    chosen = set()
    result = []
    for element in elements:
        if element in inside:
            continue
        if any(ancestor in chosen for ancestor in element.iterancestors()):
            continue
        chosen.add(element)
        result.append(element)
    return result


def _inside_any(element, elements: list) -> bool:
    wanted = set(elements)
    return any(ancestor in wanted for ancestor in element.iterancestors())


def _entry_index(blog, embed_elements: list) -> dict:
    """For each embed element, the index of the HTML live-blog entry holding it."""
    owner = {}
    for index, entry in enumerate(blog.html_entries):
        for element in entry.elements:
            owner[element] = index
    found = {}
    if not owner:
        return found
    for element in embed_elements:
        for candidate in (element, *element.iterancestors()):
            if candidate in owner:
                found[element] = owner[candidate]
                break
    return found


@dataclass(slots=True)
class _Block:
    """A heading, paragraph or list of the article body, in page order."""

    kind: str  # heading, paragraph, list
    text: str = ""
    items: list[str] = field(default_factory=list)
    is_key_points: bool = False  # a list marked as key points by its class


def _blocks(content) -> list[_Block]:
    """The content element's headings, paragraphs and lists in page order, read straight from the lxml tree."""
    blocks: list[_Block] = []
    _collect_lxml_blocks(content, blocks)
    return blocks


def _collect_lxml_blocks(element, blocks: list[_Block]) -> None:
    inline_run: list = [element.text] if element.text else []
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else None
        if tag is None or tag in _INLINE_TAGS:
            if tag is not None:
                inline_run.append(child)
            if child.tail:
                inline_run.append(child.tail)
            continue
        _add_paragraph(run_text(inline_run), blocks)
        inline_run = [child.tail] if child.tail else []
        if tag in _HEADING_TAGS:
            text = run_text([child])
            if text:
                blocks.append(_Block("heading", text=" ".join(text.split())))
        elif tag == "p":
            _add_paragraph(run_text([child]), blocks)
        elif tag in _LIST_TAGS:
            items = child.findall("li") or list(child.iter("li"))
            texts = [text for item in items if (text := " ".join(run_text([item]).split()))]
            if texts:
                is_key_points = bool(_KEY_POINTS_CLASS.search(child.get("class") or ""))
                blocks.append(_Block("list", items=texts, is_key_points=is_key_points))
        else:
            _collect_lxml_blocks(child, blocks)
    _add_paragraph(run_text(inline_run), blocks)


def _add_paragraph(text: str, blocks: list[_Block]) -> None:
    if text and any(char.isalpha() for char in text):  # "1.", "4419915": what is left of a list of embeds, ids
        blocks.append(_Block("paragraph", text=text))


def _fill_body(page: Page, blocks: list[_Block]) -> None:
    """Body text, headings, key points and quotes from the body's blocks."""
    parts, paragraphs = [], []
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            if page.title and block.text.casefold() == page.title.casefold():
                continue
            page.headings.append(block.text)
            parts.append(block.text)
        elif block.kind == "paragraph":
            paragraphs.append(block.text)
            parts.append(block.text)
        else:
            parts.append("\n".join(f"- {item}" for item in block.items))
            previous = blocks[index - 1] if index else None
            # A key-point list follows its heading, or a short paragraph saying the same (BR24: a bold line).
            follows_key_points_heading = (
                previous is not None and previous.kind in ("heading", "paragraph") and len(previous.text) < 120
                and (is_key_points_heading(previous.text) or _KEY_POINTS_LEAD.match(previous.text) is not None)
            )
            if block.is_key_points or follows_key_points_heading:
                for item in block.items:
                    page.key_points.append(UpdateItem(kind="key_point", position=len(page.key_points) + 1, text=item))
    page.body_text = "\n\n".join(parts)
    page.quotes = find_quotes(paragraphs)
