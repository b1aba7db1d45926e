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
from pipeline.parse.chrome import (CHROME_TAGS, CHROME_WORDS, CONTROL_LABEL, ENTRY_CHROME_WORDS, RELATED_LEAD,
                                   RELATED_LEADS, chrome_name_words, is_ad_label, is_chrome_by_name, readable_text,
                                   run_text)
from pipeline.parse.language import guess_language
from pipeline.parse.liveblog import find_live_blog, finish_entries
from pipeline.parse.liveblog import make_clock
from pipeline.parse.metadata import PageFacts, read_metadata, read_times
from pipeline.parse.quotes import find_quotes
from pipeline.parse.text import is_key_points_heading
from pipeline.parse.structured import article_item, read_json_ld, read_meta_tags

# Classes of the element that holds an article's text (`itemprop="articleBody"` counts too).
_CONTENT_CLASSES = frozenset(
    "entry-content article-body article__body articleBody article-content article__content story-body"
    " story-content post-content post-body body-text article-text content-body td-post-content c-entry-content"
    .split()
)
# A candidate with less paragraph text than this, or than this share of the page's, is a teaser, not the article.
_MIN_CONTENT_CHARS = 80
_MIN_CONTENT_SHARE = 0.3
# When the content class sits on each paragraph (`<p class="article-text">`), their parent is the content.
_PARAGRAPH_TAGS = frozenset("p h1 h2 h3 h4 h5 h6 li".split())


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
    _drop_layers(root)
    meta = read_meta_tags(root)
    json_ld = read_json_ld(root, warnings)
    article_ld = article_item(json_ld)
    ids = {item["@id"]: item for item in json_ld if isinstance(item.get("@id"), str)}
    facts = PageFacts(root=root, meta=meta, json_ld=json_ld, article_ld=article_ld, ids=ids)
    read_metadata(facts, page, document.url)

    content = _find_content(root)
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
        article_chars = _paragraph_chars(content)  # before furniture goes: what the article element holds
        _remove_chrome(content, entries)
        blocks = _blocks(content)
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


# Layers over the page: dialogs, and consent, cookie and privacy banners (OneTrust, Didomi, Sourcepoint, CMPs).
_LAYERS = ("//body//*[@role='dialog' or @role='alertdialog' or @aria-modal='true'"
           " or contains(@id, 'onetrust') or contains(@id, 'didomi') or contains(@id, 'sp_message')]")
_LAYER_NAME = re.compile(r"consent|cookie|onetrust|didomi|gdpr|privacy|(?<![a-z])cmp(?![a-z])", re.IGNORECASE)


def _drop_layers(root) -> None:
    """Take dialogs and consent, cookie and privacy layers out of the tree: they are never the article (a consent
    dialog's legal text outweighed Reuters' article). One that holds an `<article>`, `<main>` or `<h1>` is a page
    wrapper with an unlucky name, and stays."""
    layers = root.xpath(_LAYERS)
    layers += [element for element in root.xpath("//body//*[@class or @id]")
               if element.tag in ("div", "section", "aside", "form", "dialog")
               and _LAYER_NAME.search(f"{element.get('class', '')} {element.get('id', '')}")]
    layers += root.xpath("//body//dialog")
    for element in layers:
        if element.getparent() is not None and not element.xpath(".//article | .//main | .//h1"):
            element.drop_tree()


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
    if outside and (stream := _common_ancestor(outside)) is not None and stream.tag not in ("body", "html") \
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


# --- content ----------------------------------------------------------------------------------------------


