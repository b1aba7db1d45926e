-- Live-blog entries removed and restored (item_events, and update_items.removed_at), after the items' merge (so
-- each entry's last_seen_at includes this batch). Fed by the batch as staged: batch_articles.entries_complete (the
-- read showed the page's whole entry list, as its adapter judged) and the batch's entries (batch_update_items; a
-- live-blog entry belongs to its page, never to a post, so no post move re-keys it). a_item_events: one row per
-- entry removed or restored by this batch, with when and its row (a restored one found through a_items' rowid);
-- the UPDATE sets or clears removed_at, the events are inserted.
--
-- Restored: an entry marked removed that a read newer than its removal shows again; at = the first such read.
-- Removed: an entry with an id of its own (native_id), not marked removed, that a complete read of its page newer
-- than its last_seen_at did not show (every read that showed it moved last_seen_at); at = the first such read.
-- A reparse stages no complete read (pipeline/batches.py `replays`, `parse_read`), so it never removes anything.
CREATE OR REPLACE TEMP TABLE a_item_events AS
SELECT t.item_id, t.rowid AS target_row, 'restored' AS kind, min(b.seen_at) AS "at"
FROM batch_update_items b JOIN a_items a USING (item_id) JOIN update_items t ON t.rowid = a.target_row
WHERE b.kind = 'liveblog_entry' AND t.removed_at IS NOT NULL AND b.seen_at > t.removed_at
GROUP BY t.item_id, t.rowid
UNION ALL
SELECT t.item_id, t.rowid AS target_row, 'removed' AS kind, min(c.seen_at) AS "at"
FROM batch_articles c
JOIN update_items t ON t.article_id = c.article_id
WHERE c.entries_complete AND t.kind = 'liveblog_entry' AND t.native_id IS NOT NULL AND t.removed_at IS NULL
  AND c.seen_at > t.last_seen_at
GROUP BY t.item_id, t.rowid;

UPDATE update_items t SET removed_at = CASE WHEN s.kind = 'removed' THEN s."at" END
FROM a_item_events s WHERE t.rowid = s.target_row;

INSERT INTO item_events (item_id, kind, "at", run_id)
SELECT item_id, kind, "at", getvariable('run_id') FROM a_item_events;
