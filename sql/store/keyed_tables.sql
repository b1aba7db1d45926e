-- The tables of the session's database that still have a PRIMARY KEY or UNIQUE constraint (migration 014 rebuilds
-- them without it; pipeline/store/migrate.py).
SELECT DISTINCT table_name FROM duckdb_constraints()
WHERE database_name = current_database() AND schema_name = 'main' AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')
ORDER BY table_name;
