-- One attempt to load a batch: committed (written in the load's own transaction), or retried/failed with its error.
INSERT INTO load_attempts (run_id, batch, attempt, started_at, finished_at, outcome, error)
VALUES (getvariable('run_id'), getvariable('batch_no'), getvariable('attempt'), getvariable('attempt_started_at'),
        now(), getvariable('outcome'), getvariable('error'));
