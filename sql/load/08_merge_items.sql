-- Update items: a changed text under the same identity becomes revision + 1 and the replaced text goes to
-- item_revisions; other changes (position after a re-order, times, flags) are updated in place. Only a read at
-- least as recent as the stored one changes anything.
CREATE OR REPLACE TEMP TABLE m_items AS
SELECT s.*,
       t.revision AS old_revision,
       CASE WHEN t.item_id IS NULL THEN 'inserted'
            WHEN s.seen_at >= t.revised_at AND s.content_hash <> t.content_hash THEN 'revised'
            WHEN s.seen_at >= t.last_seen_at
             AND (s.article_id, s.post_id, s.native_id, s.position, s.published_at, s.updated_at, s.url, s.author,
                  s.is_pinned, s.is_key_event)
                 IS DISTINCT FROM
                 (t.article_id, t.post_id, t.native_id, t.position, t.published_at, t.updated_at, t.url, t.author,
                  t.is_pinned, t.is_key_event) THEN 'updated'
            ELSE 'unchanged' END AS action,
       least(s.first_seen_at, t.first_seen_at) AS new_first_seen_at,
       greatest(s.seen_at, t.last_seen_at) AS new_last_seen_at
FROM d_items s LEFT JOIN update_items t USING (item_id);

INSERT INTO item_revisions (item_id, revision, headline, text, content_hash, first_seen_at, replaced_at)
SELECT t.item_id, t.revision, t.headline, t.text, t.content_hash, t.revised_at, s.seen_at
FROM m_items s JOIN update_items t USING (item_id)
WHERE s.action = 'revised';

MERGE INTO update_items t USING m_items s ON t.item_id = s.item_id
-- One UPDATE action, with the choice per column: DuckLake's MERGE takes a single UPDATE action.
WHEN MATCHED THEN UPDATE SET
    headline = CASE WHEN s.action = 'revised' THEN s.headline ELSE t.headline END,
    text = CASE WHEN s.action = 'revised' THEN s.text ELSE t.text END,
    content_hash = CASE WHEN s.action = 'revised' THEN s.content_hash ELSE t.content_hash END,
    revision = CASE WHEN s.action = 'revised' THEN s.old_revision + 1 ELSE t.revision END,
    revised_at = CASE WHEN s.action = 'revised' THEN s.seen_at ELSE t.revised_at END,
    article_id = CASE WHEN s.action IN ('revised', 'updated') THEN s.article_id ELSE t.article_id END,
    post_id = CASE WHEN s.action IN ('revised', 'updated') THEN s.post_id ELSE t.post_id END,
    native_id = CASE WHEN s.action IN ('revised', 'updated') THEN s.native_id ELSE t.native_id END,
    position = CASE WHEN s.action IN ('revised', 'updated') THEN s.position ELSE t.position END,
    published_at = CASE WHEN s.action IN ('revised', 'updated') THEN s.published_at ELSE t.published_at END,
    updated_at = CASE WHEN s.action IN ('revised', 'updated') THEN s.updated_at ELSE t.updated_at END,
    url = CASE WHEN s.action IN ('revised', 'updated') THEN s.url ELSE t.url END,
    author = CASE WHEN s.action IN ('revised', 'updated') THEN s.author ELSE t.author END,
    is_pinned = CASE WHEN s.action IN ('revised', 'updated') THEN s.is_pinned ELSE t.is_pinned END,
    is_key_event = CASE WHEN s.action IN ('revised', 'updated') THEN s.is_key_event ELSE t.is_key_event END,
    first_seen_at = s.new_first_seen_at, last_seen_at = s.new_last_seen_at
WHEN NOT MATCHED THEN INSERT (
    item_id, article_id, post_id, kind, native_id, position, published_at, updated_at, headline, text, url, author,
    is_pinned, is_key_event, revision, content_hash, revised_at, first_seen_at, last_seen_at
) VALUES (
    s.item_id, s.article_id, s.post_id, s.kind, s.native_id, s.position, s.published_at, s.updated_at, s.headline,
    s.text, s.url, s.author, s.is_pinned, s.is_key_event, 1, s.content_hash, s.first_seen_at, s.first_seen_at,
    s.seen_at
);
