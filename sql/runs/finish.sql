-- A run ends: ok when every source loaded, partial when some failed, failed when none loaded (or it broke, with
-- its cause). Also run again on a run already finished whose publish then failed (broken, with that cause).
-- snapshot_after: the lake snapshot of the run's last load (null on a DuckDB file).
UPDATE ingest_runs
SET finished_at = now(),
    status = CASE WHEN getvariable('broken') THEN 'failed'
                  WHEN sources_failed = 0 THEN 'ok'
                  WHEN sources_ok > 0 THEN 'partial'
                  ELSE 'failed' END,
    cause = getvariable('cause'),
    snapshot_after = getvariable('snapshot_after')
WHERE run_id = getvariable('run_id');
