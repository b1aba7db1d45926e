-- Runs whose process ended without finishing them are marked abandoned by a later writer, and a run that failed
-- says why. A lake run records its catalog session, so a later writer can tell whether it is still alive.

ALTER TABLE ingest_runs ADD COLUMN cause VARCHAR;
ALTER TABLE ingest_runs ADD COLUMN catalog_pid INTEGER;
COMMENT ON COLUMN ingest_runs.status IS 'running, ok (every source loaded), partial (some sources failed), failed (none loaded, or the store failed: see cause), abandoned (its process ended without finishing it, found by a later writer).';
COMMENT ON COLUMN ingest_runs.cause IS 'Why the run failed or was abandoned, when the store knows (a full disk, a killed loader); null otherwise.';
COMMENT ON COLUMN ingest_runs.catalog_pid IS 'DuckLake only: the PostgreSQL backend pid of the writer''s catalog session; a running run whose session is gone is abandoned. Null on a DuckDB file.';
