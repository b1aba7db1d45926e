-- What happened to each live blog's entries, in time order: additions, edits, removals and returns.
CREATE OR REPLACE VIEW report_liveblog_changes AS
WITH changes AS (
    SELECT item_id, 'added' AS change, first_seen_at AS "at", 1 AS revision
    FROM update_items WHERE kind = 'liveblog_entry'
    UNION ALL
    SELECT r.item_id, 'edited', r.replaced_at, r.revision + 1
    FROM item_revisions r JOIN update_items i ON i.item_id = r.item_id AND i.kind = 'liveblog_entry'
    UNION ALL
    SELECT e.item_id, e.kind, e."at", NULL
    FROM item_events e
)
SELECT
    i.article_id,
    p.outlet,
    p.title,
    c.item_id,
    i.native_id,
    i.headline,
    c.change,
    c."at",
    c.revision,
    i.published_at AS entry_published_at,
    i.removed_at IS NOT NULL AS removed_now
FROM changes c
JOIN update_items i ON i.item_id = c.item_id
LEFT JOIN report_pages p ON p.article_id = i.article_id;
COMMENT ON VIEW report_liveblog_changes IS 'One row per change a run saw to a live-blog entry: added (first seen), edited (a new text first seen), removed (the first complete read of its page without it) and restored (the first read showing it again). Times are when a read saw the change, as precise as the polls are frequent (the live mode reads a live blog every few minutes, the nightly run once a day).';
COMMENT ON COLUMN report_liveblog_changes.article_id IS 'The live blog.';
COMMENT ON COLUMN report_liveblog_changes.outlet IS 'The outlet publishing the live blog.';
COMMENT ON COLUMN report_liveblog_changes.title IS 'The live blog''s title.';
COMMENT ON COLUMN report_liveblog_changes.item_id IS 'The entry (update_items.item_id).';
COMMENT ON COLUMN report_liveblog_changes.native_id IS 'The publisher''s id for the entry; null when it has none (such an entry is never marked removed).';
COMMENT ON COLUMN report_liveblog_changes.headline IS 'The entry''s current headline.';
COMMENT ON COLUMN report_liveblog_changes.change IS 'added, edited, removed or restored.';
COMMENT ON COLUMN report_liveblog_changes."at" IS 'When a read first saw the change (UTC).';
COMMENT ON COLUMN report_liveblog_changes.revision IS 'For added and edited: the revision the entry''s text became (1 when added); null for removed and restored.';
COMMENT ON COLUMN report_liveblog_changes.entry_published_at IS 'When the page says the entry was published (UTC), if it says.';
COMMENT ON COLUMN report_liveblog_changes.removed_now IS 'Whether the entry is off the page as of the latest complete read (update_items.removed_at is set).';
