-- Posts that quote, reply to or repost posts: inserted once, then touched (first/last seen). Both posts of a
-- relation carry a native id (pipeline/stage.py), so no post move re-keys them: d_relations reads the batch as
-- staged. d_relations: one row per relation of the batch, a view; a_relations: what the merge does to each, for the
-- run's counts.
CREATE OR REPLACE TEMP VIEW d_relations AS
SELECT post_id, related_post_id, kind, max(seen_at) AS seen_at, min(seen_at) AS first_seen_at
FROM batch_post_relations
GROUP BY post_id, related_post_id, kind;

CREATE OR REPLACE TEMP TABLE a_relations AS
SELECT CASE WHEN t.post_id IS NULL THEN 'inserted' ELSE 'unchanged' END AS action
FROM d_relations s LEFT JOIN post_relations t USING (post_id, related_post_id, kind);

MERGE INTO post_relations t USING d_relations s
   ON t.post_id = s.post_id AND t.related_post_id = s.related_post_id AND t.kind = s.kind
WHEN MATCHED THEN UPDATE SET first_seen_at = least(s.first_seen_at, t.first_seen_at),
                             last_seen_at = greatest(s.seen_at, t.last_seen_at)
WHEN NOT MATCHED THEN INSERT (post_id, related_post_id, kind, first_seen_at, last_seen_at)
VALUES (s.post_id, s.related_post_id, s.kind, s.first_seen_at, s.seen_at);
