-- The files a prune removed (table pruned_files, registered by the store), recorded once each.
INSERT INTO archive_pruned (path, first_fetched_at, last_fetched_at, records, bytes, pruned_at, reason)
SELECT path, first_fetched_at, last_fetched_at, records, bytes, pruned_at, reason
FROM pruned_files
WHERE path NOT IN (SELECT path FROM archive_pruned);
