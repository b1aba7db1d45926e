-- Quotes in an article's own text: inserted once, then text and position replaced by a read at least as recent as
-- the stored one, or touched. d_quotes: one row per quote of the batch, a view; a_quotes: those rows with what the
-- load does to each (as a_articles, 05_articles.sql).
CREATE OR REPLACE TEMP VIEW d_quotes AS
SELECT * REPLACE (min(first_seen_at) OVER (PARTITION BY quote_id) AS first_seen_at,
                  max(seen_at) OVER (PARTITION BY quote_id) AS seen_at)
FROM s_quotes
QUALIFY row_number() OVER (PARTITION BY quote_id ORDER BY seen_at DESC, position) = 1;

CREATE OR REPLACE TEMP TABLE a_quotes AS
WITH compared AS (
    SELECT s.*, t.rowid AS target_row,
           CASE WHEN t.quote_id IS NULL THEN 'inserted'
                WHEN s.seen_at >= t.last_seen_at AND (s.text, s.position) IS DISTINCT FROM (t.text, t.position)
                    THEN 'updated'
                ELSE 'unchanged' END AS action,
           s.seen_at > t.last_seen_at OR s.first_seen_at < t.first_seen_at AS times_move
    FROM d_quotes s LEFT JOIN quotes t USING (quote_id)
)
SELECT * EXCLUDE (times_move),
       CASE WHEN action = 'updated' THEN 'fields' WHEN action = 'unchanged' AND times_move THEN 'times' END AS change
FROM compared;

INSERT INTO quotes (quote_id, article_id, speaker, text, position, first_seen_at, last_seen_at)
SELECT quote_id, article_id, speaker, text, position, first_seen_at, seen_at FROM a_quotes WHERE action = 'inserted';

UPDATE quotes t SET
    text = s.text, position = s.position,
    first_seen_at = least(s.first_seen_at, t.first_seen_at), last_seen_at = s.seen_at
FROM a_quotes s
WHERE t.rowid = s.target_row AND s.change = 'fields';

UPDATE quotes t SET
    first_seen_at = least(s.first_seen_at, t.first_seen_at), last_seen_at = greatest(s.seen_at, t.last_seen_at)
FROM a_quotes s
WHERE t.rowid = s.target_row AND s.change = 'times';
