-- The warehouse tables of an attached database (parameter: its name), for copying one warehouse into another.
SELECT table_name FROM duckdb_tables()
WHERE database_name = ? AND schema_name = 'main' AND table_name <> 'schema_migrations'
ORDER BY table_name;
