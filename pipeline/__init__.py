"""Threadline: news live blogs, articles and their embedded social posts, as deduplicated DuckDB tables."""
from pipeline.redact import install_log_filter

install_log_filter()  # no secret in any log line of a process that runs pipeline code (pipeline/redact.py)
