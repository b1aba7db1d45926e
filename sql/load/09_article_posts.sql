-- Where pages embed posts: inserted once, then only moved (position after a re-order, the holding entry, the form)
-- by a read at least as recent as the stored one, or touched (last_seen_at). d_article_posts: one row per place of
-- the batch, a view; a_article_posts: what the merge does to each, for the run's counts.
CREATE OR REPLACE TEMP VIEW d_article_posts AS
SELECT * REPLACE (min(first_seen_at) OVER (PARTITION BY article_id, post_id, occurrence) AS first_seen_at,
                  max(seen_at) OVER (PARTITION BY article_id, post_id, occurrence) AS seen_at)
FROM s_article_posts
QUALIFY row_number() OVER (PARTITION BY article_id, post_id, occurrence ORDER BY seen_at DESC, position) = 1;

CREATE OR REPLACE TEMP TABLE a_article_posts AS
SELECT CASE WHEN t.article_id IS NULL THEN 'inserted'
            WHEN s.seen_at >= t.last_seen_at
             AND (s.position, s.item_id, s.form) IS DISTINCT FROM (t.position, t.item_id, t.form) THEN 'updated'
            ELSE 'unchanged' END AS action
FROM d_article_posts s LEFT JOIN article_posts t USING (article_id, post_id, occurrence);

MERGE INTO article_posts t USING d_article_posts s
   ON t.article_id = s.article_id AND t.post_id = s.post_id AND t.occurrence = s.occurrence
-- One UPDATE action, with the choice per column: DuckLake's MERGE takes a single UPDATE action.
WHEN MATCHED THEN UPDATE SET
    position = CASE WHEN s.seen_at >= t.last_seen_at THEN s.position ELSE t.position END,
    item_id = CASE WHEN s.seen_at >= t.last_seen_at THEN s.item_id ELSE t.item_id END,
    form = CASE WHEN s.seen_at >= t.last_seen_at THEN s.form ELSE t.form END,
    first_seen_at = least(s.first_seen_at, t.first_seen_at), last_seen_at = greatest(s.seen_at, t.last_seen_at)
WHEN NOT MATCHED THEN INSERT (article_id, post_id, occurrence, position, item_id, form, first_seen_at, last_seen_at)
VALUES (s.article_id, s.post_id, s.occurrence, s.position, s.item_id, s.form, s.first_seen_at, s.seen_at);
