-- A post's hashtags, mentions, links and media: inserted once, then touched (first/last seen). d_entities: one row
-- per entity of the batch, a view; a_entities: those rows with what the load does to each (as a_articles,
-- 05_articles.sql).
CREATE OR REPLACE TEMP VIEW d_entities AS
SELECT post_id, kind, value, max(seen_at) AS seen_at, min(first_seen_at) AS first_seen_at
FROM s_entities
GROUP BY post_id, kind, value;

CREATE OR REPLACE TEMP TABLE a_entities AS
SELECT s.*, t.rowid AS target_row, CASE WHEN t.post_id IS NULL THEN 'inserted' ELSE 'unchanged' END AS action,
       CASE WHEN s.seen_at > t.last_seen_at OR s.first_seen_at < t.first_seen_at THEN 'times' END AS change
FROM d_entities s LEFT JOIN post_entities t USING (post_id, kind, value);

INSERT INTO post_entities (post_id, kind, value, first_seen_at, last_seen_at)
SELECT post_id, kind, value, first_seen_at, seen_at FROM a_entities WHERE action = 'inserted';

UPDATE post_entities t SET
    first_seen_at = least(s.first_seen_at, t.first_seen_at), last_seen_at = greatest(s.seen_at, t.last_seen_at)
FROM a_entities s
WHERE t.rowid = s.target_row AND s.change = 'times';
