-- How much is edited after publishing: revisions per item and the time to its first edit (from item_revisions).
CREATE OR REPLACE VIEW report_item_edits AS
WITH history AS (
    SELECT item_id,
           min(first_seen_at) FILTER (WHERE revision = 1) AS first_text_seen_at,
           min(replaced_at) FILTER (WHERE revision = 1) AS first_edit_seen_at
    FROM item_revisions
    GROUP BY item_id
)
SELECT
    i.item_id,
    i.kind,
    coalesce(i.article_id, i.post_id) AS parent_id,
    p.outlet,
    i.headline,
    i.revision AS revisions,
    i.revision - 1 AS edits,
    coalesce(i.published_at, h.first_text_seen_at, i.first_seen_at) AS published_at,
    h.first_edit_seen_at,
    CASE WHEN i.revision > 1 THEN i.revised_at END AS last_edit_seen_at,
    round((epoch(h.first_edit_seen_at) - epoch(coalesce(i.published_at, h.first_text_seen_at, i.first_seen_at)))
          / 60.0, 1) AS minutes_to_first_edit
FROM update_items i
LEFT JOIN history h ON h.item_id = i.item_id
LEFT JOIN report_pages p ON p.article_id = i.article_id;
COMMENT ON VIEW report_item_edits IS 'One row per update item (live-blog entry, key point, thread item): how many texts it has had and how soon after publishing it was first edited. An edit is seen when a run reads a changed text, so times are as precise as the runs are frequent.';
COMMENT ON COLUMN report_item_edits.item_id IS 'The item.';
COMMENT ON COLUMN report_item_edits.kind IS 'liveblog_entry, key_point or thread_item.';
COMMENT ON COLUMN report_item_edits.parent_id IS 'The page holding the item (article_id), or the post holding a thread item (post_id).';
COMMENT ON COLUMN report_item_edits.outlet IS 'The outlet of the page holding the item; null for a thread item.';
COMMENT ON COLUMN report_item_edits.headline IS 'The item''s current headline.';
COMMENT ON COLUMN report_item_edits.revisions IS 'Texts the item has had, 1 when never edited.';
COMMENT ON COLUMN report_item_edits.edits IS 'Edits seen: revisions - 1.';
COMMENT ON COLUMN report_item_edits.published_at IS 'When the item was published, else when its first text was first seen (UTC).';
COMMENT ON COLUMN report_item_edits.first_edit_seen_at IS 'When a run first saw a changed text (UTC); null when never edited.';
COMMENT ON COLUMN report_item_edits.last_edit_seen_at IS 'When a run first saw the current text, if it is not the first (UTC).';
COMMENT ON COLUMN report_item_edits.minutes_to_first_edit IS 'Minutes from published_at to first_edit_seen_at; null when never edited.';
