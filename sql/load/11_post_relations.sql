-- Posts that quote, reply to or repost posts: inserted once, then touched (first/last seen). Both posts of a
-- relation carry a native id (pipeline/stage.py), so no post move re-keys them: d_relations reads the batch as
-- staged. d_relations: one row per relation of the batch, a view; a_relations: those rows with what the load does
-- to each (as a_articles, 05_articles.sql).
CREATE OR REPLACE TEMP VIEW d_relations AS
SELECT post_id, related_post_id, kind, max(seen_at) AS seen_at, min(seen_at) AS first_seen_at
FROM batch_post_relations
GROUP BY post_id, related_post_id, kind;

CREATE OR REPLACE TEMP TABLE a_relations AS
SELECT s.*, t.rowid AS target_row, CASE WHEN t.post_id IS NULL THEN 'inserted' ELSE 'unchanged' END AS action,
       CASE WHEN s.seen_at > t.last_seen_at OR s.first_seen_at < t.first_seen_at THEN 'times' END AS change
FROM d_relations s LEFT JOIN post_relations t USING (post_id, related_post_id, kind);

INSERT INTO post_relations (post_id, related_post_id, kind, first_seen_at, last_seen_at)
SELECT post_id, related_post_id, kind, first_seen_at, seen_at FROM a_relations WHERE action = 'inserted';

UPDATE post_relations t SET
    first_seen_at = least(s.first_seen_at, t.first_seen_at), last_seen_at = greatest(s.seen_at, t.last_seen_at)
FROM a_relations s
WHERE t.rowid = s.target_row AND s.change = 'times';
