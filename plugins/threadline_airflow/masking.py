"""Secrets out of Airflow's own log lines: what Airflow logs by itself (a task's returned value, e.g. the pages a
discovery found with their addresses) bypasses the pipeline's log filter (pipeline/redact.py), so each secret those
values carry is handed to Airflow's secrets masker, which shows it as `***` in the task's log.

The values themselves still travel whole between tasks (XCom in Airflow's metadata database): the fetch needs them.
(Not `secrets.py`: Airflow imports every file of the plugins folder under its bare name, which would shadow the
standard library's `secrets`.)
"""
from __future__ import annotations

from collections.abc import Iterable


def mask_in_task_log(texts: Iterable[str]) -> None:
    """Have Airflow mask, in this task's log, every secret in `texts` and in the environment (a lake's password in
    THREADLINE_DB, AWS keys)."""
    from airflow.sdk.log import mask_secret

    from pipeline import settings
    from pipeline.redact import env_secrets, secrets_in

    found = set(env_secrets())
    for text in [*texts, settings.env("THREADLINE_DB") or ""]:
        found.update(secrets_in(text))
    for secret in found:
        mask_secret(secret)
