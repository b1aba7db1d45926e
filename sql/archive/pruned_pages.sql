-- Pages whose responses fetched in [$1, $2) (either may be null: open) are in WARC files retention removed: reparse cannot read them again.
-- A fetch_log row and a pruned file match on the file name (fetch_log keeps the path as the fetcher saw it, which may
-- be relative). Only successful reads count: the others were never re-parsed anyway.
SELECT f.url,
       count(*) AS responses,
       min(f.fetched_at) AS first_fetched_at,
       max(f.fetched_at) AS last_fetched_at,
       max(p.pruned_at) AS pruned_at
FROM fetch_log AS f
JOIN archive_pruned AS p ON parse_filename(f.archive_path) = parse_filename(p.path)
WHERE f.outcome = 'ok'
  AND ($1 IS NULL OR f.fetched_at >= $1)
  AND ($2 IS NULL OR f.fetched_at < $2)
GROUP BY f.url
ORDER BY f.url;
