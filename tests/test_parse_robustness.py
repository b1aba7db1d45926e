"""The parser on broken pages: truncated, spliced with junk, blocks duplicated, nested deeply, empty, huge.

It returns a page (with warnings) every time; nothing but a document with no characters at all is an error.
"""
from __future__ import annotations

import gzip
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.model import Document
from pipeline.parse import parse

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
# Small pages of several kinds keep each example fast.
PAGES = {
    name: gzip.decompress((CORPUS / f"{name}.html.gz").read_bytes()).decode("utf-8", "replace")
    for name in (
        "tweet-embed__newspaper__mashable.com2",
        "liveblog__fundus__Express_2024_07_18",
        "tweet-embed__parser__forward.com",
        "liveblog__trafilatura__sports.fr.lorient",
    )
}
# The built page with every embed kind (labelled set), so mutations hit each platform's reader.
PAGES["documented_embed_codes"] = (Path(__file__).parent / "fixtures" / "embed_pages" / "documented_embed_codes.html").read_text(
    encoding="utf-8")
JUNK = st.sampled_from(["\x00\x01\x02", "\ufffd\ufffe", "<div", "</p></div></article>", "<![CDATA[", "<!--",
                        '<script type="application/ld+json">{"@type": "LiveBlogPosting", "liveBlogUpdate": [{,]',
                        "&#0;&#xD800;", "<blockquote class=\"twitter-tweet\"><a href=\"https://x.com/a/status/1\">",
                        "\xff\xfe\xfd" * 50])


@st.composite
def mutated_pages(draw):
    html = PAGES[draw(st.sampled_from(sorted(PAGES)))]
    for _ in range(draw(st.integers(1, 3))):
        operation = draw(st.sampled_from(["truncate", "splice", "duplicate", "nest"]))
        cut = draw(st.integers(0, len(html)))
        if operation == "truncate":
            html = html[:cut]
        elif operation == "splice":
            html = html[:cut] + draw(JUNK) * draw(st.integers(1, 20)) + html[cut:]
        elif operation == "duplicate":
            length = draw(st.integers(1, 20_000))
            html = html[:cut] + html[cut:cut + length] * 2 + html[cut + length:]
        else:
            depth = draw(st.integers(100, 5_000))
            html = html[:cut] + "<div><span>" * depth + "deep" + "</span></div>" * depth + html[cut:]
    return html


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_pages())
def test_mutated_corpus_pages_still_give_a_page(html):
    if not html.strip():
        return
    result = parse(Document(source="mutated.html", content=html, kind="html", url="https://example.com/a"))
    page = result.page
    assert page.source == "mutated.html"
    assert [embed.position for embed in page.embeds] == list(range(1, len(page.embeds) + 1))
    assert [entry.position for entry in page.entries] == list(range(1, len(page.entries) + 1))
    assert all(embed.entry_position is None or 1 <= embed.entry_position <= len(page.entries) for embed in page.embeds)
    ids = [entry.native_id for entry in page.entries if entry.native_id]
    assert len(ids) == len(set(ids))


def test_deep_nesting_huge_page_junk_and_empty_body_give_pages_with_warnings():
    deep = "<html><body><article>" + "<div>" * 20_000 + "<p>deep</p>" + "</div>" * 20_000 + "</article></body></html>"
    result = parse(Document(source="deep.html", content=deep, kind="html"))
    assert "deep" in result.page.body_text and result.warnings
    big = PAGES["liveblog__fundus__Express_2024_07_18"] * 25  # over 5 MB
    assert len(big) > 5_000_000
    assert parse(Document(source="big.html", content=big, kind="html")).page.is_liveblog
    junk = parse(Document(source="junk.html", content="\x00\x01<p>x</p>\x02", kind="html"))
    assert "control characters (binary junk?) removed before parsing" in junk.warnings
    assert parse(Document(source="c.html", content="<!-- nothing -->", kind="html")).warnings
    assert parse(Document(source="e.html", content="<html><body></body></html>", kind="html")).page.body_text == ""


def test_an_entry_id_listed_twice_is_one_entry():
    block = '<div class="live-event-entry" id="7" data-post-time="1722888018921"><h3>Head</h3><p>Same entry.</p></div>'
    page = parse(Document(source="d.html", content=f"<html><body>{block * 3}</body></html>", kind="html")).page
    assert [(entry.native_id, entry.text) for entry in page.entries] == [("7", "Same entry.")]
