-- Free the batch's views and temporary tables (moved_* exist only when posts moved).
DROP VIEW IF EXISTS d_articles; DROP VIEW IF EXISTS d_posts; DROP VIEW IF EXISTS d_items;
DROP VIEW IF EXISTS d_article_posts; DROP VIEW IF EXISTS d_entities; DROP VIEW IF EXISTS d_relations;
DROP VIEW IF EXISTS d_quotes;
DROP VIEW IF EXISTS s_articles; DROP VIEW IF EXISTS s_posts; DROP VIEW IF EXISTS s_items;
DROP VIEW IF EXISTS s_article_posts; DROP VIEW IF EXISTS s_entities; DROP VIEW IF EXISTS s_quotes;
DROP TABLE IF EXISTS moved_posts; DROP TABLE IF EXISTS moved_items; DROP TABLE IF EXISTS moved_article_posts;
DROP TABLE IF EXISTS moved_entities;
DROP TABLE IF EXISTS a_articles; DROP TABLE IF EXISTS a_posts; DROP TABLE IF EXISTS a_items;
DROP TABLE IF EXISTS a_item_events; DROP TABLE IF EXISTS a_article_posts; DROP TABLE IF EXISTS a_entities;
DROP TABLE IF EXISTS a_relations; DROP TABLE IF EXISTS a_quotes;
