"""What a page says about itself besides its text: canonical URL, site name, title, language, authors and times.

`read_metadata` fills those fields of a `Page` from the parsed tree, its `<meta>` tags and JSON-LD; the body-finding
code in `html.py` never needs them. Times: `pipeline/parse/dates.py`; authors: `pipeline/parse/authors.py`.
"""
from __future__ import annotations

import html as html_entities
import re
from dataclasses import dataclass
from datetime import tzinfo
from urllib.parse import urljoin, urlsplit

from pipeline.model import Page
from pipeline.parse import dates
from pipeline.parse.authors import page_authors
from pipeline.parse.structured import item_types, ld_names
from pipeline.urls import canonical_url

# Separators between a headline and a site suffix ("Headline | Site", "제목ㅣ한국일보", "Titel – Site").
_TITLE_SEPARATOR = re.compile(r"\s*(?:\||ㅣ|｜|–|—|·|::|•|»)\s*|\s+-\s+|\s+:\s+")
_TITLE_WORDS = re.compile(r"\w+")
# Elements whose edges separate words in a headline ("<span>Nationale Demo</span><span>Der 9. Juli</span>").
_BLOCK_TAGS = frozenset("address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6"
                        " header hr li main nav ol p section table td th tr ul".split())


@dataclass
class PageFacts:
    """What the page's metadata stages share: its tree, meta tags, JSON-LD and the article's own JSON-LD item."""

    root: object
    meta: dict[str, str]
    json_ld: list[dict]
    article_ld: dict
    ids: dict[str, dict]


def read_metadata(facts: PageFacts, page: Page, url: str | None) -> None:
    """Canonical URL, site, title, authors and language of `page` (times come later: `read_times`)."""
    root, meta, article_ld, ids = facts.root, facts.meta, facts.article_ld, facts.ids
    page.canonical_url = _canonical_url(root, meta, url)
    host = _host(page.canonical_url or url)
    page.site = _site_name(meta, article_ld, ids, host)
    site_names = _site_names(meta, article_ld, ids, host)
    page.title = _title(root, meta, article_ld, site_names)
    page.authors = page_authors(root, meta, article_ld, ids, site_names)
    page.language = _language(root, meta, article_ld)


def read_times(facts: PageFacts, page: Page, content, site_zone: tzinfo | None, warnings: list[str]) -> tzinfo:
    """Published, modified and (live blog) end-of-coverage times, UTC. Zone-less times are read in the page's zone
    (`page_zone`, returned); with no structured time, the date the page shows in an element marked as a date,
    else its URL's date, else the first date in a short text of the page outside its furniture, else htmldate's."""
    root, meta, article_ld, json_ld = facts.root, facts.meta, facts.article_ld, facts.json_ld
    zone = page_zone(facts, site_zone)
    published = [article_ld.get("datePublished"), meta.get("article:published_time"), meta.get("og:published_time"),
                 meta.get("datepublished"), meta.get("pubdate"), meta.get("og:article:published_time"),
                 meta.get("publish-date"), meta.get("item-publish-date"), meta.get("date"),
                 *_microdata_times(root, "datePublished"), *_any_ld(json_ld, "datePublished"), *_time_elements(content)]
    page.published_offset_minutes = dates.stated_offset(published)
    page.published_at = dates.first_time(published, zone, warnings) or dates.shown_date(root, zone) \
        or dates.url_date(page.canonical_url or page.url) or dates.shown_date(root, zone, anywhere=True) \
        or dates.htmldate_day(root, page.canonical_url or page.url)
    page.modified_at = dates.first_time(
        [article_ld.get("dateModified"), meta.get("article:modified_time"), meta.get("og:updated_time"),
         *_microdata_times(root, "dateModified")], zone, warnings
    )
    page.coverage_end_at = dates.first_time(  # a live blog's announced end: discovery stops refetching after it
        [item.get("coverageEndTime") for item in json_ld if "LiveBlogPosting" in item_types(item)][:1], zone, warnings
    )
    return zone


