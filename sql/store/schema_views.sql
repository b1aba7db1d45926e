-- Which version of each folder of view definitions (sql/reporting/) a warehouse has (pipeline/store/warehouse.py).
CREATE TABLE IF NOT EXISTS schema_views (
    folder      VARCHAR PRIMARY KEY,
    digest      VARCHAR NOT NULL,
    applied_at  TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE schema_views IS 'One row per folder of view definitions (sql/reporting/): the digest of the files last applied, so the views are re-created only when they change.';
COMMENT ON COLUMN schema_views.folder IS 'The folder under sql/ (reporting).';
COMMENT ON COLUMN schema_views.digest IS 'Digest of the folder''s file names and texts when they were applied.';
COMMENT ON COLUMN schema_views.applied_at IS 'When they were applied (UTC).';
