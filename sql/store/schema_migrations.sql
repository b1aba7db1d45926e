-- Which migrations a warehouse has had (pipeline/store/migrate.py).
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        VARCHAR NOT NULL,
    applied_at  TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE schema_migrations IS 'One row per migration (sql/migrations/NNN_name.sql) this warehouse has had.';
COMMENT ON COLUMN schema_migrations.version IS 'The migration''s number (NNN).';
COMMENT ON COLUMN schema_migrations.name IS 'The migration''s file name without .sql.';
COMMENT ON COLUMN schema_migrations.applied_at IS 'When it was applied (UTC).';
