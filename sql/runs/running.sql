-- Runs still shown as running, with the lake catalog session that ran each (null on a DuckDB file).
SELECT run_id, catalog_pid FROM ingest_runs WHERE status = 'running' ORDER BY run_id;
