-- For each URL asked about (table wanted_urls), where the raw archive holds the body of its latest good read
-- (outcome ok; a 304 or an unchanged body archives no body of its own): what a poll whose page answered 304 reads
-- its page and ticker answers back from (pipeline/source_reader.py). With $1, only pages stored as live blogs (a
-- page naming a ticker feed is one): the others are never read back.
SELECT url, archive_path, archive_offset
FROM fetch_log
WHERE url IN (SELECT url FROM wanted_urls) AND outcome = 'ok' AND archive_path IS NOT NULL
  AND archive_offset IS NOT NULL
  AND (NOT $1 OR url IN (SELECT url FROM articles WHERE is_liveblog
                         UNION ALL SELECT canonical_url FROM articles WHERE is_liveblog))
QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC, attempt DESC) = 1;
