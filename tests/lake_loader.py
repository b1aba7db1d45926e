"""A loader process for the lake tests: `python tests/lake_loader.py N` loads loader N's batches as one run.

Four loaders overlap on purpose: every outlet page embeds the same posts, and every loader re-reads the same live
blog whose entries are edited between versions (each loader reads the versions in time order, as a worker
re-reading an archive would). The warehouse comes from $THREADLINE_DB / $THREADLINE_LAKE_DATA.

Test switches (environment): LOADER_GO=<file> writes <file>.ready-N once its batches are built, then waits for that
file before loading (so loaders start together);
LOADER_PAUSE_BEFORE_COMMIT=<folder> writes <folder>/ready before the first batch's COMMIT and waits for
<folder>/go (so a test can stop it in the middle of its commit).
"""
from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.model import Embed, Entity, FetchRecord, Page, ParseResult, SocialPost, UpdateItem  # noqa: E402
from pipeline.stage import build_batch  # noqa: E402

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)
LOADERS, BATCHES, POSTS, EDITED, STEADY = 4, 3, 12, 3, 2
LIVE_URL = "https://live.example/blog"


def post(n: int, *, native: bool = True) -> SocialPost:
    return SocialPost(
        "x", str(1890000000000000000 + n) if native else None,
        url=f"https://x.com/i/status/{1890000000000000000 + n}" if native else None,
        author_name=f"Account {n}", author_handle=f"account{n}",
        posted_at=T0 + timedelta(minutes=n) if native else T0.replace(hour=0),
        posted_at_precision="millisecond" if native else "day",
        text=f"Post {n} about the story #tag{n}", entities=[Entity("hashtag", f"tag{n}")],
        thread=[UpdateItem("thread_item", 1, "First of the thread"), UpdateItem("thread_item", 2, "Second")]
        if n == 0 else [])


def live_blog(version: int, seen: datetime) -> ParseResult:
    entries = [UpdateItem("liveblog_entry", e + 1, f"Entry {e}, version {version}.", native_id=f"block-{e}",
                          headline=f"Entry {e}") for e in range(EDITED)]
    entries += [UpdateItem("liveblog_entry", EDITED + e + 1, f"Steady entry {e}.", native_id=f"steady-{e}")
                for e in range(STEADY)]
    embeds = [Embed(post(n), n + 1, "blockquote", entry_position=n + 1) for n in range(3)]
    return ParseResult(Page(source=LIVE_URL, url=LIVE_URL, canonical_url=LIVE_URL, title="Live", is_liveblog=True,
                            body_text="The live blog.", entries=entries, embeds=embeds, fetched_at=seen))


def outlet_page(loader: int, batch: int, seen: datetime) -> ParseResult:
    url = f"https://outlet{loader}.example/story-{batch}"
    return ParseResult(Page(source=url, url=url, canonical_url=url, title=f"Story {batch}", body_text=f"Story {batch}.",
                            embeds=[Embed(post(n), n + 1, "blockquote") for n in range(POSTS)], fetched_at=seen))


def text_page(seen: datetime) -> ParseResult:
    """A flattened-text copy of post 5: it must end on post 5's native row."""
    return ParseResult(Page(source="outlet-text.txt", body_text="A page read as text.",
                            embeds=[Embed(post(5, native=False), 1, "text_signature")], fetched_at=seen))


def batches(loader: int):
    for batch in range(BATCHES):
        seen = T0 + timedelta(hours=batch, seconds=loader)
        results = [live_blog(batch, seen), outlet_page(loader, batch, seen)]
        if loader == LOADERS - 1 and batch == 0:
            results.append(text_page(seen))
        yield build_batch(results, [FetchRecord(r.page.source, "ok", seen) for r in results])


def expected() -> dict[str, int]:
    """Rows each table holds once every loader has loaded."""
    return {"articles": LOADERS * BATCHES + 2, "social_posts": POSTS, "post_entities": POSTS,
            "article_posts": LOADERS * BATCHES * POSTS + 3 + 1, "update_items": EDITED + STEADY + 2,
            "item_revisions": EDITED * (BATCHES - 1)}


WAIT_S = 300  # a test that neither touches the file nor kills the loader by then has failed: do not outlive it


def _wait_for(path: Path) -> None:
    deadline = time.monotonic() + WAIT_S
    while not path.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"lake_loader: {path} did not appear within {WAIT_S} s")
        time.sleep(0.01)


def main() -> None:
    from pipeline.batches import load_batches
    from pipeline.store import load as store_load

    loader = int(sys.argv[1])
    pause = os.environ.get("LOADER_PAUSE_BEFORE_COMMIT")
    if pause:
        def before_commit(con) -> None:
            store_load.before_commit = None  # only the first batch
            (Path(pause) / "ready").touch()
            _wait_for(Path(pause) / "go")
        store_load.before_commit = before_commit
    work = list(batches(loader))
    if os.environ.get("LOADER_GO"):
        go = Path(os.environ["LOADER_GO"])
        go.with_name(f"{go.name}.ready-{loader}").touch()
        _wait_for(go)
    run_id, status, _ = load_batches(os.environ["THREADLINE_DB"], work, command=f"loader-{loader}")
    print(run_id, status, flush=True)


if __name__ == "__main__":
    main()
