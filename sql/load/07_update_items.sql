-- Update items. d_items: one row per item of the batch (the latest read; first_seen_at the earliest), a view.
-- a_items: those rows with what the load does to each (as a_articles, 05_articles.sql): a changed text under the
-- same identity is 'revised' (revision + 1, the replaced text and its times kept here for item_revisions); other
-- changes (position after a re-order, times, flags) are 'updated' in place. Only a read at least as recent as the
-- stored one changes anything.
-- An item staged once (most) is taken as it is; only the keys staged more than once go through the window.
CREATE OR REPLACE TEMP VIEW d_items AS
WITH repeated AS (SELECT item_id FROM s_items GROUP BY item_id HAVING count(*) > 1)
SELECT * FROM s_items ANTI JOIN repeated USING (item_id)
UNION ALL
SELECT * REPLACE (min(first_seen_at) OVER (PARTITION BY item_id) AS first_seen_at,
                  max(seen_at) OVER (PARTITION BY item_id) AS seen_at)
FROM (SELECT * FROM s_items SEMI JOIN repeated USING (item_id))
QUALIFY row_number() OVER (PARTITION BY item_id ORDER BY seen_at DESC, position) = 1;

-- A revision: a read at least as recent as the stored text's, with another text (a_items decides; the UPDATE follows
-- its action).
CREATE OR REPLACE TEMP MACRO revises(seen_at, content_hash, revised_at, stored_hash) AS
    seen_at >= revised_at AND content_hash <> stored_hash;

-- The stored rows of the batch's items are found by key alone, then read whole by rowid (as a_articles,
-- 05_articles.sql): reading every stored item's texts made each load's cost grow with the table.
CREATE OR REPLACE TEMP TABLE a_items AS
WITH matched AS (
    SELECT t.rowid AS stored_row FROM update_items t SEMI JOIN d_items s USING (item_id)
), stored AS (
    SELECT t.rowid AS stored_row, t.* FROM update_items t SEMI JOIN matched m ON t.rowid = m.stored_row
), compared AS (
    SELECT s.*, t.stored_row AS target_row, t.revision AS stored_revision, t.headline AS stored_headline,
           t.text AS stored_text, t.content_hash AS stored_hash, t.revised_at AS stored_revised_at,
           CASE WHEN t.item_id IS NULL THEN 'inserted'
                WHEN revises(s.seen_at, s.content_hash, t.revised_at, t.content_hash) THEN 'revised'
                WHEN s.seen_at >= t.last_seen_at
                 AND (s.article_id, s.post_id, s.native_id, s.position, s.published_at, s.updated_at, s.url, s.author,
                      s.is_pinned, s.is_key_event)
                     IS DISTINCT FROM
                     (t.article_id, t.post_id, t.native_id, t.position, t.published_at, t.updated_at, t.url, t.author,
                      t.is_pinned, t.is_key_event) THEN 'updated'
                ELSE 'unchanged' END AS action,
           s.seen_at > t.last_seen_at OR s.first_seen_at < t.first_seen_at AS times_move
    FROM d_items s LEFT JOIN stored t USING (item_id)
)
SELECT * EXCLUDE (stored_revision, stored_headline, stored_text, stored_hash, stored_revised_at, times_move),
       CASE WHEN action IN ('revised', 'updated') THEN 'fields' WHEN action = 'unchanged' AND times_move THEN 'times'
       END AS change,
       -- the text a revision replaces (null unless revised)
       CASE WHEN action = 'revised' THEN stored_revision END AS old_revision,
       CASE WHEN action = 'revised' THEN stored_headline END AS old_headline,
       CASE WHEN action = 'revised' THEN stored_text END AS old_text,
       CASE WHEN action = 'revised' THEN stored_hash END AS old_content_hash,
       CASE WHEN action = 'revised' THEN stored_revised_at END AS old_revised_at,
       CASE WHEN action = 'revised' THEN seen_at END AS replaced_at
FROM compared;

INSERT INTO item_revisions (item_id, revision, headline, text, content_hash, first_seen_at, replaced_at)
SELECT item_id, old_revision, old_headline, old_text, old_content_hash, old_revised_at, replaced_at
FROM a_items WHERE action = 'revised';

INSERT INTO update_items (
    item_id, article_id, post_id, kind, native_id, position, published_at, updated_at, headline, text, url, author,
    is_pinned, is_key_event, revision, content_hash, revised_at, first_seen_at, last_seen_at
)
SELECT item_id, article_id, post_id, kind, native_id, position, published_at, updated_at, headline, text, url, author,
       is_pinned, is_key_event, 1, content_hash, first_seen_at, first_seen_at, seen_at
FROM a_items WHERE action = 'inserted';

-- A revision takes the new text (revision + 1) and the read's other values; an update (a read at least as recent as
-- the stored one) the other values (equal ones change nothing).
UPDATE update_items t SET
    headline = CASE WHEN s.action = 'revised' THEN s.headline ELSE t.headline END,
    text = CASE WHEN s.action = 'revised' THEN s.text ELSE t.text END,
    revision = CASE WHEN s.action = 'revised' THEN t.revision + 1 ELSE t.revision END,
    revised_at = CASE WHEN s.action = 'revised' THEN s.seen_at ELSE t.revised_at END,
    content_hash = CASE WHEN s.action = 'revised' THEN s.content_hash ELSE t.content_hash END,
    article_id = s.article_id, post_id = s.post_id, native_id = s.native_id, position = s.position,
    published_at = s.published_at, updated_at = s.updated_at, url = s.url, author = s.author,
    is_pinned = s.is_pinned, is_key_event = s.is_key_event,
    first_seen_at = least(s.first_seen_at, t.first_seen_at),
    last_seen_at = greatest(s.seen_at, t.last_seen_at)
FROM a_items s
WHERE t.rowid = s.target_row AND s.change = 'fields';

UPDATE update_items t SET
    first_seen_at = least(s.first_seen_at, t.first_seen_at), last_seen_at = greatest(s.seen_at, t.last_seen_at)
FROM a_items s
WHERE t.rowid = s.target_row AND s.change = 'times';
