-- One run's status (parameter: run_id).
SELECT status FROM ingest_runs WHERE run_id = ?;
