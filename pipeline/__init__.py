"""Threadline: news live blogs, articles and their embedded social posts, as deduplicated DuckDB tables."""
