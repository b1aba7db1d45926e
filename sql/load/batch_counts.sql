-- What the merges of this batch did to each table (a_*, from the table's step): rows inserted, updated (or
-- revised, or merged), unchanged.
SELECT table_name,
       count(*) FILTER (WHERE action = 'inserted') AS inserted,
       count(*) FILTER (WHERE action IN ('updated', 'revised')) AS updated,
       count(*) FILTER (WHERE action = 'unchanged') AS unchanged
FROM (
    SELECT 'articles' AS table_name, action FROM a_articles
    UNION ALL SELECT 'social_posts', action FROM a_posts
    UNION ALL SELECT 'update_items', action FROM a_items
    UNION ALL SELECT 'item_revisions', 'inserted' FROM a_items WHERE action = 'revised'
    UNION ALL SELECT 'article_posts', action FROM a_article_posts
    UNION ALL SELECT 'post_entities', action FROM a_entities
    UNION ALL SELECT 'post_relations', action FROM a_relations
    UNION ALL SELECT 'quotes', action FROM a_quotes
)
GROUP BY table_name
ORDER BY table_name;
