"""A live blog served by our own test server (tests/fetch_support.py) whose entries change between polls: microdata
`liveBlogUpdate` blocks with ids, an ETag per version (a 304 to a request that carries the current one)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from tests.fetch_support import Reply, TestServer


@dataclass
class LiveBlogPage:
    """The page's current entries, id → (time, text), newest first as live blogs show them; `next_page` adds a
    `rel="next"` link (an older page of entries exists: the read is not complete)."""

    title: str = "Storm live: latest updates"
    entries: dict[str, tuple[str, str]] = field(default_factory=dict)
    next_page: bool = False
    coverage_end: str | None = None  # JSON-LD coverageEndTime: when the publisher says the coverage ends
    requests: list[int] = field(default_factory=list)  # status of each answer given

    def body(self) -> bytes:
        blocks = "".join(
            f'<div itemprop="liveBlogUpdate" itemscope itemtype="https://schema.org/BlogPosting" id="{entry_id}">'
            f'<meta itemprop="datePublished" content="{time}"><h2 itemprop="headline">Update {entry_id}</h2>'
            f"<p>{text}</p></div>"
            for entry_id, (time, text) in sorted(self.entries.items(), key=lambda kv: kv[1][0], reverse=True))
        more = '<a rel="next" href="?page=2">Older updates</a>' if self.next_page else ""
        end = ('<script type="application/ld+json">{"@type": "LiveBlogPosting", "coverageEndTime": "%s"}</script>'
               % self.coverage_end if self.coverage_end else "")
        return (f'<html lang="en"><head><title>{self.title}</title>{end}</head><body>'
                f'<article itemscope itemtype="https://schema.org/LiveBlogPosting"><h1>{self.title}</h1>'
                f"{blocks}{more}</article></body></html>").encode()

    def serve(self, server: TestServer, path: str) -> str:
        def handler(req):
            body = self.body()
            etag = '"%s"' % hashlib.sha256(body).hexdigest()[:16]
            if req.headers.get("If-None-Match") == etag:
                self.requests.append(304)
                return Reply(304, b"", headers={"ETag": etag}, content_type=None)
            self.requests.append(200)
            return Reply(200, body, headers={"ETag": etag})
        server.route(path, handler)
        return server.url(path)


CONTENT_TABLES = ("articles", "update_items", "item_revisions", "social_posts", "article_posts", "post_entities",
                  "quotes")
