-- The latest runs, newest first, for the Airflow UI page (parameter: how many).
SELECT run_id, command, airflow_run_id, airflow_try, started_at, finished_at, status, sources_ok, sources_failed
FROM ingest_runs
ORDER BY started_at DESC, run_id DESC
LIMIT ?;
