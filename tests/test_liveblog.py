"""Live blogs: timestamps, JSON-LD as pages really write it, merging JSON-LD with the HTML, pinned copies, key
events, the generic fallback. Real pages are checked by the labelled set (tests/test_labelled_set.py); these are
the rules on small pages written here."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

from pipeline.keys import post_id
from pipeline.model import Document
from pipeline.parse import parse
from pipeline.parse.liveblog.times import PageClock, read_time
from tests.labelled import document, load_labels

CEST = timezone(timedelta(hours=2))
URL = "https://news.example/live/storm"


def _page(head: str = "", body: str = ""):
    html = f"<html lang='en'><head><title>Storm live</title>{head}</head><body>{body}</body></html>"
    return parse(Document(source="t.html", content=html, kind="html", url=URL))


def _ld(data) -> str:
    return f'<script type="application/ld+json">{data if isinstance(data, str) else json.dumps(data)}</script>'


def test_timestamps_iso_epoch_seconds_milliseconds_and_local_clock_times():
    utc = timezone.utc
    clock = PageClock(zone=CEST, day=date(2024, 8, 27), latest=datetime(2024, 8, 27, 10, 32, tzinfo=utc))
    assert read_time("2024-08-05T21:00:18.921+01:00") == datetime(2024, 8, 5, 20, 0, 18, 921000, tzinfo=utc)
    assert read_time("2024-08-05T20:00:18Z") == datetime(2024, 8, 5, 20, 0, 18, tzinfo=utc)
    assert read_time("2024-07-18T11:48", clock) == datetime(2024, 7, 18, 9, 48, tzinfo=utc)  # no offset: page zone
    assert read_time("1721299680") == datetime(2024, 7, 18, 10, 48, tzinfo=utc)  # epoch seconds (Express)
    assert read_time(1722888018921) == datetime(2024, 8, 5, 20, 0, 18, 921000, tzinfo=utc)  # epoch ms (Mirror)
    assert read_time("12.31 Uhr", clock) == datetime(2024, 8, 27, 10, 31, tzinfo=utc)  # BR24, CEST
    assert read_time("23:50", clock) == datetime(2024, 8, 26, 21, 50, tzinfo=utc)  # later than the page: day before
    assert read_time("yesterday", clock) is None and read_time("12:31") is None  # no day known


def test_json_ld_as_pages_write_it_trailing_commas_entities_comments_graph_and_several_scripts():
    blog = (
        '{"@context": "https://schema.org", // the page\'s own comment\n'
        ' "@graph": [{"@type": "WebPage", "url": "' + URL + '"},'
        ' {"@type": "LiveBlogPosting", "headline": "Storm live", "liveBlogUpdate": ['
        '  {"@type": "BlogPosting", "url": "' + URL + '#e2", "headline": "Ferries &amp; ports shut",'
        '   "datePublished": "2024-12-19T10:05:00+01:00", "articleBody": "&quot;All sailings&quot; are off.",},'
        '  {"@type": "BlogPosting", "url": "' + URL + '#e1", "headline": "Storm arrives",'
        '   "datePublished": 1734598800000, "articleBody": "Wind first."},'
        ' ],},]}'
    )
    result = _page(head=_ld({"@type": "Organization", "name": "News"}) + _ld(blog) + _ld('{"broken": '))
    page = result.page
    assert page.is_liveblog
    assert [(e.native_id, e.headline, e.text) for e in page.entries] == [
        ("e2", "Ferries & ports shut", '"All sailings" are off.'),
        ("e1", "Storm arrives", "Wind first."),
    ]
    assert page.entries[0].published_at == datetime(2024, 12, 19, 9, 5, tzinfo=timezone.utc)
    assert page.entries[0].url == f"{URL}#e2"
    assert any(w.startswith("JSON-LD script 3 could not be read") for w in result.warnings)


def test_json_ld_entries_merge_with_html_entries_on_the_url_fragment_and_html_keeps_the_embeds():
    updates = [
        {"@type": "BlogPosting", "url": f"{URL}#{n}", "headline": f"Update {n}",
         "datePublished": f"2024-12-19T1{n}:00:00Z", "articleBody": f"Text of update {n}."}
        for n in (3, 2, 1)
    ]
    body = (
        '<div class="live-event-entries">'
        '<div class="live-event-entry" id="3" data-type="key-event" data-post-time="1734620400000">'
        '<div class="entry-info"><time>16:00</time><mark>KEY EVENT</mark></div>'
        '<div class="entry-content"><h3>Update 3</h3><p>Text of update 3, as the page shows it.</p>'
        '<blockquote class="twitter-tweet"><p lang="en">Tweet words</p>&mdash; Port (@port) '
        '<a href="https://twitter.com/port/status/1869731234567890123">December 19, 2024</a></blockquote></div></div>'
        '<div class="live-event-entry" id="9" data-post-time="1734616800000">'
        '<div class="entry-info"><time>15:00</time><mark>Ann Reporter</mark></div>'
        '<div class="entry-content"><h3>Only in the HTML</h3><p>A new update.</p></div></div>'
        '<div class="live-event-entry" id="8" data-post-time="1734616700000">'
        '<div class="entry-content"><h3>Also only in the HTML</h3><p>Another one.</p></div></div>'
        "</div>"
    )
    page = _page(head=_ld({"@type": "LiveBlogPosting", "liveBlogUpdate": updates}), body=body).page
    assert [(e.position, e.native_id) for e in page.entries] == [(1, "3"), (2, "9"), (3, "8"), (4, "2"), (5, "1")]
    first = page.entries[0]
    assert (first.text, first.is_key_event) == ("Text of update 3, as the page shows it.", True)  # no tweet text
    assert first.published_at == datetime(2024, 12, 19, 13, 0, tzinfo=timezone.utc)  # JSON-LD's time is trusted
    assert page.entries[1].author == "Ann Reporter"
    assert [(post_id(e.post), e.entry_position) for e in page.embeds] == [("x:1869731234567890123", 1)]


def test_a_pinned_copy_without_id_flags_the_real_entry_and_is_not_an_entry_itself():
    """The Guardian's markup: the pinned post is a copy, without the id, in #pinned-post."""
    block = '<article class="block" {id}><time datetime="2024-12-19T10:00:00Z">10:00</time><h2>{h}</h2><p>{t}</p></article>'
    body = (
        '<div id="pinned-post">' + block.format(id="", h="Pinned", t="Ports are shut until Friday.") + "</div>"
        + block.format(id='id="block-2"', h="Later", t="Ferries resume on Saturday.")
        + block.format(id='id="block-1"', h="Pinned", t="Ports are shut until Friday.")
        + block.format(id='id="block-0"', h="Start", t="The storm is coming.")
    )
    page = _page(head=_ld({"@type": "LiveBlogPosting", "headline": "Storm"}), body=f"<main>{body}</main>").page
    assert [(e.native_id, e.is_pinned) for e in page.entries] == [("block-2", False), ("block-1", True), ("block-0", False)]


