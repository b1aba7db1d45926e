-- The snapshot this session's last commit created (null before its first).
SELECT * FROM ducklake_last_committed_snapshot('lake');
