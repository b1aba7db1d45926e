-- A post's hashtags, mentions, links and media: inserted once, then touched (first/last seen). d_entities: one row
-- per entity of the batch, a view; a_entities: what the merge does to each, for the run's counts.
CREATE OR REPLACE TEMP VIEW d_entities AS
SELECT post_id, kind, value, max(seen_at) AS seen_at, min(first_seen_at) AS first_seen_at
FROM s_entities
GROUP BY post_id, kind, value;

CREATE OR REPLACE TEMP TABLE a_entities AS
SELECT CASE WHEN t.post_id IS NULL THEN 'inserted' ELSE 'unchanged' END AS action
FROM d_entities s LEFT JOIN post_entities t USING (post_id, kind, value);

MERGE INTO post_entities t USING d_entities s
   ON t.post_id = s.post_id AND t.kind = s.kind AND t.value = s.value
WHEN MATCHED THEN UPDATE SET first_seen_at = least(s.first_seen_at, t.first_seen_at),
                             last_seen_at = greatest(s.seen_at, t.last_seen_at)
WHEN NOT MATCHED THEN INSERT (post_id, kind, value, first_seen_at, last_seen_at)
VALUES (s.post_id, s.kind, s.value, s.first_seen_at, s.seen_at);
