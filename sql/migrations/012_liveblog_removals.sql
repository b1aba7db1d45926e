-- Live-blog entries taken down: an entry with an id of its own that a later complete read of its page no longer
-- shows gets removed_at; one that comes back has it cleared. Every removal and return is a row of item_events.
ALTER TABLE update_items ADD COLUMN removed_at TIMESTAMPTZ;
COMMENT ON COLUMN update_items.removed_at IS 'When a read of its page first no longer showed this live-blog entry (UTC): set only for an entry with an id of its own (the publisher''s entry id, not a text-derived key), by a complete read (the whole entry list present: no pagination, no entries listed only in JSON-LD) newer than last_seen_at; never by a failed or partial read or a reparse. Null while the entry is on the page, and again once it comes back. Its history is in item_events.';

CREATE TABLE item_events (
    item_id  VARCHAR NOT NULL,
    kind     VARCHAR NOT NULL,
    "at"       TIMESTAMPTZ NOT NULL,
    run_id   VARCHAR NOT NULL,
    PRIMARY KEY (item_id, kind, "at")
);
COMMENT ON TABLE item_events IS 'Removals and returns of live-blog entries: one row each time a complete read of its page first no longer showed an entry with an id of its own, or a read showed it again.';
COMMENT ON COLUMN item_events.item_id IS 'The update item (a live-blog entry).';
COMMENT ON COLUMN item_events.kind IS 'removed: the first complete read without the entry; restored: the first read showing it again after a removal.';
COMMENT ON COLUMN item_events."at" IS 'When that read was made (UTC): the page''s fetch time.';
COMMENT ON COLUMN item_events.run_id IS 'The ingest run that loaded that read (ingest_runs.run_id).';