def page_zone(facts: PageFacts, site_zone: tzinfo | None) -> tzinfo:
    """The page's time zone: the first non-UTC offset its own times state, else the site's zone, else UTC."""
    article_ld, meta = facts.article_ld, facts.meta
    values = [article_ld.get("datePublished"), article_ld.get("dateModified"), meta.get("article:published_time"),
              meta.get("article:modified_time"), *_any_ld(facts.json_ld, "datePublished"),
              *_any_ld(facts.json_ld, "dateModified"), *facts.root.xpath("//time/@datetime")[:20]]
    return dates.page_zone(values, site_zone)


def _time_elements(content) -> list[str]:
    """`<time datetime>` values in the article around the content element (or in it)."""
    if content is None:
        return []
    article = next(iter(content.xpath("ancestor-or-self::article[1]")), content)
    return article.xpath(".//time/@datetime")


def _any_ld(json_ld: list[dict], key: str) -> list[str]:
    """The value of `key` on the first JSON-LD item of any type that has one (a WebPage's date, say)."""
    return [item[key] for item in json_ld if isinstance(item.get(key), str)][:1]


def _microdata_times(root, name: str) -> list[str]:
    """The page item's own microdata time (`itemprop=datePublished` outside any live-blog update)."""
    return root.xpath(f"//*[@itemprop='{name}'][not(ancestor::*[@itemprop='liveBlogUpdate'])]/@content")[:1]


def _canonical_url(root, meta: dict[str, str], page_url: str | None) -> str | None:
    links = root.xpath(
        "//link[contains(concat(' ', translate(@rel, 'CANONICAL', 'canonical'), ' '), ' canonical ')]/@href"
    )
    for candidate in [*links, meta.get("og:url"), page_url]:
        if not candidate or not candidate.strip():
            continue
        try:
            url = urljoin(page_url or "", candidate.strip())
            if urlsplit(url).scheme in ("http", "https"):
                return canonical_url(url)
        except ValueError:  # not a URL at all ("http://[broken")
            continue
    return None


def _host(url: str | None) -> str | None:
    """The URL's host without "www.", or None."""
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def _site_name(meta, article_ld, ids, host: str | None) -> str | None:
    if meta.get("og:site_name"):
        return meta["og:site_name"]
    publisher = ld_names(article_ld.get("publisher"), ids)
    if publisher:
        return publisher[0]
    return host


def _site_names(meta, article_ld, ids, host: str | None) -> list[str]:
    """Every name the page gives its site: og:site_name, application-name, the JSON-LD publisher, the host and its
    labels ("n-tv" of n-tv.de)."""
    names = [meta.get("og:site_name"), meta.get("application-name"), *ld_names(article_ld.get("publisher"), ids)]
    if host:  # the host, its first label and the label before its top-level domain ("ypart" of bigdata.ypart.eu)
        labels = host.split(".")
        names += [host, *(label for label in (labels[0], labels[-2] if len(labels) > 1 else "") if len(label) >= 3)]
    return [name for name in dict.fromkeys(names) if name]


def _title(root, meta, article_ld, site_names: list[str]) -> str | None:
    """The headline as the page shows it: the `<h1>` that agrees with the declared titles (og:title, JSON-LD
    headline, `<title>`: at least half its words in one of them), else the first declared title, without its
    " | Site" suffix. Declared titles are often an SEO variant of the visible headline; one with the `<h1>`'s very
    letters in more words is the headline whose parts the markup ran together, and is taken. A declared title loses
    its " | Site" suffix, then a "-Section" suffix naming the page's declared section."""
    headline = article_ld.get("headline")
    headline = headline if isinstance(headline, str) else None
    sections = [meta.get("article:section"), meta.get("content_category"), article_ld.get("articleSection")]
    declared = [
        without_section(without_site_suffix(" ".join(html_entities.unescape(candidate).split()), site_names), sections)
        for candidate in (meta.get("og:title"), headline, root.findtext("head/title"))
        if candidate and candidate.strip()
    ]
    best, best_score = None, 0.0
    for element in root.xpath("//body//h1")[:12]:
        text = heading_text(element)
        words = set(_TITLE_WORDS.findall(text.casefold()))
        if not words or len(text) > 300:
            continue
        for candidate in declared:
            shared = len(words & set(_TITLE_WORDS.findall(candidate.casefold()))) / len(words)
            if shared > best_score:
                best, best_score = text, shared
    if best is not None and best_score >= 0.5:
        best = without_site_suffix(best, site_names)
        # a declared title with the heading's very letters is the headline as the publisher writes it: in more words,
        # the heading's parts ran together ("Nationale DemoDer 9. Juli"); in as many, they were spaced apart around
        # their punctuation ("Kultur : Ehrengast") or the markup dropped some ("Ausschuss zur Ahrtal-Flut Zwei …")
        letters = _letters(best)
        return next((candidate for candidate in declared
                     if _letters(candidate) == letters and _word_count(candidate) >= _word_count(best)), best)
    return declared[0] if declared else None


