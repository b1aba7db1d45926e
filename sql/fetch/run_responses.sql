-- The ticker answers a page's read came with: for the page response archived in file $1 (by name) at offset $2,
-- the first good read (outcome ok, archived) of each URL asked about (table wanted_urls) made by the same run at or
-- after it, with the URL the response came from. What `reparse` replays beside the archived page
-- (pipeline/source_reader.py).
WITH page AS (
    SELECT run_id, fetched_at FROM fetch_log
    WHERE parse_filename(archive_path) = $1 AND archive_offset = $2 AND outcome = 'ok'
)
SELECT f.url, f.archive_path, f.archive_offset, coalesce(f.final_url, f.url)
FROM fetch_log f JOIN page p ON f.run_id = p.run_id AND f.fetched_at >= p.fetched_at
WHERE f.url IN (SELECT url FROM wanted_urls) AND f.outcome = 'ok' AND f.archive_path IS NOT NULL
  AND f.archive_offset IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY f.url ORDER BY f.fetched_at, f.attempt) = 1;
