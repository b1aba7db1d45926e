-- Runs on a DuckLake: which snapshot each run started from and ended at (time travel to a run), and every attempt
-- to commit a batch (a lake commit that loses to another writer's is retried). On a DuckDB file the snapshot
-- columns stay null and every batch has one attempt.

ALTER TABLE ingest_runs ADD COLUMN snapshot_before BIGINT;
ALTER TABLE ingest_runs ADD COLUMN snapshot_after BIGINT;
COMMENT ON COLUMN ingest_runs.snapshot_before IS 'DuckLake only: the latest snapshot when the run started; ATTACH … (SNAPSHOT_VERSION n) shows the warehouse as it was before the run. Null on a DuckDB file.';
COMMENT ON COLUMN ingest_runs.snapshot_after IS 'DuckLake only: the snapshot of the run''s last load; null on a DuckDB file, while running, or if the run died.';

CREATE TABLE load_attempts (
    run_id       VARCHAR NOT NULL,
    batch        INTEGER NOT NULL,
    attempt      INTEGER NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ NOT NULL,
    outcome      VARCHAR NOT NULL,
    error        VARCHAR,
    PRIMARY KEY (run_id, batch, attempt)
);
COMMENT ON TABLE load_attempts IS 'One row per attempt to load a batch of a run: the committed one, and any that failed before it.';
COMMENT ON COLUMN load_attempts.run_id IS 'The run.';
COMMENT ON COLUMN load_attempts.batch IS 'The batch within the run, 1 for the first.';
COMMENT ON COLUMN load_attempts.attempt IS 'The attempt for that batch, 1 for the first.';
COMMENT ON COLUMN load_attempts.started_at IS 'When the attempt started (UTC), before waiting for its tables'' locks.';
COMMENT ON COLUMN load_attempts.finished_at IS 'When it committed or failed (UTC).';
COMMENT ON COLUMN load_attempts.outcome IS 'committed; retried (failed, tried again after a back-off); failed (gave up, or an error a retry cannot fix).';
COMMENT ON COLUMN load_attempts.error IS 'Why the attempt failed; null when it committed.';
