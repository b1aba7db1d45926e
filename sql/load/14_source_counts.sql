-- What this batch read and found per source of the source list (pages and attempts staged with a source_name),
-- added to the run's rows of run_source_counts. New = inserted by this batch's merges (a_*: first seen in this run).
MERGE INTO run_source_counts t
USING (
    WITH pages AS (
        SELECT DISTINCT article_id, source_name FROM s_articles WHERE source_name IS NOT NULL
    ), page_posts AS (
        SELECT DISTINCT p.source_name, ap.post_id FROM s_article_posts ap JOIN pages p USING (article_id)
    ), reads AS (
        SELECT source_name, count(*) AS reads FROM batch_fetch_log WHERE source_name IS NOT NULL GROUP BY source_name
    ), found_pages AS (
        SELECT p.source_name, count(*) AS pages, count(*) FILTER (WHERE m.action = 'inserted') AS pages_new
        FROM pages p LEFT JOIN a_articles m USING (article_id)
        GROUP BY p.source_name
    ), found_posts AS (
        SELECT x.source_name, count(*) AS posts, count(*) FILTER (WHERE m.action = 'inserted') AS posts_new
        FROM page_posts x LEFT JOIN a_posts m USING (post_id)
        GROUP BY x.source_name
    ), new_items AS (
        SELECT source_name, count(DISTINCT item_id) AS items_new
        FROM (
            SELECT p.source_name, m.item_id FROM a_items m JOIN pages p ON m.article_id = p.article_id
            WHERE m.action = 'inserted'
            UNION ALL
            SELECT x.source_name, m.item_id FROM a_items m JOIN page_posts x ON m.post_id = x.post_id
            WHERE m.action = 'inserted'
        )
        GROUP BY source_name
    ), names AS (
        SELECT source_name FROM reads UNION SELECT source_name FROM pages
    )
    SELECT getvariable('run_id') AS run_id, n.source_name,
           coalesce(r.reads, 0) AS reads, coalesce(f.pages, 0) AS pages, coalesce(q.posts, 0) AS posts,
           coalesce(f.pages_new, 0) AS pages_new, coalesce(i.items_new, 0) AS items_new,
           coalesce(q.posts_new, 0) AS posts_new
    FROM names n
    LEFT JOIN reads r USING (source_name)
    LEFT JOIN found_pages f USING (source_name)
    LEFT JOIN found_posts q USING (source_name)
    LEFT JOIN new_items i USING (source_name)
) s
ON t.run_id = s.run_id AND t.source_name = s.source_name
WHEN MATCHED THEN UPDATE SET
    reads = t.reads + s.reads, pages = t.pages + s.pages, posts = t.posts + s.posts,
    pages_new = t.pages_new + s.pages_new, items_new = t.items_new + s.items_new, posts_new = t.posts_new + s.posts_new
WHEN NOT MATCHED THEN INSERT (run_id, source_name, reads, pages, posts, pages_new, items_new, posts_new)
VALUES (s.run_id, s.source_name, s.reads, s.pages, s.posts, s.pages_new, s.items_new, s.posts_new);
