-- A table's columns in order, as migration 014 re-creates it (parameter: the table): name, type, nullable, default,
-- comment.
SELECT column_name, data_type, is_nullable, column_default, comment FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ?
ORDER BY column_index;
