-- Copy the batch (Arrow tables registered as batch_<table>) into temporary staging tables.
-- first_seen_at starts as seen_at; rows pulled in from the warehouse by a post move keep their own.
CREATE OR REPLACE TEMP TABLE s_articles AS SELECT *, seen_at AS first_seen_at FROM batch_articles;
CREATE OR REPLACE TEMP TABLE s_posts AS SELECT *, seen_at AS first_seen_at FROM batch_social_posts;
CREATE OR REPLACE TEMP TABLE s_items AS SELECT *, seen_at AS first_seen_at FROM batch_update_items;
CREATE OR REPLACE TEMP TABLE s_article_posts AS SELECT *, seen_at AS first_seen_at FROM batch_article_posts;
CREATE OR REPLACE TEMP TABLE s_entities AS SELECT *, seen_at AS first_seen_at FROM batch_post_entities;
CREATE OR REPLACE TEMP TABLE s_quotes AS SELECT *, seen_at AS first_seen_at FROM batch_quotes;
