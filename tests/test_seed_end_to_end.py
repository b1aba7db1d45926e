"""The seed article, as text and as HTML, through parse → stage → load: the rows analysts get."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.runs import ingest
from tests.warehouse_rows import rows as query

ROOT = Path(__file__).resolve().parents[1]
SEED_TEXT = str(ROOT / "seeds" / "seed_article_putin_syria.txt")
SEED_HTML = str(ROOT / "seeds" / "seed_article_putin_syria.html")




def table_counts(db) -> dict[str, int]:
    tables = ["articles", "update_items", "social_posts", "article_posts", "post_entities", "quotes",
              "item_revisions"]
    return {t: query(db, f"SELECT count(*) FROM {t}")[0][0] for t in tables}


@pytest.fixture
def db(tmp_path):
    return tmp_path / "warehouse.duckdb"


def test_the_seed_text_gives_exactly_the_expected_rows(db):
    report = ingest([SEED_TEXT], str(db))
    assert report.status == "ok"

    assert query(db, "SELECT count(*), any_value(is_liveblog), any_value(title) FROM articles") == [(1, False, None)]
    key_points = query(db, "SELECT position, text FROM update_items WHERE kind = 'key_point' ORDER BY position")
    assert [p for p, _ in key_points] == [1, 2, 3, 4]
    assert key_points[0][1] == "Russian convoys are reportedly leaving Syria following the ousting of Bashar al-Assad."
    assert key_points[3][1].startswith("The increased Iranian and Hezbollah presence")

    posts = query(db, """
        SELECT p.platform, p.author_name, p.author_handle, p.posted_at::DATE, p.native_id, p.post_id
        FROM social_posts p JOIN article_posts a USING (post_id) ORDER BY a.position""")
    assert [p[:5] for p in posts] == [
        ("x", "The New Arab", "The_NewArab", date(2024, 12, 19), None),
        ("x", "Anadolu English", "anadoluagency", date(2024, 12, 19), None),
    ]
    assert all(p[5].startswith("x:h:") for p in posts)
    assert query(db, "SELECT count(*) FROM article_posts") == [(2,)]

    new_arab = posts[0][5]
    thread = query(db, f"SELECT position, text, article_id FROM update_items "
                       f"WHERE kind = 'thread_item' AND post_id = '{new_arab}' ORDER BY position")
    assert [t[1] for t in thread][:1] == ["Gaza death toll reaches 45,129: health ministry"]
    assert len(thread) == 4
    assert thread[3][1] == "Russia evacuated 4,000 Iranian fighters from Syria: Putin"
    assert all(t[2] is None for t in thread)  # a thread item belongs to its post, not to the page

    entities = set(query(db, "SELECT kind, value FROM post_entities"))
    assert {("hashtag", "BREAKING"), ("url", "https://t.co/w1oxigfedT"),
            ("media", "https://pic.twitter.com/ElKHjm2hOm")} <= entities

    assert query(db, "SELECT speaker, starts_with(text, 'We hope that Israel') FROM quotes") == [("Putin", True)]

    body = query(db, "SELECT body_text FROM articles")[0][0]
    for heading in ("Putin’s Plea for De-escalation", "Meanwhile in Syria: Military Realignments",
                    "Regional Implications: Power Shifts and Concerns"):
        assert heading in body
    for post_text in ("Gaza death toll", "pic.twitter.com", "#BREAKING", "The_NewArab", "anadoluagency"):
        assert post_text not in body


def test_ingesting_the_seed_again_changes_no_count(db):
    ingest([SEED_TEXT], str(db))
    before = table_counts(db)
    report = ingest([SEED_TEXT], str(db))
    assert table_counts(db) == before
    assert all(c.inserted == 0 and c.updated == 0 for c in report.counts.values())


def test_the_seed_html_gives_the_same_rows_plus_page_metadata_and_native_ids(db):
    assert ingest([SEED_HTML], str(db)).status == "ok"
    article = query(db, "SELECT title, canonical_url, site, published_at FROM articles")[0]
    assert article[0] and "Putin" in article[0]
    assert article[1].startswith("https://") and "utm_" not in article[1]
    assert article[2]
    assert article[3].date() == date(2024, 12, 19)

    posts = query(db, "SELECT author_handle, native_id, posted_at, posted_at_precision FROM social_posts "
                      "JOIN article_posts USING (post_id) ORDER BY position")
    assert [p[0] for p in posts] == ["The_NewArab", "anadoluagency"]
    assert all(p[1] and p[1].isdigit() for p in posts)
    assert all(p[2].date() == date(2024, 12, 19) and p[3] == "millisecond" for p in posts)
    assert query(db, "SELECT count(*) FROM update_items WHERE kind = 'key_point'") == [(4,)]
    assert query(db, "SELECT count(*) FROM update_items WHERE kind = 'thread_item'") == [(4,)]
    assert query(db, "SELECT speaker FROM quotes") == [("Putin",)]


@pytest.mark.parametrize("order", [[SEED_TEXT, SEED_HTML], [SEED_HTML, SEED_TEXT]], ids=["text-first", "html-first"])
def test_text_and_html_of_the_seed_in_one_warehouse_leave_two_posts(db, order):
    for source in order:
        assert ingest([source], str(db)).status == "ok"
    posts = query(db, "SELECT post_id, native_id FROM social_posts ORDER BY post_id")
    assert len(posts) == 2
    assert all(native for _, native in posts)
    assert query(db, "SELECT count(*) FROM update_items WHERE kind = 'thread_item'") == [(4,)]
    assert query(db, "SELECT count(*) FROM article_posts") == [(4,)]  # two pages × two places
    assert query(db, "SELECT count(DISTINCT post_id) FROM post_entities WHERE post_id LIKE 'x:h:%'") == [(0,)]


def test_a_real_post_as_html_and_as_trafilatura_text_ends_as_one_row_without_invisible_marks(db):
    """basicthinking.de's @TijenOnaran post: the embed code wraps @elonmusk in direction isolates (U+2066/U+2069),
    trafilatura's text of the same page has none (fixtures/SOURCES.md). One post either way, searchable as seen."""
    import gzip

    html = ROOT / "tests" / "fixtures" / "corpus" / "tweet-embed__trafilatura__basicthinking.de.tweets.html.gz"
    page = db.parent / "basicthinking.html"
    page.write_bytes(gzip.decompress(html.read_bytes()))
    flattening = ROOT / "tests" / "fixtures" / "flattening_basicthinking_tijenonaran.txt"
    assert 'piece on \u2066<a href="https://twitter.com/elonmusk' in page.read_text(encoding="utf-8")
    for source in (str(flattening), str(page)):
        assert ingest([source], str(db)).status == "ok"
    assert query(db, "SELECT post_id FROM social_posts WHERE author_handle = 'TijenOnaran'") == \
        [("x:1034338788066164739",)]
    assert query(db, "SELECT count(*) FROM social_posts WHERE text LIKE '%on @elonmusk‘s tears https://t.co/%'") == [(1,)]
    assert query(db, "SELECT count(*) FROM social_posts WHERE regexp_matches(text, '[\u200e\u200f\u202a-\u202e\u2066-\u2069]')") == [(0,)]
