"""Synthetic parsed pages in bulk, for tests that need a big batch (tests/test_kill_loader.py) and for the load bench
(bench/load.py): live blogs whose every entry embeds a post that an entry of the neighbouring page embeds too."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pipeline.model import Embed, Entity, Page, ParseResult, SocialPost, UpdateItem

T0 = datetime(2024, 12, 19, tzinfo=timezone.utc)


def synthetic_pages(items: int, pages: int, share: tuple[int, int] = (0, 1)) -> list[ParseResult]:
    """Live blogs with `items` entries in all, one embedded post (with entities) per entry, posts shared by 2 pages.

    `share` (i, n): only the pages of loader i of n (every n-th page)."""
    per_page = items // pages
    results = []
    for p in range(share[0], pages, share[1]):
        entries, embeds = [], []
        for e in range(per_page):
            n = p * per_page + e
            entries.append(UpdateItem("liveblog_entry", e + 1, f"Entry {n}: something happened at {n % 97} o'clock.",
                                      native_id=f"block-{n}", headline=f"Update {n}",
                                      published_at=T0 + timedelta(seconds=n)))
            post_n = n // 2  # every post embedded by two entries (of neighbouring pages)
            post = SocialPost("x", str(1869731234567890123 + post_n), author_name=f"Account {post_n % 500}",
                              author_handle=f"account{post_n % 500}", posted_at=T0 + timedelta(seconds=post_n),
                              posted_at_precision="millisecond", text=f"Post {post_n} #tag{post_n % 50}",
                              entities=[Entity("hashtag", f"tag{post_n % 50}")])
            embeds.append(Embed(post, e + 1, "blockquote", entry_position=e + 1))
        results.append(ParseResult(Page(source=f"bench-{p}", url=f"https://news.example/live/{p}",
                                        canonical_url=f"https://news.example/live/{p}", title=f"Live {p}",
                                        is_liveblog=True, body_text=f"Live blog {p}", entries=entries,
                                        embeds=embeds, fetched_at=T0)))
    return results
