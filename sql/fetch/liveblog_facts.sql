-- What the warehouse knows about pages a live-blog source names (table wanted_urls): is it a live blog, when does
-- its coverage end, when did it last change (page or any entry), when was it first read.
SELECT w.url,
       bool_or(a.is_liveblog) AS is_liveblog,
       max(a.coverage_end_at) AS coverage_end_at,
       greatest(max(a.modified_at), max(a.published_at), max(i.published_at), max(i.updated_at), max(i.revised_at))
           AS last_change,
       min(a.first_seen_at) AS first_seen_at
FROM wanted_urls w
JOIN articles a ON a.url = w.url OR a.canonical_url = w.url
LEFT JOIN update_items i ON i.article_id = a.article_id AND i.kind = 'liveblog_entry'
GROUP BY w.url;
