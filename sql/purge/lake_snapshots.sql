-- The lake's snapshots that may still hold what a purge removed: every one committed since the earliest time the
-- removed rows were first seen ($1), but the latest (which DuckLake cannot expire, and which no longer holds it).
SELECT snapshot_id FROM ducklake_snapshots('lake')
WHERE snapshot_time >= $1 AND snapshot_id < (SELECT max(snapshot_id) FROM ducklake_snapshots('lake'))
ORDER BY snapshot_id;