def test_generic_fallback_reads_repeated_time_stamped_blocks_of_a_declared_live_blog():
    block = '<li class="upd" id="u{n}"><span data-time="{t}"></span><h3>Update {n}</h3><p>Words of update {n}.</p></li>'
    body = "<main><ul>" + "".join(block.format(n=n, t=1734600000 + n * 60) for n in (3, 2, 1)) + "</ul></main>"
    page = _page(head=_ld({"@type": "LiveBlogPosting", "headline": "Storm"}), body=body).page
    assert [(e.native_id, e.headline, e.text) for e in page.entries] == [
        ("u3", "Update 3", "Words of update 3."), ("u2", "Update 2", "Words of update 2."), ("u1", "Update 1", "Words of update 1."),
    ]
    assert page.entries[0].published_at == datetime(2024, 12, 19, 9, 23, tzinfo=timezone.utc)


def test_a_sidebar_live_widget_does_not_make_an_article_a_live_blog():
    label = next(label for label in load_labels() if "timesofisrael" in label["id"])
    page = parse(document(label)).page
    assert (page.is_liveblog, page.entries) == (False, [])


def test_a_live_blog_announcing_its_end_of_coverage():
    label = next(label for label in load_labels() if "Express" in label["id"])
    page = parse(document(label)).page
    assert page.coverage_end_at.isoformat() == "2024-07-19T10:48:00+00:00"  # JSON-LD coverageEndTime


def test_every_mirror_key_event_is_flagged():
    label = next(label for label in load_labels() if "TheMirror" in label["id"])
    page = parse(document(label)).page
    assert sum(entry.is_key_event for entry in page.entries) == 9  # data-type="key-event" on the page
    entry = next(entry for entry in page.entries if entry.native_id == "751105")
    assert (entry.author, entry.url) == ("Antony Clements-Thrower", f"{label['url']}#751105")
