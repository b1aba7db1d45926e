-- The earliest time anything a purge removes was in the warehouse (tables purge_posts, purge_articles, purge_urls,
-- purge_patterns as for delete.sql): a lake snapshot older than this never held it.
SELECT min(t) FROM (
    SELECT min(first_seen_at) AS t FROM social_posts WHERE post_id IN (SELECT post_id FROM purge_posts)
    UNION ALL
    SELECT min(first_seen_at) FROM articles WHERE article_id IN (SELECT article_id FROM purge_articles)
    UNION ALL
    SELECT min(fetched_at) FROM fetch_log
    WHERE url IN (SELECT url FROM purge_urls) OR final_url IN (SELECT url FROM purge_urls)
       OR EXISTS (SELECT 1 FROM purge_patterns n
                  WHERE regexp_matches(fetch_log.url, n.pattern)
                     OR regexp_matches(coalesce(fetch_log.final_url, ''), n.pattern))
);
