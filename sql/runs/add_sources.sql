-- A loaded batch adds its sources to the run's counts.
UPDATE ingest_runs
SET sources_ok = sources_ok + getvariable('sources_ok'), sources_failed = sources_failed + getvariable('sources_failed')
WHERE run_id = getvariable('run_id');
