-- After a purge's deletes have committed on a lake (attached as "lake"), the data goes for good; each "-- step:" runs
-- in order while the purge holds every table's lock (pipeline/purge/lake.py).

-- step: rewritten
-- Files carrying deleted rows (the purged ones among them) rewritten without them.
CALL ducklake_rewrite_data_files('lake', delete_threshold => 0.0);

-- step: expired
-- The snapshots that still reach the old files (purge/lake_snapshots.sql lists them into variable purge_versions).
CALL ducklake_expire_snapshots('lake', versions => getvariable('purge_versions'));

-- step: cleaned
-- The files only those snapshots used, deleted.
CALL ducklake_cleanup_old_files('lake', cleanup_all => true);
