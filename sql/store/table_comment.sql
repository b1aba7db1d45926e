-- A table's own comment (parameter: the table).
SELECT comment FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ?;
