-- A run begins: it shows as running until finish.sql, so a run that died stays visible (until a later writer finds
-- its holder gone: abandon.sql).
-- snapshot_before: the lake's latest snapshot as the run started (null on a DuckDB file).
-- catalog_pid: the lake writer's catalog session (null on a DuckDB file).
INSERT INTO ingest_runs (run_id, command, airflow_run_id, airflow_try, started_at, finished_at, status, sources_ok,
                         sources_failed, snapshot_before, catalog_pid)
VALUES (getvariable('run_id'), getvariable('command'), getvariable('airflow_run_id'), getvariable('airflow_try'),
        now(), NULL, 'running', 0, 0, getvariable('snapshot_before'), getvariable('catalog_pid'));
