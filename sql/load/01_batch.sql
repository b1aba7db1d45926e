-- The batch (Arrow tables registered as batch_<table>) as the staged rows the dedupe reads: views, nothing copied.
-- first_seen_at starts as seen_at; when posts move (04_move_posts.sql), these views give way to tables that also
-- hold the rows pulled in from the warehouse, with their own first_seen_at.
CREATE OR REPLACE TEMP VIEW s_articles AS SELECT *, seen_at AS first_seen_at FROM batch_articles;
CREATE OR REPLACE TEMP VIEW s_posts AS SELECT *, seen_at AS first_seen_at FROM batch_social_posts;
CREATE OR REPLACE TEMP VIEW s_items AS SELECT *, seen_at AS first_seen_at FROM batch_update_items;
CREATE OR REPLACE TEMP VIEW s_article_posts AS SELECT *, seen_at AS first_seen_at FROM batch_article_posts;
CREATE OR REPLACE TEMP VIEW s_entities AS SELECT *, seen_at AS first_seen_at FROM batch_post_entities;
CREATE OR REPLACE TEMP VIEW s_quotes AS SELECT *, seen_at AS first_seen_at FROM batch_quotes;
