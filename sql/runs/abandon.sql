-- A run left running by a process that ended without finishing it (found by a later writer: on a DuckDB file, any
-- run still running when the writer's lock is free; on a lake, one whose catalog session is gone).
-- finished_at stays null: nobody knows when it died.
UPDATE ingest_runs
SET status = 'abandoned', cause = getvariable('cause')
WHERE run_id = getvariable('run_id') AND status = 'running';
