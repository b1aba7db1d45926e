-- Free the batch's temporary tables.
DROP TABLE IF EXISTS s_articles; DROP TABLE IF EXISTS s_posts; DROP TABLE IF EXISTS s_items;
DROP TABLE IF EXISTS s_article_posts; DROP TABLE IF EXISTS s_entities; DROP TABLE IF EXISTS s_quotes;
DROP TABLE IF EXISTS d_articles; DROP TABLE IF EXISTS d_posts; DROP TABLE IF EXISTS d_items;
DROP TABLE IF EXISTS d_article_posts; DROP TABLE IF EXISTS d_entities; DROP TABLE IF EXISTS d_quotes;
DROP TABLE IF EXISTS m_articles; DROP TABLE IF EXISTS m_posts; DROP TABLE IF EXISTS m_items;
DROP TABLE IF EXISTS m_article_posts; DROP TABLE IF EXISTS m_entities; DROP TABLE IF EXISTS m_quotes;
DROP TABLE IF EXISTS m_relations;
