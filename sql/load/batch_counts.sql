-- What the merges of this batch did to each table (a_*, from the table's step): rows inserted, updated (or
-- revised, or merged), unchanged. A live-blog entry removed or restored (a_item_events) is an item_events row
-- inserted; a restored entry's row, read again with removed_at cleared, is updated (a removed one was not read: the
-- counts are of rows the batch read, report_duplicates_prevented).
SELECT table_name,
       count(*) FILTER (WHERE action = 'inserted') AS inserted,
       count(*) FILTER (WHERE action IN ('updated', 'revised')) AS updated,
       count(*) FILTER (WHERE action = 'unchanged') AS unchanged
FROM (
    SELECT 'articles' AS table_name, action FROM a_articles
    UNION ALL SELECT 'social_posts', action FROM a_posts
    UNION ALL SELECT 'update_items', CASE WHEN action = 'unchanged' AND item_id IN (SELECT item_id FROM a_item_events)
                                          THEN 'updated' ELSE action END FROM a_items
    UNION ALL SELECT 'item_events', 'inserted' FROM a_item_events
    UNION ALL SELECT 'item_revisions', 'inserted' FROM a_items WHERE action = 'revised'
    UNION ALL SELECT 'article_posts', action FROM a_article_posts
    UNION ALL SELECT 'post_entities', action FROM a_entities
    UNION ALL SELECT 'post_relations', action FROM a_relations
    UNION ALL SELECT 'quotes', action FROM a_quotes
)
GROUP BY table_name
ORDER BY table_name;
