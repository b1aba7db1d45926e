-- Every live blog the warehouse holds that was read over http(s), whether a source of the list named it or discovery
-- found it, with the facts the still-live rule needs: when its coverage ends, when it last changed (page or any
-- entry), when it was first read; and the source of the list it was last fetched for (null when none).
WITH pages AS (
    SELECT a.url,
           max(a.coverage_end_at) AS coverage_end_at,
           greatest(max(a.modified_at), max(a.published_at), max(i.published_at), max(i.updated_at),
                    max(i.revised_at)) AS last_change,
           min(a.first_seen_at) AS first_seen_at
    FROM articles a
    LEFT JOIN update_items i ON i.article_id = a.article_id AND i.kind = 'liveblog_entry'
    WHERE a.is_liveblog AND regexp_matches(a.url, '^https?://', 'i')
    GROUP BY a.url
),
named AS (
    SELECT url, arg_max(source_name, fetched_at) AS source_name
    FROM fetch_log
    WHERE source_name IS NOT NULL AND url IN (SELECT url FROM pages)
    GROUP BY url
)
SELECT p.url, p.coverage_end_at, p.last_change, p.first_seen_at, n.source_name
FROM pages p LEFT JOIN named n USING (url)
ORDER BY p.url;
