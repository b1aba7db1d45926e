-- Update items. d_items: one row per item of the batch (the latest read; first_seen_at the earliest), a view.
-- a_items: what the merge does to each: a changed text under the same identity is 'revised' (revision + 1, the
-- replaced text and its times kept here for item_revisions); other changes (position after a re-order, times,
-- flags) are 'updated' in place. Only a read at least as recent as the stored one changes anything.
CREATE OR REPLACE TEMP VIEW d_items AS
SELECT * REPLACE (min(first_seen_at) OVER (PARTITION BY item_id) AS first_seen_at,
                  max(seen_at) OVER (PARTITION BY item_id) AS seen_at)
FROM s_items
QUALIFY row_number() OVER (PARTITION BY item_id ORDER BY seen_at DESC, position) = 1;

-- A revision: a read at least as recent as the stored text's, with another text (a_items decides; the MERGE follows
-- its action).
CREATE OR REPLACE TEMP MACRO revises(seen_at, content_hash, revised_at, stored_hash) AS
    seen_at >= revised_at AND content_hash <> stored_hash;

CREATE OR REPLACE TEMP TABLE a_items AS
WITH compared AS (
    SELECT s.item_id, s.article_id, s.post_id, s.seen_at, t.revision, t.headline, t.text, t.content_hash, t.revised_at,
           CASE WHEN t.item_id IS NULL THEN 'inserted'
                WHEN revises(s.seen_at, s.content_hash, t.revised_at, t.content_hash) THEN 'revised'
                WHEN s.seen_at >= t.last_seen_at
                 AND (s.article_id, s.post_id, s.native_id, s.position, s.published_at, s.updated_at, s.url, s.author,
                      s.is_pinned, s.is_key_event)
                     IS DISTINCT FROM
                     (t.article_id, t.post_id, t.native_id, t.position, t.published_at, t.updated_at, t.url, t.author,
                      t.is_pinned, t.is_key_event) THEN 'updated'
                ELSE 'unchanged' END AS action
    FROM d_items s LEFT JOIN update_items t USING (item_id)
)
SELECT item_id, article_id, post_id, action,
       -- the text a revision replaces (null unless revised)
       CASE WHEN action = 'revised' THEN revision END AS old_revision,
       CASE WHEN action = 'revised' THEN headline END AS old_headline,
       CASE WHEN action = 'revised' THEN text END AS old_text,
       CASE WHEN action = 'revised' THEN content_hash END AS old_content_hash,
       CASE WHEN action = 'revised' THEN revised_at END AS old_revised_at,
       CASE WHEN action = 'revised' THEN seen_at END AS replaced_at
FROM compared;

INSERT INTO item_revisions (item_id, revision, headline, text, content_hash, first_seen_at, replaced_at)
SELECT item_id, old_revision, old_headline, old_text, old_content_hash, old_revised_at, replaced_at
FROM a_items WHERE action = 'revised';

MERGE INTO update_items t USING (SELECT d.*, a.action FROM d_items d JOIN a_items a USING (item_id)) s
    ON t.item_id = s.item_id
-- One UPDATE action, with the choice per column: DuckLake's MERGE takes a single UPDATE action. The other columns
-- follow a revision (a_items' 'revised') or a read at least as recent as the stored one (equal values change
-- nothing).
WHEN MATCHED THEN UPDATE SET
    headline = CASE WHEN s.action = 'revised' THEN s.headline ELSE t.headline END,
    text = CASE WHEN s.action = 'revised' THEN s.text ELSE t.text END,
    revision = CASE WHEN s.action = 'revised' THEN t.revision + 1 ELSE t.revision END,
    revised_at = CASE WHEN s.action = 'revised' THEN s.seen_at ELSE t.revised_at END,
    content_hash = CASE WHEN s.action = 'revised' THEN s.content_hash ELSE t.content_hash END,
    article_id = CASE WHEN s.action = 'revised' OR s.seen_at >= t.last_seen_at THEN s.article_id ELSE t.article_id END,
    post_id = CASE WHEN s.action = 'revised' OR s.seen_at >= t.last_seen_at THEN s.post_id ELSE t.post_id END,
    native_id = CASE WHEN s.action = 'revised' OR s.seen_at >= t.last_seen_at THEN s.native_id ELSE t.native_id END,
    position = CASE WHEN s.action = 'revised' OR s.seen_at >= t.last_seen_at THEN s.position ELSE t.position END,
    published_at = CASE WHEN s.action = 'revised' OR s.seen_at >= t.last_seen_at THEN s.published_at
                   ELSE t.published_at END,
    updated_at = CASE WHEN s.action = 'revised' OR s.seen_at >= t.last_seen_at THEN s.updated_at ELSE t.updated_at END,
    url = CASE WHEN s.action = 'revised' OR s.seen_at >= t.last_seen_at THEN s.url ELSE t.url END,
    author = CASE WHEN s.action = 'revised' OR s.seen_at >= t.last_seen_at THEN s.author ELSE t.author END,
    is_pinned = CASE WHEN s.action = 'revised' OR s.seen_at >= t.last_seen_at THEN s.is_pinned ELSE t.is_pinned END,
    is_key_event = CASE WHEN s.action = 'revised' OR s.seen_at >= t.last_seen_at THEN s.is_key_event
                   ELSE t.is_key_event END,
    first_seen_at = least(s.first_seen_at, t.first_seen_at),
    last_seen_at = greatest(s.seen_at, t.last_seen_at)
WHEN NOT MATCHED THEN INSERT (
    item_id, article_id, post_id, kind, native_id, position, published_at, updated_at, headline, text, url, author,
    is_pinned, is_key_event, revision, content_hash, revised_at, first_seen_at, last_seen_at
) VALUES (
    s.item_id, s.article_id, s.post_id, s.kind, s.native_id, s.position, s.published_at, s.updated_at, s.headline,
    s.text, s.url, s.author, s.is_pinned, s.is_key_event, 1, s.content_hash, s.first_seen_at, s.first_seen_at,
    s.seen_at
);
