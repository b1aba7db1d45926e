"""Where a page's article is: dialogs and consent layers taken out of the tree, then the element holding the
article's text (`find_content`)."""
from __future__ import annotations

import re
from collections import Counter

import lxml.html

from pipeline.parse.chrome import CHROME_WORDS, chrome_name_words, is_chrome_by_name, readable_text

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


# Layers over the page: dialogs, and consent, cookie and privacy banners (OneTrust, Didomi, Sourcepoint, CMPs).
_LAYER_TAGS = ("div", "section", "aside", "form", "dialog")
_LAYER_NAME = re.compile(r"consent|cookie|onetrust|didomi|sp_message|gdpr|privacy|(?<![a-z])cmp(?![a-z])", re.IGNORECASE)


def drop_layers(root) -> None:
    """Take dialogs (`<dialog>`, `role=dialog`, `aria-modal=true`) and consent, cookie and privacy layers out of the
    tree: they are never the article (a consent dialog's legal text outweighed Reuters' article). One that holds an
    `<article>`, `<main>` or `<h1>` is a page wrapper with an unlucky name, and stays. One pass over the body's boxes."""
    body = root.find("body")
    if body is None:
        return
    layers = []
    for element in body.iter(*_LAYER_TAGS):
        if element.tag == "dialog" or element.get("role") in ("dialog", "alertdialog") \
                or element.get("aria-modal") == "true":
            layers.append(element)
        elif (names := f"{element.get('class') or ''} {element.get('id') or ''}").strip() and _LAYER_NAME.search(names):
            layers.append(element)
    for element in layers:
        if element.getparent() is not None and not element.xpath(".//article | .//main | .//h1"):
            element.drop_tree()


def unmask_main_column(root) -> None:
    """An `<aside>` holding `_MAIN_ASIDE_FACTOR` times the paragraph text of the rest of the page, and not named like
    furniture ("mh-sidebar"), is the page's main column with a sidebar's tag (BHG's slideshows: every slide in
    `aside#rightColumn`, 45 times the text outside it): it becomes a `<div>`, so that the content search and the
    furniture rules read it as any other box. (A short post beside a long sidebar is only a few times shorter.)"""
    body = root.find("body")
    if body is None:
        return
    asides = body.xpath(".//aside[not(ancestor::aside)]")
    if not asides:
        return
    rest = paragraph_chars(body, _OUTSIDE_FURNITURE)
    for aside in asides:
        chars = paragraph_chars(aside, "[not(ancestor::footer or ancestor::nav)]")
        if chars >= _MIN_MAIN_ASIDE_CHARS and chars >= _MAIN_ASIDE_FACTOR * rest and not is_chrome_by_name(aside):
            aside.tag = "div"


_MAIN_ASIDE_FACTOR = 5
_MIN_MAIN_ASIDE_CHARS = 500


