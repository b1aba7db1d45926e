-- The latest snapshot of the lake (attached as "lake"), as this session's transaction sees it.
SELECT id FROM lake.current_snapshot();