def _letters(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def _word_count(text: str) -> int:
    return sum(1 for word in text.split() if any(c.isalnum() for c in word))


def heading_text(element) -> str:
    """A heading's text, a space at each block element's edge and between sibling parts that carry their own class
    (a kicker and a headline in two spans), whitespace squeezed."""
    parts: list[str] = []

    def walk(node, separated: bool) -> None:
        if separated:
            parts.append(" ")
        if node.text:
            parts.append(node.text)
        previous_classed = False
        for child in node:
            if isinstance(child.tag, str):
                classed = bool(child.get("class"))
                walk(child, child.tag in _BLOCK_TAGS or (classed and previous_classed))
                previous_classed = classed
                if child.tag in _BLOCK_TAGS:
                    parts.append(" ")
            if child.tail:
                parts.append(child.tail)
                previous_classed = previous_classed and not child.tail.strip()

    try:
        walk(element, False)
    except RecursionError:  # a heading nested deeper than Python recurses: its plain text
        return " ".join(element.text_content().split())
    return " ".join("".join(parts).split())


def without_site_suffix(title: str, site_names: list[str]) -> str:
    """"Headline | Site" -> "Headline": the last part goes when it names the site (after any separator, spaced or
    not: `|`, `ㅣ`, `–`, `—`, `·`, `::`, ` - `), or follows a " | " and is at most four words."""
    matches = list(_TITLE_SEPARATOR.finditer(title))
    if not matches:
        return title
    last = matches[-1]
    head, tail = title[:last.start()].strip(), title[last.end():].strip()
    if not head or not tail:
        return title
    tail_squeezed = "".join(c for c in tail.casefold() if c.isalnum())
    names_site = any(tail_squeezed and tail_squeezed == "".join(c for c in name.casefold() if c.isalnum())
                     for name in site_names)
    if names_site or (last.group().strip() == "|" and " " in last.group() and len(tail.split()) <= 4):
        return head
    return title


def without_section(title: str, sections: list) -> str:
    """"Headline-정치" -> "Headline": a suffix naming the section the page declares (`article:section`,
    `content_category`, JSON-LD `articleSection`) goes with the separator before it, spaced or not."""
    for section in sections:
        section = " ".join(section.split()) if isinstance(section, str) else ""
        if len(section) < 2 or not title.endswith(section):
            continue
        head = title[:-len(section)]
        spaced = head != head.rstrip()
        head = head.rstrip()
        # an unspaced hyphen before a Latin-script word joins a compound ("Corona-Politik", "Ahrtal-Flut"), not a
        # headline and its section; before another script's section ("…-정치") it separates them
        if head and head[-1] == "-" and not spaced and (_latin(section) or len(head[:-1].split()) < 2):
            continue
        if head and head[-1] in "-|–—:·ㅣ｜":
            return head[:-1].strip()
    return title


def _latin(text: str) -> bool:
    """Whether the letters of a text are Latin script (ASCII and the Latin-1, Latin Extended blocks)."""
    return all(ord(c) < 0x250 for c in text if c.isalpha())


def _language(root, meta, article_ld) -> str | None:
    in_language = article_ld.get("inLanguage")
    if isinstance(in_language, dict):
        in_language = in_language.get("alternateName") or in_language.get("name")
    for value in (root.get("lang"), meta.get("og:locale"), in_language, meta.get("content-language"),
                  meta.get("language"), meta.get("dc.language")):
        if isinstance(value, str) and value.strip():
            return value.strip().replace("_", "-")
    return None
