-- Data dictionary: every table and view of the main schema with its comment (tables first, then views).
SELECT table_name AS name, 'table' AS kind, comment FROM duckdb_tables()
WHERE schema_name = 'main' AND database_name = current_database() AND NOT internal AND NOT temporary
UNION ALL
SELECT view_name, 'view', comment FROM duckdb_views()
WHERE schema_name = 'main' AND database_name = current_database() AND NOT internal AND NOT temporary
ORDER BY kind, name;
