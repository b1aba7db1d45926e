-- The batch's read and fetch attempts, numbered after any the run already logged for the same URL (only the batch's
-- URLs are looked up: aggregating all of the run's attempts at each batch made a long run's loads grow with it).
INSERT INTO fetch_log (run_id, url, attempt, fetched_at, http_status, outcome, bytes, elapsed_ms, stage, cause,
                       final_url, content_type, etag, last_modified, content_hash, archive_path, archive_offset,
                       parse_notes, source_name)
SELECT getvariable('run_id'), s.url,
       row_number() OVER (PARTITION BY s.url ORDER BY s.fetched_at, s.attempt) + coalesce(p.max_attempt, 0),
       s.fetched_at, s.http_status, s.outcome, s.bytes, s.elapsed_ms, s.stage, s.cause,
       s.final_url, s.content_type, s.etag, s.last_modified, s.content_hash, s.archive_path, s.archive_offset,
       s.parse_notes, s.source_name
FROM batch_fetch_log s
LEFT JOIN (
    SELECT url, max(attempt) AS max_attempt
    FROM fetch_log SEMI JOIN (SELECT DISTINCT url FROM batch_fetch_log) b USING (url)
    WHERE run_id = getvariable('run_id')
    GROUP BY url
) p USING (url);
