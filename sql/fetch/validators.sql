-- For each URL asked about (table wanted_urls), the validators of its latest fetch that had any: what a
-- conditional request sends back (If-None-Match, If-Modified-Since) and the body hash that marks "unchanged".
SELECT url, etag, last_modified, content_hash
FROM fetch_log
WHERE url IN (SELECT url FROM wanted_urls)
  AND (etag IS NOT NULL OR last_modified IS NOT NULL OR content_hash IS NOT NULL)
QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC, attempt DESC) = 1;