def _find_content(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The element holding the article's text: one marked as the article body, else <article>, else <main>,
    else the element whose paragraphs hold the most text, else <body>.

    Within a tier the candidate with the most paragraph text wins, if it holds enough of the page's; when others of
    its tag and class share the tier (an article split over several "article__content" boxes), the element around
    them all is the content.
    """
    body = root.find("body")
    if body is None:
        return None
    least_chars = max(_MIN_CONTENT_CHARS, _MIN_CONTENT_SHARE * _paragraph_chars(body, _OUTSIDE_FURNITURE))
    for tier in _content_candidates(root):
        candidates = dict.fromkeys(
            element.getparent() if element.tag in _PARAGRAPH_TAGS else element for element in tier
        )
        # a candidate's runs of text count (LBC's article is one), the page's are left out of the measure it must meet
        chars = {candidate: _paragraph_chars(candidate, runs=True) for candidate in candidates}
        best = max(chars, key=chars.get, default=None)
        if best is None:
            continue
        parts = [candidate for candidate in chars if candidate.get("class") and candidate.get("class") == best.get("class")
                 and candidate.tag == best.tag]
        if len(parts) > 1 and (whole := _common_ancestor(parts)) is not None and whole.tag not in ("body", "html") \
                and chars[best] < least_chars and not is_chrome_by_name(whole):  # no list of comments
            best, chars[best] = whole, sum(chars[part] for part in parts)  # one article in sibling containers
        if chars[best] >= least_chars:
            return best
    return body


def _content_candidates(root):
    """Lists of candidate content elements, best kind first: marked as the article body, <article>, <main>."""
    yield _content_class_elements(root)
    yield root.xpath("//article")
    yield root.xpath("//main | //*[@role='main']")
    yield _densest_paragraph_parents(root)


def _content_class_elements(root) -> list:
    """Elements marked as the article body (`_is_content_marked`)."""
    return [element for element in root.xpath("//*[@class or @itemprop or @data-testid]")  # XPath class tests are slower
            if _is_content_marked(element)]


def _is_content_marked(element) -> bool:
    """Marked as the article body: `itemprop="articleBody"`, `data-testid="ArticleBody"`, or a class in
    `_CONTENT_CLASSES`, also as the stem of a CSS-module class (`article-body__content__17Yit`)."""
    return element.get("itemprop") == "articleBody" \
        or (element.get("data-testid") or "").lower() == "articlebody" \
        or any(name in _CONTENT_CLASSES or name.split("__", 1)[0] in _CONTENT_CLASSES
               for name in (element.get("class") or "").split())


def _densest_paragraph_parents(root) -> list:
    """The elements whose paragraphs (counted fully for their parent, half for its parent) hold the most text.

    Paragraphs inside blockquotes (an embedded post), footers, navigation and sidebars are left out.
    """
    scores: dict = {}
    outside = "[not(ancestor::blockquote or ancestor::footer or ancestor::nav or ancestor::aside)]"
    paragraphs = [(len(paragraph.text_content()), paragraph.getparent())
                  for paragraph in root.xpath(f"//body//p{outside}")]
    paragraphs += [(len(run), run.getparent())
                   for run in root.xpath(f"//body//div{outside}/text()[string-length(.) > {_TEXT_RUN_CHARS}]")]
    for chars, parent in paragraphs:
        scores[parent] = scores.get(parent, 0) + chars
        grandparent = parent.getparent()
        if grandparent is not None:
            scores[grandparent] = scores.get(grandparent, 0) + chars / 2
    best = max(scores, key=scores.get, default=None)
    return [best] if best is not None else []


def _paragraph_chars(element, condition: str = "", runs: bool = False) -> int:
    """Characters in paragraphs: `<p>`s, the `<div>`s some sites write them as (Reuters: data-testid=paragraph-N) and
    with `runs` long runs of text straight inside a `<div>`, those meeting an XPath `condition` when one is given."""
    run_path = f" | .//div{condition}/text()[string-length(.) > {_TEXT_RUN_CHARS}]" if runs else ""
    return sum(len(text) for text in element.xpath(
        f".//p{condition}//text() | .//div[starts-with(@data-testid, 'paragraph')]{condition}//text(){run_path}"))


# A run of text this long straight inside a `<div>` (lines split by `<br>`, no `<p>`: LBC) is a paragraph too.
_TEXT_RUN_CHARS = 150


# The page's text an article is weighed against leaves out its footer, navigation and sidebars (Yomiuri's footer
# lists outweighed its article).
_OUTSIDE_FURNITURE = "[not(ancestor::footer or ancestor::nav or ancestor::aside)]"


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


def _common_ancestor(elements: list):
    """The innermost element holding all the elements (None when they share none)."""
    if not elements:
        return None
    shared = [elements[0], *elements[0].iterancestors()]
    for element in elements[1:]:
        lineage = {element, *element.iterancestors()}
        shared = [candidate for candidate in shared if candidate in lineage]
    return shared[0] if shared else None


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


def _remove_chrome(content, entries: list = ()) -> None:
    """Drop navigation, share and newsletter boxes, related links, comments, captions and scripts.

    An element named like furniture ("js-ad-section", "sidebar-grid") that holds most of the content's text is the
    article's own wrapper with an unlucky class, and stays; so do siblings of one class that together hold most of
    it (a slideshow's slides), and inside them the words of their names no longer mark furniture. Live-blog entries,
    elements marked as the article's text (`_is_content_marked`) and the elements around them stay; inside an entry
    only the entry's own furniture words count ("live-match-comment" is no reader comment)."""
    keep = set(entries)
    for element in content.iterdescendants():
        if isinstance(element.tag, str) and _is_content_marked(element):
            keep.add(element)
    for element in list(keep):
        keep.update(element.iterancestors())
    inside_entries = {node for element in entries for node in element.iterdescendants()}
    _rejoin_drop_caps(content)
    total = len(content.text_content())
    group_chars: dict = {}
    chrome = []
    stack = [(child, frozenset()) for child in reversed(content)]
    while stack:
        element, allowed = stack.pop()
        if not isinstance(element.tag, str):
            continue
        hidden = element.get("hidden") is not None and not _is_gated_text(element)
        if element.tag in CHROME_TAGS or hidden or _is_link_only_paragraph(element) \
                or _is_link_list(element) or (element not in keep and _is_link_block(element)) or is_ad_label(element) \
                or (element not in keep and _is_teaser_box(element)) or _is_control_label(element):
            chrome.append(element)
            continue
        if element not in keep:
            named = chrome_name_words(element, ENTRY_CHROME_WORDS if element in inside_entries else CHROME_WORDS)
            named -= allowed
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


_TEASER_BOX_CHARS = 300


def _is_teaser_box(element) -> bool:
    """A short box that starts with a lead-in to other stories ("Lesen Sie auch", "Les også"): the lead-in alone, or
    the box around it and its teasers (the largest one of at most `_TEASER_BOX_CHARS` characters)."""
    text = element.text_content()
    if len(text) > _TEASER_BOX_CHARS:
        return False
    first = next((node for node in element.iter() if isinstance(node.tag, str) and (node.text or "").strip()), None)
    if first is None or not RELATED_LEAD.match(first.text) or first.text_content().strip() != first.text.strip():
        return False
    parent = element.getparent()  # the largest such box: its parent would be too long, or start otherwise
    return parent is None or len(parent.text_content()) > _TEASER_BOX_CHARS \
        or not " ".join(parent.text_content().split()).startswith(" ".join(text.split()))


def _is_control_label(element) -> bool:
    """An element whose whole text is a control's label for screen readers ("Box aufklappen")."""
    text = element.text_content()
    return len(text) < 60 and bool(CONTROL_LABEL.match(text))


# A drop cap: the first letter of a paragraph in an element of its own ("initial-letter", "dropcap").
_DROP_CAP = re.compile(r"initial|drop-?cap|first-?letter", re.IGNORECASE)


def _rejoin_drop_caps(content) -> None:
    """"N a endlich!" -> "Na endlich!": the space after a drop cap's element goes (taz)."""
    for element in content.xpath(".//*[string-length(normalize-space(.)) = 1][@class]"):
        if not _DROP_CAP.search(element.get("class")) or not element.text_content().strip().isalpha():
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
