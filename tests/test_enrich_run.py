"""`pipeline enrich` end to end: posts in the warehouse asked about at fake platform endpoints on 127.0.0.1."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path


from pipeline.enrich import EnrichSettings
from pipeline.runs import enrich, ingest
from tests.fetch_support import Reply
from tests.warehouse_rows import rows

ROOT = Path(__file__).resolve().parents[1]
SEED_HTML = str(ROOT / "seeds" / "seed_article_putin_syria.html")
NEW_ARAB, ANADOLU = "1869739994848011185", "1869748738180956237"




def test_enrich_marks_gone_posts_unavailable_and_asks_again_only_after_a_week(server, settings, tmp_path):
    def oembed(req):
        if NEW_ARAB in req.path:
            html = '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Thread text</p></blockquote>'
            return Reply(200, json.dumps({"html": html, "author_name": "The New Arab",
                                          "author_url": "https://twitter.com/The_NewArab"}).encode(),
                         content_type="application/json")
        return Reply(404, b'{"error":"No status found with that ID."}', content_type="application/json")

    server.route("/oembed", oembed)
    db = tmp_path / "w.duckdb"
    ingest([SEED_HTML], str(db))
    assert rows(db, "SELECT DISTINCT status FROM social_posts") == [("unchecked",)]
    endpoints = EnrichSettings(x_oembed_url=server.url("/oembed"), fetch=settings)

    now = datetime.now(timezone.utc)
    report = enrich(str(db), settings=endpoints, now=now)
    assert report.status == "ok"
    statuses = dict(rows(db, "SELECT native_id, status FROM social_posts"))
    assert statuses == {NEW_ARAB: "ok", ANADOLU: "unavailable"}
    assert rows(db, f"SELECT checked_at IS NOT NULL FROM social_posts WHERE native_id = '{ANADOLU}'") == [(True,)]
    # the page's own text is kept: enrichment fills only what the page left empty
    assert rows(db, f"SELECT text LIKE '%Gaza death toll%' FROM social_posts WHERE native_id = '{NEW_ARAB}'") == \
        [(True,)]
    logged = rows(db, f"SELECT http_status FROM fetch_log WHERE run_id = '{report.run_id}' ORDER BY http_status")
    assert logged == [(200,), (404,)]  # every call to the platform is in fetch_log
    asked = len(server.hits("/oembed"))

    enrich(str(db), settings=endpoints, now=now + timedelta(days=1))  # nothing is due a day later
    assert len(server.hits("/oembed")) == asked
    enrich(str(db), settings=endpoints, now=now + timedelta(days=8))  # the gone post is asked again after a week
    assert len(server.hits("/oembed")) == asked + 1
    assert rows(db, "SELECT count(*) FROM social_posts") == [(2,)]  # never deleted
