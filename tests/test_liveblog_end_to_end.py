"""A real live blog and the built page of every embed kind through parse → stage → load: the rows analysts get."""
from __future__ import annotations

import gzip

from pipeline.runs import ingest
from tests.labels import FIXTURES
from tests.warehouse_rows import rows as query


def test_the_mirror_live_blog_loads_every_entry_and_links_each_embed_to_its_entry(tmp_path):
    page = tmp_path / "mirror.html"
    page.write_bytes(gzip.decompress((FIXTURES / "corpus" / "liveblog__fundus__TheMirror_2024_08_05.html.gz").read_bytes()))
    other = FIXTURES / "embed_pages" / "other_platform_embeds.html"
    db = tmp_path / "warehouse.duckdb"
    assert ingest([str(page), str(other)], str(db)).status == "ok"

    assert query(db, "SELECT count(*) FROM update_items WHERE kind = 'liveblog_entry'") == [(428,)]
    assert query(db, "SELECT count(*) FROM articles WHERE is_liveblog") == [(1,)]
    placed = query(db, """
        SELECT p.post_id, i.headline FROM article_posts p JOIN update_items i USING (item_id)
        ORDER BY p.position""")
    assert placed == [
        ("x:1820436642806591998", "Bus routes changed to avoid potential trouble in Plymouth"),
        ("x:1820497920602652761", "Plymouth MP warns protesters they will face 'full force of the law'"),
    ]
    platforms = {row[0] for row in query(db, "SELECT platform FROM social_posts")}
    assert platforms == {"x", "bluesky", "mastodon", "instagram", "threads", "telegram", "tiktok", "facebook"}

    before = query(db, "SELECT count(*) FROM update_items")
    report = ingest([str(page), str(other)], str(db))
    assert query(db, "SELECT count(*) FROM update_items") == before
    assert all(counts.inserted == 0 and counts.updated == 0 for counts in report.counts.values())
