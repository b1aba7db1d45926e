-- For each URL asked about (table wanted_urls), where the raw archive holds the body of its latest good read
-- (outcome ok; a 304 or an unchanged body archives no body of its own): what a poll whose page answered 304 reads
-- its page and ticker answers back from (pipeline/source_reader.py).
SELECT url, archive_path, archive_offset
FROM fetch_log
WHERE url IN (SELECT url FROM wanted_urls) AND outcome = 'ok' AND archive_path IS NOT NULL
  AND archive_offset IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC, attempt DESC) = 1;
