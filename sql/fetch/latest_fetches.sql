-- For each URL asked about (table wanted_urls), from its fetches that had validators (etag, last_modified or
-- content_hash), ordered by fetched_at then attempt:
--   * the validators of the latest: what a conditional request sends back (If-None-Match, If-Modified-Since) and
--     the body hash that marks "unchanged";
--   * where the raw archive holds the body those validators stand for: the latest such fetch that is not itself a
--     304 or an unchanged body (those only confirm the body before them), and only when that very fetch is `ok` and
--     archived — an archive write that failed, a too_large answer or a purged response leave none (the caller then
--     has no body: it never reads back an older one), with the URL the response came from (its final URL);
--   * whether the page is stored as a live blog, by the URL asked or the one the redirects led to.
-- What a run's reader asks before it fetches (pipeline/store FetchHistory.latest, pipeline/source_reader.py).
WITH fetches AS (
    SELECT url, final_url, outcome, etag, last_modified, content_hash, archive_path, archive_offset,
           row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC, attempt DESC) AS nth,
           row_number() OVER (PARTITION BY url, outcome IN ('not_modified', 'unchanged')
                              ORDER BY fetched_at DESC, attempt DESC) AS nth_of_kind
    FROM fetch_log
    WHERE url IN (SELECT url FROM wanted_urls)
      AND (etag IS NOT NULL OR last_modified IS NOT NULL OR content_hash IS NOT NULL)
),
live AS (
    SELECT url FROM articles WHERE is_liveblog
    UNION SELECT canonical_url FROM articles WHERE is_liveblog AND canonical_url IS NOT NULL
)
SELECT v.url, v.etag, v.last_modified, v.content_hash,
       CASE WHEN b.outcome = 'ok' AND b.archive_offset IS NOT NULL THEN b.archive_path END AS body_path,
       CASE WHEN b.outcome = 'ok' AND b.archive_path IS NOT NULL THEN b.archive_offset END AS body_offset,
       coalesce(b.final_url, b.url) AS body_url,
       (v.url IN (SELECT url FROM live) OR coalesce(v.final_url, v.url) IN (SELECT url FROM live)
        OR coalesce(b.final_url, b.url) IN (SELECT url FROM live)) AS is_liveblog
FROM fetches v
LEFT JOIN fetches b ON b.url = v.url AND b.nth_of_kind = 1 AND b.outcome NOT IN ('not_modified', 'unchanged')
WHERE v.nth = 1;
