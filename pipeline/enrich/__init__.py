"""Enrichment: fill what a page did not show about an embedded post from the platform's public endpoint."""
from pipeline.enrich.enricher import EnrichSettings, Enricher, Enrichment, enrich_settings_from_environment
from pipeline.enrich.targets import BlueskyTarget, MastodonTarget, bluesky_target, mastodon_target

__all__ = ["BlueskyTarget", "EnrichSettings", "Enricher", "Enrichment", "MastodonTarget", "bluesky_target",
           "enrich_settings_from_environment", "mastodon_target"]
