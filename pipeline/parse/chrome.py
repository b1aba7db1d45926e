"""What is never article text: page-furniture tags and class/id words, and lxml text that leaves them out."""
from __future__ import annotations

import re

from pipeline.keys import clean_text

CHROME_TAGS = frozenset(
    "aside audio button canvas embed figcaption figure footer form header iframe input link meta nav noscript"
    " object script select style svg template textarea video".split()
)
# Words in a class or id that mark page furniture (class "share-buttons" -> words "share", "buttons").
CHROME_WORDS = frozenset(
    "ad ads advert advertisement adsbygoogle bio breadcrumb breadcrumbs byline caption comment comments cookie"
    " copyright credit gallery lightbox meta modal newsletter popup promo related relatedposts recommended"
    " respond share sharedaddy sharing sidebar signup slideshow social sponsor sponsored subscribe subscription"
    " tags card cards embed inset internallink pie promos outbrain taboola whatsapp carousel slide slides author authors actions btn tip tooltip ttp cred loading correction corrections footer player pagination pager shariff notify navnotify notification notifications"
    " button enlarge teaser teasers".split()
)
# An invisible hyphenation hint ("Mit\xadtel\xadal\xadter"): not part of the words it splits.
SOFT_HYPHEN = "\xad"
_WORD_SEPARATORS = re.compile(r"[\s_-]+")
BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt figure footer h1 h2 h3 h4 h5 h6 header li main nav ol p pre"
    " section table tr ul br".split()
)
_SPACE = re.compile(r"\s+")


# Inside a live-blog entry fewer words mark furniture: "comment" and "meta" name the entry's own parts there.
ENTRY_CHROME_WORDS = frozenset(
    "ad ads advert advertisement adsbygoogle caption credit newsletter promo related share sharing"
    " social sponsor sponsored subscribe subscription".split()
)


# The label an ad slot prints over itself, alone in its element: BBC's in-story slot (whose unclosed markup wraps
# the rest of the story, so it cannot go by its class), The New York Times, The Washington Post, la Repubblica.
_AD_LABEL = re.compile(r"^\s*(?:advertisement|advertising|pubblicità)\s*$", re.IGNORECASE)


def is_ad_label(element) -> bool:
    """An element with no children whose whole text is an ad slot's label ("Advertisement")."""
    return len(element) == 0 and bool(element.text) and bool(_AD_LABEL.match(element.text))


# A lead-in to other stories ("Lesen Sie auch", "Les også:"), in the languages of our sources: what follows it, in
# the same short box, is a teaser of another article.
RELATED_LEADS_CLOSED = (
    r"(?:see also|related(?: articles?| stories| coverage)?|read more|read also|also read|more on this(?: story)?"
    r"|don'?t miss|more|you (?:may|might) also like|lesen sie auch|lesen sie mehr|mehr zum thema|auch interessant"
    r"|das könnte (?:sie|dich) auch interessieren|das könnte dich interessieren|(?:zum )?weiterlesen|viel gelesen"
    r"|empfehlungen aus der redaktion|les også|se også|läs också|læs også|lees ook|lue myös"
    r"|czytaj (?:też|także)|leia também|lee también|leer más|lire aussi|à lire aussi|leggi anche|da non perdere"
    r"|también te puede interesar|temas relacionados|notas relacionadas|articles similaires|sur le même sujet"
    r"|mehr interessantes|(?:meist|viel) gelesen(?: in [\w ]{1,30})?|ähnliche (?:beiträge|artikel|themen|nachrichten)"
    r"|weitere (?:artikel|beiträge|meldungen|nachrichten|news|pressemitteilungen)(?: [\w ]{1,40})?"
    r"|entdecke weitere [\w-]+"
    r"|related (?:posts|tutorials|content|news|links|reading)|explore further"
    r"|zobacz (?:również|też|także)|schlagw(?:orte|örter)|stichw(?:orte|örter)|tags|keywords)"
)
# Lead-ins ending in words of the page's own ("Mehr aus Thüringen", "More from The Telegraph"): such words also make a
# heading of the article's own ("Noch mehr Arbeit und Weltklassestadien" on the trafilatura set's
# biathlonword.com-chinesisch), so these count only with links to other stories after them (`_teaser_boxes`).
RELATED_LEADS_FREE = (
    r"(?:mehr (?:aus|zum|zur|von) [\w ]{1,30}|noch mehr [\w ]{1,30}|more from [\w ]{1,30})"
)
RELATED_LEADS = f"(?:{RELATED_LEADS_CLOSED}|{RELATED_LEADS_FREE})"
RELATED_LEAD = re.compile(r"^[\s\ufeff]*" + RELATED_LEADS + r"[\s\ufeff]*[:.]?[\s\ufeff]*$", re.IGNORECASE)
RELATED_LEAD_CLOSED = re.compile(r"^[\s\ufeff]*" + RELATED_LEADS_CLOSED + r"[\s\ufeff]*[:.]?[\s\ufeff]*$",
                                 re.IGNORECASE)
