-- Rows in each contract table.
SELECT 'articles' AS table_name, count(*) AS row_count FROM articles
UNION ALL SELECT 'update_items', count(*) FROM update_items
UNION ALL SELECT 'social_posts', count(*) FROM social_posts
UNION ALL SELECT 'article_posts', count(*) FROM article_posts
UNION ALL SELECT 'post_entities', count(*) FROM post_entities
UNION ALL SELECT 'post_relations', count(*) FROM post_relations
UNION ALL SELECT 'quotes', count(*) FROM quotes
UNION ALL SELECT 'item_revisions', count(*) FROM item_revisions
UNION ALL SELECT 'item_events', count(*) FROM item_events
UNION ALL SELECT 'fetch_log', count(*) FROM fetch_log
UNION ALL SELECT 'ingest_runs', count(*) FROM ingest_runs
UNION ALL SELECT 'run_table_counts', count(*) FROM run_table_counts
UNION ALL SELECT 'purge_requests', count(*) FROM purge_requests;
