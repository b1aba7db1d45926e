-- Used and free blocks of the session's DuckDB file (a writer writes its working copy anew when most are free).
SELECT used_blocks, free_blocks FROM pragma_database_size() WHERE database_name = current_database();
