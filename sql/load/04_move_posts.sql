-- Move text-only posts onto their native-id twins (post_moves, item_moves): pull the warehouse rows of the old
-- posts into staging, delete them from the warehouse, and re-key staging; the merges that follow combine them.
-- The stored native posts come along too (and stay stored): the dedupe then takes each field from the best
-- source, so a text-only copy read later never overwrites what the embed said.
INSERT INTO s_posts BY NAME
SELECT * EXCLUDE (first_seen_at, last_seen_at), last_seen_at AS seen_at, first_seen_at
FROM social_posts
WHERE post_id IN (SELECT old_post_id FROM post_moves) OR post_id IN (SELECT new_post_id FROM post_moves);

INSERT INTO s_items BY NAME
SELECT * EXCLUDE (revision, revised_at, removed_at, first_seen_at, last_seen_at), last_seen_at AS seen_at, first_seen_at
FROM update_items WHERE post_id IN (SELECT old_post_id FROM post_moves);

INSERT INTO s_article_posts BY NAME
SELECT * EXCLUDE (first_seen_at, last_seen_at), last_seen_at AS seen_at, first_seen_at
FROM article_posts WHERE post_id IN (SELECT old_post_id FROM post_moves);

INSERT INTO s_entities BY NAME
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

UPDATE s_posts SET post_id = m.new_post_id FROM post_moves m WHERE s_posts.post_id = m.old_post_id;
UPDATE s_items SET item_id = m.new_item_id FROM item_moves m WHERE s_items.item_id = m.old_item_id;
UPDATE s_items SET post_id = m.new_post_id FROM post_moves m WHERE s_items.post_id = m.old_post_id;
UPDATE s_article_posts SET post_id = m.new_post_id FROM post_moves m WHERE s_article_posts.post_id = m.old_post_id;
UPDATE s_entities SET post_id = m.new_post_id FROM post_moves m WHERE s_entities.post_id = m.old_post_id;
