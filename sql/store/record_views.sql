-- A folder of view definitions has been applied (parameters: folder, digest). MERGE, not ON CONFLICT: a DuckLake
-- has no keys.
MERGE INTO schema_views AS t
USING (SELECT ?::VARCHAR AS folder, ?::VARCHAR AS digest) AS s
ON t.folder = s.folder
WHEN MATCHED THEN UPDATE SET digest = s.digest, applied_at = now()
WHEN NOT MATCHED THEN INSERT (folder, digest, applied_at) VALUES (s.folder, s.digest, now());
