"""What was purged stays out: the parser's output is checked against the purge requests before a batch is built.

One `Blocklist` per run, read once from the published warehouse (`purge_requests`). It answers two questions:
- `guard(location, read)`: a page purged by URL is not fetched or read again (the read becomes a note);
- `screen(result, read)`: a parsed page that is a purged page is dropped whole, with its fetch records; an embed of
  a purged post, or of a post by a purged account, is dropped from the page (with its thread), and the post's text
  taken out of the page's body and entries, where a flattened page carries it.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pipeline import keys
from pipeline.model import ParseResult, SocialPost
from pipeline.settings import WarehouseSettings
from pipeline.source_reader import Read
from pipeline.urls import canonical_url

log = logging.getLogger(__name__)

# The note a read of a purged page gets instead of its content (shown as "ok <source>: purged …").
PURGED_NOTE = "purged (pipeline purge): not read"


@dataclass
class Blocklist:
    post_ids: set[str] = field(default_factory=set)
    accounts: set[tuple[str, str]] = field(default_factory=set)  # (platform, handle casefolded)
    article_ids: set[str] = field(default_factory=set)
    urls: set[str] = field(default_factory=set)  # canonical forms

    def __bool__(self) -> bool:
        return bool(self.post_ids or self.accounts or self.article_ids or self.urls)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple]) -> "Blocklist":
        found = cls()
        for kind, platform, handle, post_ids, article_ids, urls in rows:
            found.post_ids.update(post_ids or [])
            found.article_ids.update(article_ids or [])
            found.urls.update(canonical_url(url) for url in urls or [])
            if kind == "account" and platform and handle:
                found.accounts.add((platform, handle.casefold()))
        return found

    def page_purged(self, location: str | None) -> bool:
        return bool(location) and canonical_url(location) in self.urls

    def post_purged(self, post: SocialPost) -> bool:
        return (keys.post_id(post) in self.post_ids
                or (post.platform, (post.author_handle or "").casefold()) in self.accounts)

    def guard(self, location: str, read: Callable[[], Iterable]) -> Iterable:
        """The reads of `location`, or, when it is a purged page, one read that says so without fetching it."""
        if self.page_purged(location):
            return [Read(location, unchanged=PURGED_NOTE)]
        return read()

    def screen(self, result: ParseResult | None, read: Read) -> ParseResult | None:
        """`result` without what was purged (None when the page itself was); `read.records` of a purged page are
        dropped too, so its fetch_log rows do not come back."""
        if result is None or not self:
            return result
        page = result.page
        if (self.page_purged(page.url) or self.page_purged(page.canonical_url)
                or keys.article_id(page.canonical_url, page.url, page.body_text) in self.article_ids):
            read.records = [r for r in read.records if not (self.page_purged(r.url) or self.page_purged(r.final_url))]
            log.info("%s: a purged page: not loaded", page.url or page.source)
            return None
        dropped = [embed for embed in page.embeds if self.post_purged(embed.post)]
        for embed in page.embeds:
            if embed not in dropped and embed.post.relations:
                # A purged post quoted by a kept one would come back as a post of its own (post_relations).
                kept = [rel for rel in embed.post.relations if not self.post_purged(rel.post)]
                if len(kept) < len(embed.post.relations):
                    log.info("%s: a relation to a purged post dropped", page.url or page.source)
                    embed.post.relations = kept
        if dropped:
            page.embeds = [embed for embed in page.embeds if embed not in dropped]
            for text in {embed.post.text for embed in dropped if embed.post.text}:
                page.body_text = _without(page.body_text, text)
                for item in page.entries + page.key_points:
                    item.text = _without(item.text, text)
            log.info("%s: %d embeds of purged posts dropped", page.url or page.source, len(dropped))
        return result


def _without(text: str, removed: str) -> str:
    cleaned = keys.clean_text(removed)
    for form in {removed, cleaned}:
        if form and form in text:
            text = text.replace(form, "")
    return text


def load_blocklist(db: WarehouseSettings) -> Blocklist:
    """The purge requests of the published warehouse; empty when there is none yet, or it predates migration 011."""
    import duckdb

    from pipeline.store import open_reader, sql
    from pipeline.store.backend import LakeUnavailable, WarehouseMissing

    db = WarehouseSettings.of(db)
    if not db.is_lake and not os.path.exists(db.db):
        return Blocklist()
    try:
        con = open_reader(db)
    except WarehouseMissing:
        return Blocklist()
    try:
        try:
            return Blocklist.from_rows(con.execute(sql("purge/blocklist")).fetchall())
        except duckdb.CatalogException:  # published before migration 011: nothing purged yet
            return Blocklist()
        except duckdb.Error as exc:  # loading without it could bring purged data back: the run stops here
            raise LakeUnavailable(f"{db.describe()}: the purge requests could not be read: "
                                  f"{str(exc).strip().splitlines()[0]}") from exc
    finally:
        con.close()
