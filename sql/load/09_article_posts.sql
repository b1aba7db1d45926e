-- Where pages embed posts: inserted once, then only moved (position after a re-order, the holding entry, the form)
-- by a read at least as recent as the stored one, or touched (first/last seen). d_article_posts: one row per place
-- of the batch, a view; a_article_posts: those rows with what the load does to each (as a_articles, 05_articles.sql).
-- A place staged once (most) is taken as it is; only the keys staged more than once go through the window.
CREATE OR REPLACE TEMP VIEW d_article_posts AS
WITH repeated AS (
    SELECT article_id, post_id, occurrence FROM s_article_posts GROUP BY ALL HAVING count(*) > 1
)
SELECT * FROM s_article_posts ANTI JOIN repeated USING (article_id, post_id, occurrence)
UNION ALL
SELECT * REPLACE (min(first_seen_at) OVER (PARTITION BY article_id, post_id, occurrence) AS first_seen_at,
                  max(seen_at) OVER (PARTITION BY article_id, post_id, occurrence) AS seen_at)
FROM (SELECT * FROM s_article_posts SEMI JOIN repeated USING (article_id, post_id, occurrence))
QUALIFY row_number() OVER (PARTITION BY article_id, post_id, occurrence ORDER BY seen_at DESC, position) = 1;

CREATE OR REPLACE TEMP TABLE a_article_posts AS
WITH compared AS (
    SELECT s.*, t.rowid AS target_row,
           CASE WHEN t.article_id IS NULL THEN 'inserted'
                WHEN s.seen_at >= t.last_seen_at
                 AND (s.position, s.item_id, s.form) IS DISTINCT FROM (t.position, t.item_id, t.form) THEN 'updated'
                ELSE 'unchanged' END AS action,
           s.seen_at > t.last_seen_at OR s.first_seen_at < t.first_seen_at AS times_move
    FROM d_article_posts s LEFT JOIN article_posts t USING (article_id, post_id, occurrence)
)
SELECT * EXCLUDE (times_move),
       CASE WHEN action = 'updated' THEN 'fields' WHEN action = 'unchanged' AND times_move THEN 'times' END AS change
FROM compared;

INSERT INTO article_posts (article_id, post_id, occurrence, position, item_id, form, first_seen_at, last_seen_at)
SELECT article_id, post_id, occurrence, position, item_id, form, first_seen_at, seen_at
FROM a_article_posts WHERE action = 'inserted';

UPDATE article_posts t SET
    position = s.position, item_id = s.item_id, form = s.form,
    first_seen_at = least(s.first_seen_at, t.first_seen_at), last_seen_at = s.seen_at
FROM a_article_posts s
WHERE t.rowid = s.target_row AND s.change = 'fields';

UPDATE article_posts t SET
    first_seen_at = least(s.first_seen_at, t.first_seen_at), last_seen_at = greatest(s.seen_at, t.last_seen_at)
FROM a_article_posts s
WHERE t.rowid = s.target_row AND s.change = 'times';
