-- Move text-only posts onto their native-id twins (post_moves, item_moves). Only a batch with such posts comes
-- here: its staged posts, items, places and entities are copied into moved_* tables, which become the staged rows
-- (s_* views). The warehouse rows of the old posts are pulled in, deleted from the warehouse, and everything is
-- re-keyed; the merges that follow combine them. The stored native posts come along too (and stay stored): the
-- dedupe then takes each field from the best source, so a text-only copy read later never overwrites what the
-- embed said.
CREATE OR REPLACE TEMP TABLE moved_posts AS SELECT * FROM s_posts;
CREATE OR REPLACE TEMP TABLE moved_items AS SELECT * FROM s_items;
CREATE OR REPLACE TEMP TABLE moved_article_posts AS SELECT * FROM s_article_posts;
CREATE OR REPLACE TEMP TABLE moved_entities AS SELECT * FROM s_entities;

INSERT INTO moved_posts BY NAME
SELECT * EXCLUDE (first_seen_at, last_seen_at), last_seen_at AS seen_at, first_seen_at
FROM social_posts
WHERE post_id IN (SELECT old_post_id FROM post_moves) OR post_id IN (SELECT new_post_id FROM post_moves);

INSERT INTO moved_items BY NAME
SELECT * EXCLUDE (revision, revised_at, removed_at, first_seen_at, last_seen_at), last_seen_at AS seen_at,
       first_seen_at
FROM update_items WHERE post_id IN (SELECT old_post_id FROM post_moves);

INSERT INTO moved_article_posts BY NAME
SELECT * EXCLUDE (first_seen_at, last_seen_at), last_seen_at AS seen_at, first_seen_at
FROM article_posts WHERE post_id IN (SELECT old_post_id FROM post_moves);

INSERT INTO moved_entities BY NAME
SELECT * EXCLUDE (first_seen_at, last_seen_at), last_seen_at AS seen_at, first_seen_at
FROM post_entities WHERE post_id IN (SELECT old_post_id FROM post_moves);

INSERT INTO item_revisions BY NAME
SELECT r.* EXCLUDE (item_id), m.new_item_id AS item_id
FROM item_revisions r JOIN item_moves m ON r.item_id = m.old_item_id
WHERE NOT EXISTS (
    SELECT 1 FROM item_revisions k WHERE k.item_id = m.new_item_id AND k.revision = r.revision
);

DELETE FROM item_revisions WHERE item_id IN (SELECT old_item_id FROM item_moves);
DELETE FROM update_items WHERE post_id IN (SELECT old_post_id FROM post_moves);
DELETE FROM article_posts WHERE post_id IN (SELECT old_post_id FROM post_moves);
DELETE FROM post_entities WHERE post_id IN (SELECT old_post_id FROM post_moves);
DELETE FROM social_posts WHERE post_id IN (SELECT old_post_id FROM post_moves);

UPDATE moved_posts SET post_id = m.new_post_id FROM post_moves m WHERE moved_posts.post_id = m.old_post_id;
UPDATE moved_items SET item_id = m.new_item_id FROM item_moves m WHERE moved_items.item_id = m.old_item_id;
UPDATE moved_items SET post_id = m.new_post_id FROM post_moves m WHERE moved_items.post_id = m.old_post_id;
UPDATE moved_article_posts SET post_id = m.new_post_id FROM post_moves m
WHERE moved_article_posts.post_id = m.old_post_id;
UPDATE moved_entities SET post_id = m.new_post_id FROM post_moves m WHERE moved_entities.post_id = m.old_post_id;

CREATE OR REPLACE TEMP VIEW s_posts AS SELECT * FROM moved_posts;
CREATE OR REPLACE TEMP VIEW s_items AS SELECT * FROM moved_items;
CREATE OR REPLACE TEMP VIEW s_article_posts AS SELECT * FROM moved_article_posts;
CREATE OR REPLACE TEMP VIEW s_entities AS SELECT * FROM moved_entities;
