-- Posts that quote, reply to or repost posts (post_relations), straight from the batch: both posts of a relation carry
-- a native id (pipeline/stage.py), so no post move re-keys them. Inserted once, then only touched (last_seen_at).
CREATE OR REPLACE TEMP TABLE m_relations AS
WITH d AS (
    SELECT post_id, related_post_id, kind, min(seen_at) AS first_seen_at, max(seen_at) AS seen_at
    FROM batch_post_relations
    GROUP BY post_id, related_post_id, kind
)
SELECT d.*,
       CASE WHEN t.post_id IS NULL THEN 'inserted' ELSE 'unchanged' END AS action,
       least(d.first_seen_at, t.first_seen_at) AS new_first_seen_at,
       greatest(d.seen_at, t.last_seen_at) AS new_last_seen_at
FROM d LEFT JOIN post_relations t USING (post_id, related_post_id, kind);

MERGE INTO post_relations t USING m_relations s
   ON t.post_id = s.post_id AND t.related_post_id = s.related_post_id AND t.kind = s.kind
WHEN MATCHED THEN UPDATE SET first_seen_at = s.new_first_seen_at, last_seen_at = s.new_last_seen_at
WHEN NOT MATCHED THEN INSERT (post_id, related_post_id, kind, first_seen_at, last_seen_at)
VALUES (s.post_id, s.related_post_id, s.kind, s.first_seen_at, s.seen_at);
