-- Run on the lake's catalog database itself (PostgreSQL, not DuckDB): the data path the lake was created with.
-- No row, or no ducklake_metadata table at all, means the database holds no lake yet.
SELECT value FROM ducklake_metadata WHERE key = 'data_path' AND scope IS NULL
