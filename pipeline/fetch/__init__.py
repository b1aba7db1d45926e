"""The fetch layer: polite HTTP (`Fetcher`), the address guard, charset decoding and the WARC archive.

Plain Python, no DuckDB, no Airflow: callers pass validators in and store the `FetchRecord`s that come out.
"""
from pipeline.fetch.archive import (ArchivedResponse, WarcArchive, WarcProblem, iter_responses, iter_warc_documents,
                                    response_at, warc_files)
from pipeline.fetch.client import FetchRequest, FetchResult, Fetcher, Validators, retry_after_seconds
from pipeline.fetch.decode import Decoded, decode_body
from pipeline.fetch.guard import AddressPolicy, url_refusal
from pipeline.fetch.local import LocalReadError, read_bounded, too_large_cause
from pipeline.fetch.fetch_settings import FetchSettings

__all__ = [
    "AddressPolicy", "ArchivedResponse", "Decoded", "FetchRequest", "FetchResult", "FetchSettings", "Fetcher",
    "Validators", "WarcArchive", "WarcProblem", "decode_body", "iter_responses", "iter_warc_documents",
    "LocalReadError", "read_bounded", "response_at", "retry_after_seconds", "too_large_cause", "url_refusal",
    "warc_files",
]