# The label a control prints for screen readers, alone in its element ("Video starten, abbrechen mit Escape", an
# expandable box's "Box aufklappen" / "Box zuklappen").
CONTROL_LABEL = re.compile(
    r"^\s*(?:(?:video|audio) (?:starten|abspielen)(?:, abbrechen mit escape)?|abbrechen mit escape|[\w-]*box (?:auf|zu)klappen"
    r"|play video|close|schließen|lukk|fermer|cerrar|chiudi|sluiten|zamknij"
    # prompts to share or rate the page: "Diesen Artikel teilen", "War der Artikel nützlich?", "Valora esta noticia"
    r"|(?:(?:möchten sie )?(?:diesen|den|die|diese) )?(?:artikel|beitrag|news|seite) (?:teilen|bewerten)\s*[:?]?"
    r"|war (?:der|dieser) (?:artikel|beitrag) (?:nützlich|hilfreich)\s*\??|dieser artikel gefällt ihnen\s*\??"
    r"|valora esta noticia|share (?:this|the) (?:article|story|page|post)\s*:?|was this (?:article|page) helpful\s*\?"
    r"|rate this (?:article|post)"
    # links back to a list, and a comment form's call: "Zurück zur Übersicht", "Back to news", "Schreibe einen Kommentar"
    r"|zurück(?: zu[rm]?)?(?: \w+)? (?:übersicht|listenansicht|startseite|newsroom|liste|suche|news|home(?:page)?)"
    r"|back to (?:the )?(?:top|list|overview|news|home(?:page)?|search results)"
    r"|(?:schreibe|hinterlasse)(?: jetzt)? einen kommentar|kommentieren|kommentar schreiben|leave a (?:comment|reply))\s*$",
    re.IGNORECASE,
)

_NAME_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def is_chrome_by_name(element, words: frozenset = CHROME_WORDS) -> bool:
    """Whether a class, id or test id names furniture; camelCase counts as words ("PagePromo", "newsCaption")."""
    return bool(chrome_name_words(element, words))


def chrome_name_words(element, words: frozenset = CHROME_WORDS) -> frozenset:
    """The furniture words among the words of an element's class, id and test id."""
    names = f"{element.get('class', '')} {element.get('id', '')} {element.get('data-testid', '')}"
    if not names.strip():
        return frozenset()
    return frozenset(word.lower() for word in _NAME_WORD.findall(names) if word.lower() in words)


def readable_text(elements, skip=frozenset(), words: frozenset = ENTRY_CHROME_WORDS) -> str:
    """Text of lxml elements as stored, blocks on their own lines; chrome, `skip` elements and their subtrees left
    out (their tails kept). Iterative, so deeply nested markup cannot exhaust Python's stack."""
    parts: list[str] = []
    for top in elements:
        stack = [(top, False)]
        while stack:
            element, closing = stack.pop()
            tag = element.tag if isinstance(element.tag, str) else None
            if closing:
                if tag in BLOCK_TAGS:
                    parts.append("\n")
                if element is not top and element.tail:
                    parts.append(_SPACE.sub(" ", element.tail))
                continue
            if tag is None or element in skip or (element is not top and (
                    tag in CHROME_TAGS or element.get("hidden") is not None or is_chrome_by_name(element, words))):
                if element is not top and element.tail:
                    parts.append(_SPACE.sub(" ", element.tail))
                continue
            if tag in BLOCK_TAGS:
                parts.append("\n")
            if element.text:
                parts.append(_SPACE.sub(" ", element.text))
            stack.append((element, True))
            stack.extend((child, False) for child in reversed(element))
    return clean_text("".join(parts).replace(SOFT_HYPHEN, ""))


_TEXT_BLOCK_TAGS = BLOCK_TAGS - {"br"}


def run_text(nodes) -> str:
    """Text of a run of lxml nodes (elements, and strings for the text between them) read as inline content, as
    stored (`clean_text`): `<br>` and block elements break lines. Iterative: deep nesting cannot exhaust the stack."""
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            parts.append(_SPACE.sub(" ", node))
            continue
        stack = [(node, False)]
        while stack:
            element, closing = stack.pop()
            if closing:
                if element.tag in _TEXT_BLOCK_TAGS:
                    parts.append("\n")
                if element is not node and element.tail:
                    parts.append(_SPACE.sub(" ", element.tail))
                continue
            if not isinstance(element.tag, str):  # a comment or processing instruction: only its tail is text
                if element is not node and element.tail:
                    parts.append(_SPACE.sub(" ", element.tail))
                continue
            if element.tag == "br":
                parts.append("\n")
                if element is not node and element.tail:
                    parts.append(_SPACE.sub(" ", element.tail))
                continue
            if element.tag in _TEXT_BLOCK_TAGS:
                parts.append("\n")
            if element.text:
                parts.append(_SPACE.sub(" ", element.text))
            stack.append((element, True))
            stack.extend((child, False) for child in reversed(element))
    return clean_text("".join(parts).replace(SOFT_HYPHEN, ""))