def find_content(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The element holding the article's text: one marked as the article body, else <article>, else <main>,
    else the element whose paragraphs hold the most text, else <body>.

    Within a tier the candidate with the most paragraph text wins, if it holds enough of the page's; when others of
    its tag and class share the tier (an article split over several "article__content" boxes), the element around
    them all is the content.
    """
    body = root.find("body")
    if body is None:
        return None
    boxes = _comment_and_footer_boxes(root)
    inside_boxes = {element for box in boxes for element in box.iter()}
    page_chars = paragraph_chars(body, _OUTSIDE_FURNITURE) \
        - sum(paragraph_chars(box, _OUTSIDE_FURNITURE) for box in boxes)
    least_chars = max(_MIN_CONTENT_CHARS, _MIN_CONTENT_SHARE * page_chars)
    for tier in _content_candidates(root, inside_boxes):
        candidates = dict.fromkeys(  # nothing in a comment or footer box is the article (comments' "entry-content")
            element.getparent() if element.tag in _PARAGRAPH_TAGS else element for element in tier
            if element not in inside_boxes
        )
        # a candidate's runs of text count (LBC's article is one), the page's are left out of the measure it must meet;
        # its sidebars do not (Vogue's "article-content" held only an aside of teasers)
        chars = {candidate: paragraph_chars(candidate, "[not(ancestor::aside)]", runs=True) for candidate in candidates}
        best = max(chars, key=chars.get, default=None)
        if best is None:
            continue
        parts = [candidate for candidate in chars if candidate.get("class") and candidate.get("class") == best.get("class")
                 and candidate.tag == best.tag]
        if len(parts) > 1 and (whole := common_ancestor(parts)) is not None and whole.tag not in ("body", "html") \
                and not is_chrome_by_name(whole):  # no list of comments
            best, chars[best] = whole, sum(chars[part] for part in parts)  # one article in sibling containers
        if chars[best] >= least_chars:
            return best
    return body


def _content_candidates(root, inside_boxes: set):
    """Lists of candidate content elements, best kind first: marked as the article body, <article>, <main>.
    `<article>`s of one class named like furniture ("post_teaser") are a list of other stories, not candidates."""
    yield _content_class_elements(root)
    articles = root.xpath("//article")
    classes = Counter(article.get("class") for article in articles)
    yield [article for article in articles if classes[article.get("class")] < 2 or not is_chrome_by_name(article)]
    yield root.xpath("//main | //*[@role='main']")
    yield _densest_paragraph_parents(root, inside_boxes)


def _content_class_elements(root) -> list:
    """Elements marked as the article body (`is_content_marked`)."""
    return [element for element in root.xpath("//*[@class or @itemprop or @data-testid]")  # XPath class tests are slower
            if is_content_marked(element)]


def is_content_marked(element) -> bool:
    """Marked as the article body: `itemprop="articleBody"`, `data-testid="ArticleBody"`, or a class in
    `_CONTENT_CLASSES`, also as the stem of a CSS-module class (`article-body__content__17Yit`)."""
    return element.get("itemprop") == "articleBody" \
        or (element.get("data-testid") or "").lower() == "articlebody" \
        or any(name in _CONTENT_CLASSES or name.split("__", 1)[0] in _CONTENT_CLASSES
               for name in (element.get("class") or "").split())


def _densest_paragraph_parents(root, inside_boxes: set) -> list:
    """The elements whose paragraphs (counted fully for their parent, half for its parent) hold the most text.

    Paragraphs inside blockquotes (an embedded post), footers, navigation and sidebars, and those in comment and
    footer boxes (`inside_boxes`), are left out.
    """
    scores: dict = {}
    outside = "[not(ancestor::blockquote or ancestor::footer or ancestor::nav or ancestor::aside)]"
    paragraphs = [(len(paragraph.text_content()), paragraph.getparent())
                  for paragraph in root.xpath(f"//body//p{outside}")]
    paragraphs += [(_run_chars(div), div) for div in root.xpath(f"//body//div{outside}{_HAS_RUN}")]
    for chars, parent in paragraphs:
        if parent in inside_boxes:
            continue
        scores[parent] = scores.get(parent, 0) + chars
        grandparent = parent.getparent()
        if grandparent is not None:
            scores[grandparent] = scores.get(grandparent, 0) + chars / 2
    best = max(scores, key=scores.get, default=None)
    if best is None:
        return []
    # an article in sibling boxes of one class (Quanta's "post__content" sections): the others that hold a fair share
    # of its text are candidates too (not a fact box of a few lines)
    siblings = [element for element in scores if element is not best and element.tag == best.tag
                and best.get("class") and element.get("class") == best.get("class")
                and scores[element] >= _SIBLING_SHARE * scores[best]]
    return [best, *siblings]


# Boxes named for reader comments or the page's footer: their paragraphs are not the article's.
_SECTION_WORDS = frozenset(("comment", "comments", "commentform", "footer", "copyright"))
_NAMED_FOR_SECTIONS = "//body//*[" + " or ".join(
    f"contains(@{attribute}, '{stem}')" for attribute in ("class", "id") for stem in ("omment", "ooter", "opyright")
) + "]"


def _comment_and_footer_boxes(root) -> list:
    """The outermost boxes named for reader comments or the page's footer ("commentsContainer", "comment_content",
    "global-footer-copyright"): their paragraphs are neither the article nor the page's text it is weighed against
    (a long comment outweighed MacRumors' article, a footer's legal text Details' short one). A box that holds the
    page's `<h1>` is a wrapper with an unlucky name."""
    inside: set = set()
    boxes = []
    for box in root.xpath(_NAMED_FOR_SECTIONS):
        if box not in inside and chrome_name_words(box, _SECTION_WORDS) and not box.xpath(".//h1"):
            boxes.append(box)
            inside.update(box.iter())
    return boxes


_SIBLING_SHARE = 0.2


def paragraph_chars(element, condition: str = "", runs: bool = False) -> int:
    """Characters in paragraphs: `<p>`s, the `<div>`s some sites write them as (Reuters: data-testid=paragraph-N) and
    with `runs` long runs of text straight inside a `<div>`, those meeting an XPath `condition` when one is given."""
    chars = sum(len(text) for text in element.xpath(
        f".//p{condition}//text() | .//div[starts-with(@data-testid, 'paragraph')]{condition}//text()"))
    if runs:
        chars += sum(_run_chars(div) for div in element.xpath(f"descendant-or-self::div{condition}{_HAS_RUN}"))
    return chars


# A run of text this long straight inside a `<div>` (lines split by `<br>`, no `<p>`: LBC, MacRumors) is a paragraph
# too, and so is the rest of that `<div>`'s inline text: its links and emphasis, and its shorter runs.
_TEXT_RUN_CHARS = 150
_HAS_RUN = f"[text()[string-length(normalize-space(.)) > {_TEXT_RUN_CHARS}]]"
_INLINE_TAGS = frozenset("a abbr b cite em i q small span strong sub sup u".split())


def header_lead(content, entries=()) -> list[str]:
    """The lead written in the article's `<header>`: its paragraphs and runs of text straight in a `<div>` of
    `_LEAD_CHARS` or more (a standfirst, Vogue's gallery lead after the date), outside figures, bylines and other
    furniture. Headers of live-blog entries, and of other stories' cards (a header inside a list item or a nested
    `<article>`) are not the article's, nor, when the content is the whole `<body>`, a header without the `<h1>` (the
    site's masthead)."""
    texts = []
    whole_page = content.tag in ("body", "html")  # no article found: a header without the title is the site's
    for header in content.iter("header"):
        if _in_other_box(header, content, entries) or (whole_page and header.find(".//h1") is None):
            continue
        for element in header.xpath(f".//p | .//div{_HAS_RUN}"):
            if _in_other_box(element, header, ()) or is_chrome_by_name(element):
                continue
            if element.tag == "p":
                text = " ".join(element.text_content().split())
            else:
                text = " ".join(" ".join(element.xpath("text()")).split())
            if len(text) >= _LEAD_CHARS:
                texts.append(text)
    return texts


_LEAD_CHARS = 80
# Words naming an article's lead in a class or id ("article__intro", "story-lead-text", "chapo", "texto-bajada",
# "DefaultEinleitung"), and words that make such a box a picture's or a headline's instead: a "dek" or "standfirst"
# is a display line under the headline, not the opening paragraph (Scrapinghub's labels leave them out; Slate's
# "articleDek dekSummary", The Economist's "standfirst").
_LEAD_WORDS = frozenset("lead intro introduction summary excerpt chapo teaser bajada einleitung vorspann abstract"
                        .split())
_NOT_LEAD_WORDS = frozenset("dek standfirst art image img photo picture media video".split())
_MAX_LEAD_CHARS = 1500


def outside_lead(content) -> list[str]:
    """The lead a page writes before its article body, outside the content element but in the same `<article>` or
    `<main>` (else the content's grandparent): the innermost boxes named for a lead (`_LEAD_WORDS`, not for a
    picture) holding `_LEAD_CHARS` to `_MAX_LEAD_CHARS` characters of readable text, not mostly links, no `<h1>`
    (a header with the title is no lead), outside cards, figures and furniture. Zeit's "summary" in its
    "article__intro", gofeminin's "chapo", Energiezukunft's "DefaultEinleitung"."""
    scope = next((a for a in content.iterancestors() if a.tag in ("article", "main")), None)
    if scope is None:
        parent = content.getparent()
        scope = parent.getparent() if parent is not None else None
    if scope is None or scope.tag in ("body", "html"):
        return []
    found = []
    around = set(content.iterancestors())
    for element in scope.iter():
        if element is content:
            break
        if not isinstance(element.tag, str) or element in around or element.tag in _NOT_LEAD_TAGS \
                or not chrome_name_words(element, _LEAD_WORDS) or chrome_name_words(element, _NOT_LEAD_WORDS) \
                or chrome_name_words(element) - _LEAD_WORDS or element.find(".//h1") is not None \
                or _in_other_box(element, scope, ()):
            continue
        text = " ".join(readable_text([element], words=CHROME_WORDS).split())
        links = sum(len(" ".join(a.text_content().split())) for a in element.iter("a"))
        if _LEAD_CHARS <= len(text) <= _MAX_LEAD_CHARS and links * 2 < len(text):
            found.append((element, text))
    # the innermost: Zeit's "article__intro" holds the "summary" and the byline
    inner = {ancestor for element, _ in found for ancestor in element.iterancestors()}
    return [text for element, text in found if element not in inner]
_NOT_LEAD_TAGS = frozenset("article li aside nav footer figure figcaption form blockquote".split())


def _in_other_box(element, top, entries) -> bool:
    """Whether an element is inside a box below `top` that is not the article's own: a card, list item, figure,
    furniture named so, or a live-blog entry."""
    for ancestor in element.iterancestors():
        if ancestor is top:
            return False
        if ancestor.tag in _NOT_LEAD_TAGS or ancestor in entries or is_chrome_by_name(ancestor):
            return True
    return False


def _run_chars(div) -> int:
    """Characters of a `<div>`'s own lines of text: its text runs and its inline elements'."""
    texts = [*div.xpath("text()"), *(child.text_content() for child in div if child.tag in _INLINE_TAGS)]
    return sum(len(" ".join(text.split())) for text in texts)


# The page's text an article is weighed against leaves out its footer, navigation and sidebars (Yomiuri's footer
# lists outweighed its article).
_OUTSIDE_FURNITURE = "[not(ancestor::footer or ancestor::nav or ancestor::aside)]"


def common_ancestor(elements: list):
    """The innermost element holding all the elements (None when they share none)."""
    if not elements:
        return None
    shared = [elements[0], *elements[0].iterancestors()]
    for element in elements[1:]:
        lineage = {element, *element.iterancestors()}
        shared = [candidate for candidate in shared if candidate in lineage]
    return shared[0] if shared else None
