-- Quotes in an article's own text: inserted once, then text and position replaced by a read at least as recent as
-- the stored one, or touched. d_quotes: one row per quote of the batch, a view; a_quotes: what the merge does to
-- each, for the run's counts.
CREATE OR REPLACE TEMP VIEW d_quotes AS
SELECT * REPLACE (min(first_seen_at) OVER (PARTITION BY quote_id) AS first_seen_at,
                  max(seen_at) OVER (PARTITION BY quote_id) AS seen_at)
FROM s_quotes
QUALIFY row_number() OVER (PARTITION BY quote_id ORDER BY seen_at DESC, position) = 1;

CREATE OR REPLACE TEMP TABLE a_quotes AS
SELECT CASE WHEN t.quote_id IS NULL THEN 'inserted'
            WHEN s.seen_at >= t.last_seen_at AND (s.text, s.position) IS DISTINCT FROM (t.text, t.position)
                THEN 'updated'
            ELSE 'unchanged' END AS action
FROM d_quotes s LEFT JOIN quotes t USING (quote_id);

MERGE INTO quotes t USING d_quotes s ON t.quote_id = s.quote_id
WHEN MATCHED THEN UPDATE SET
    text = CASE WHEN s.seen_at >= t.last_seen_at THEN s.text ELSE t.text END,
    position = CASE WHEN s.seen_at >= t.last_seen_at THEN s.position ELSE t.position END,
    first_seen_at = least(s.first_seen_at, t.first_seen_at), last_seen_at = greatest(s.seen_at, t.last_seen_at)
WHEN NOT MATCHED THEN INSERT (quote_id, article_id, speaker, text, position, first_seen_at, last_seen_at)
VALUES (s.quote_id, s.article_id, s.speaker, s.text, s.position, s.first_seen_at, s.seen_at);
