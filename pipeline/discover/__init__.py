"""Discovery: the source list, feeds, sitemaps, and the live-blog refetch decision. Plain Python, no DuckDB."""
from pipeline.discover.discover import Discovery, discover_source_pages
from pipeline.discover.entries import Entry, in_interval, unique
from pipeline.discover.feeds import FeedError, parse_feed
from pipeline.discover.liveblog import (DEFAULT_QUIET, LiveDecision, last_update, page_still_live, quiet_period,
                                        still_live)
from pipeline.discover.sitemaps import Sitemap, SitemapError, parse_sitemap
from pipeline.discover.source_list import SOURCE_KINDS, Source, SourceListError, load_sources

__all__ = [
    "DEFAULT_QUIET", "Discovery", "Entry", "FeedError", "LiveDecision", "SOURCE_KINDS", "Sitemap", "SitemapError",
    "Source", "SourceListError", "discover_source_pages", "in_interval", "last_update", "load_sources",
    "page_still_live", "parse_feed", "parse_sitemap", "quiet_period", "still_live", "unique",
]
