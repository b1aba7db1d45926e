-- Where pages embed posts, the posts' entities, and quotes: inserted once, then only moved (position after a
-- re-order, the holding entry) or touched (last_seen_at).
CREATE OR REPLACE TEMP TABLE m_article_posts AS
SELECT s.*,
       CASE WHEN t.article_id IS NULL THEN 'inserted'
            WHEN s.seen_at >= t.last_seen_at
             AND (s.position, s.item_id, s.form) IS DISTINCT FROM (t.position, t.item_id, t.form) THEN 'updated'
            ELSE 'unchanged' END AS action,
       least(s.first_seen_at, t.first_seen_at) AS new_first_seen_at,
       greatest(s.seen_at, t.last_seen_at) AS new_last_seen_at
FROM d_article_posts s LEFT JOIN article_posts t USING (article_id, post_id, occurrence);

MERGE INTO article_posts t USING m_article_posts s
   ON t.article_id = s.article_id AND t.post_id = s.post_id AND t.occurrence = s.occurrence
-- One UPDATE action, with the choice per column: DuckLake's MERGE takes a single UPDATE action.
WHEN MATCHED THEN UPDATE SET
    position = CASE WHEN s.action = 'updated' THEN s.position ELSE t.position END,
    item_id = CASE WHEN s.action = 'updated' THEN s.item_id ELSE t.item_id END,
    form = CASE WHEN s.action = 'updated' THEN s.form ELSE t.form END,
    first_seen_at = s.new_first_seen_at, last_seen_at = s.new_last_seen_at
WHEN NOT MATCHED THEN INSERT (article_id, post_id, occurrence, position, item_id, form, first_seen_at, last_seen_at)
VALUES (s.article_id, s.post_id, s.occurrence, s.position, s.item_id, s.form, s.first_seen_at, s.seen_at);

CREATE OR REPLACE TEMP TABLE m_entities AS
SELECT s.*,
       CASE WHEN t.post_id IS NULL THEN 'inserted' ELSE 'unchanged' END AS action,
       least(s.first_seen_at, t.first_seen_at) AS new_first_seen_at,
       greatest(s.seen_at, t.last_seen_at) AS new_last_seen_at
FROM d_entities s LEFT JOIN post_entities t USING (post_id, kind, value);

MERGE INTO post_entities t USING m_entities s
   ON t.post_id = s.post_id AND t.kind = s.kind AND t.value = s.value
WHEN MATCHED THEN UPDATE SET first_seen_at = s.new_first_seen_at, last_seen_at = s.new_last_seen_at
WHEN NOT MATCHED THEN INSERT (post_id, kind, value, first_seen_at, last_seen_at)
VALUES (s.post_id, s.kind, s.value, s.first_seen_at, s.seen_at);

CREATE OR REPLACE TEMP TABLE m_quotes AS
SELECT s.*,
       CASE WHEN t.quote_id IS NULL THEN 'inserted'
            WHEN s.seen_at >= t.last_seen_at AND (s.text, s.position) IS DISTINCT FROM (t.text, t.position)
                THEN 'updated'
            ELSE 'unchanged' END AS action,
       least(s.first_seen_at, t.first_seen_at) AS new_first_seen_at,
       greatest(s.seen_at, t.last_seen_at) AS new_last_seen_at
FROM d_quotes s LEFT JOIN quotes t USING (quote_id);

MERGE INTO quotes t USING m_quotes s ON t.quote_id = s.quote_id
WHEN MATCHED THEN UPDATE SET
    text = CASE WHEN s.action = 'updated' THEN s.text ELSE t.text END,
    position = CASE WHEN s.action = 'updated' THEN s.position ELSE t.position END,
    first_seen_at = s.new_first_seen_at, last_seen_at = s.new_last_seen_at
WHEN NOT MATCHED THEN INSERT (quote_id, article_id, speaker, text, position, first_seen_at, last_seen_at)
VALUES (s.quote_id, s.article_id, s.speaker, s.text, s.position, s.first_seen_at, s.seen_at);
