-- The lake's weekly upkeep, step by step (pipeline/store/backend/lake.py runs each "-- step:" in order and counts the rows
-- it returns). The writer attached the lake as "lake" and holds every table's lock.

-- step: flushed
-- Rows small loads inlined in the catalog, written out to Parquet.
CALL ducklake_flush_inlined_data('lake');

-- step: merged
-- Small files of a table merged into larger ones.
CALL ducklake_merge_adjacent_files('lake');

-- step: rewritten
-- Files carrying deleted rows rewritten without them (every merge that sees a row again replaces it).
CALL ducklake_rewrite_data_files('lake', delete_threshold => 0.0);

-- step: merged_again
-- The rewritten files merged in turn.
CALL ducklake_merge_adjacent_files('lake');

-- step: expired
-- Snapshots older than the retention forgotten: time travel reaches back that far and no further.
CALL ducklake_expire_snapshots('lake', older_than => now() - to_seconds(getvariable('retention_s')));

-- step: cleaned
-- Files that only expired snapshots used, deleted.
CALL ducklake_cleanup_old_files('lake', cleanup_all => true);

-- step: orphans
-- Files no snapshot ever committed (left by a writer killed before its commit), deleted once an hour old.
CALL ducklake_delete_orphaned_files('lake', older_than => now() - INTERVAL 1 HOUR);
