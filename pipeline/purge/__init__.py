"""Erasure requests: `pipeline purge` of a post, an account or a page from every table, the raw archive and the latest
export (`run.py`), recorded in `purge_requests`, and kept out of later reads (`blocklist.py`)."""
from pipeline.purge.targets import Target, TargetError

__all__ = ["Target", "TargetError"]
