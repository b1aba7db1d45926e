"""The warehouse the reporting tests count by hand: the bundled pages, ingested twice, plus one live blog.

Run 1 ingests seeds/, three pages of tests/fixtures/ and a second copy of the seed HTML (six files, five pages);
run 2 ingests
seeds/ again (everything seen again). No bundled page is a live blog and no parser reads live-blog entries yet, and
nothing marks a post unavailable without the enrichment step, so runs 3–5 load one live blog built by hand (as
tests/test_store.py does): four entries on 2024-12-19, two of them embedding the seed's two X posts (the very posts
the seed HTML parses to) and one a Bluesky post; runs 4 and 5 read the blog again with entry 1 edited once and entry
2 twice. Last, the Bluesky post is marked unavailable as the enrichment step would (checked at 18:00), by an UPDATE
through the store's writer: staging always leaves a post unchecked.
"""
from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from pipeline.batches import load_batches
from pipeline.model import Embed, Entity, FetchRecord, Page, ParseResult, SocialPost, UpdateItem
from pipeline.parse import parse
from pipeline.runs import ingest
from pipeline.source_reader import read_local
from pipeline.stage import build_batch
from pipeline.store import Writer

ROOT = Path(__file__).resolve().parents[1]
SEEDS = str(ROOT / "seeds")
FIXTURES = [str(ROOT / "tests" / "fixtures" / name) for name in
            ("tweet-embed__fundus__FreiePresse_2024_11_29.html", "twitter_blockquote_variants.html",
             "trafilatura_flattenings.txt")]
SEED_HTML = str(ROOT / "seeds" / "seed_article_putin_syria.html")
LIVEBLOG_URL = "https://live.example/2024/12/19/syria-live"


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 12, 19, hour, minute, tzinfo=timezone.utc)


GONE = SocialPost("bluesky", "did:plc:livedesk/3ldgone", url="https://bsky.app/profile/reporter.example/post/3ldgone",
                  author_name="A Reporter", author_handle="reporter.example", posted_at=at(14, 40),
                  posted_at_precision="second", text="Convoy seen at the port #Syria",
                  entities=[Entity("hashtag", "Syria")])
GONE_ID = "bluesky:did:plc:livedesk/3ldgone"


def seed_posts() -> tuple[SocialPost, SocialPost]:
    """The seed's two X posts exactly as the seed HTML gives them (The New Arab, Anadolu), so they merge unchanged."""
    document, _ = read_local(SEED_HTML)
    embeds = parse(document).page.embeds
    return embeds[0].post, embeds[1].post


def liveblog(seen: datetime, *, edits: int) -> ParseResult:
    """The live blog as read at `seen`; `edits` 1 changes entries 1 and 2, 2 changes entry 2 once more."""
    new_arab, anadolu = seed_posts()
    texts = ["Putin calls on Israel to leave Syria.", "Russian convoys leave Syria.", "Anadolu reports the toll.",
             "Iran's presence grows."]
    if edits >= 1:
        texts[0] = "Putin calls on Israel to leave Syria, and to stop strikes."
        texts[1] = "Russian convoys are leaving Syria."
    if edits >= 2:
        texts[1] = "Russian convoys are leaving Syria for Libya."
    times = [at(14, 5), at(14, 20), at(14, 50), at(15, 10)]
    entries = [UpdateItem("liveblog_entry", i + 1, text, native_id=f"e{i + 1}", headline=f"Update {i + 1}",
                          published_at=times[i], is_key_event=(i == 0)) for i, text in enumerate(texts)]
    embeds = [Embed(new_arab, 1, "blockquote", entry_position=1), Embed(anadolu, 2, "blockquote", entry_position=3),
              Embed(replace(GONE), 3, "blockquote", entry_position=4)]
    page = Page(source=LIVEBLOG_URL, url=LIVEBLOG_URL, canonical_url=LIVEBLOG_URL, site="Live Desk",
                title="Syria live", published_at=at(14), language="en", is_liveblog=True,
                body_text="Follow the latest.", entries=entries, embeds=embeds, fetched_at=seen)
    return ParseResult(page)


def build(db: Path) -> Path:
    """Build the warehouse at `db` (five runs, in order); returns `db`."""
    second_copy = db.parent / "seed_article_putin_syria.html"  # the seed HTML read from two places in run 1
    shutil.copy(SEED_HTML, second_copy)
    assert ingest([SEEDS, *FIXTURES, str(second_copy)], str(db)).status == "ok"
    assert ingest([SEEDS], str(db)).status == "ok"
    for seen, edits in [(at(15, 15), 0), (at(16), 1), (at(17), 2)]:
        result = liveblog(seen, edits=edits)
        batch = build_batch([result], [FetchRecord(LIVEBLOG_URL, "ok", seen)])
        _, status, _ = load_batches(str(db), [batch], command="test")
        assert status == "ok"
    with Writer(db) as writer:  # what enrichment does when the platform answers "gone"
        writer.con.execute("UPDATE social_posts SET status = 'unavailable', checked_at = ? WHERE post_id = ?",
                           [at(18), GONE_ID])
    return db
