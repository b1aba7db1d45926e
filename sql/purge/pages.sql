-- The pages a page request names (table purge_wanted(value): the URL as given and its canonical form), by URL or
-- canonical URL.
SELECT article_id, url, canonical_url, first_seen_at
FROM articles WHERE url IN (SELECT value FROM purge_wanted) OR canonical_url IN (SELECT value FROM purge_wanted);
