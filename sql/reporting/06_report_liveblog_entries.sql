-- Each live-blog entry with its time, the gap since the entry before it, and the lag from the event it reports.
CREATE OR REPLACE VIEW report_liveblog_entries AS
WITH entries AS (
    SELECT
        i.item_id, i.article_id, i.position, i.headline, i.is_key_event,
        coalesce(i.published_at, i.first_seen_at) AS entry_at,
        i.published_at IS NULL AS entry_at_is_first_seen,
        i.first_seen_at
    FROM update_items i
    WHERE i.kind = 'liveblog_entry'
),
events AS (
    SELECT ap.item_id, min(s.posted_at) AS event_at
    FROM article_posts ap JOIN social_posts s ON s.post_id = ap.post_id
    WHERE ap.item_id IS NOT NULL
    GROUP BY ap.item_id
)
SELECT
    e.item_id,
    e.article_id,
    p.outlet,
    p.title,
    e.position,
    e.headline,
    e.is_key_event,
    e.entry_at,
    e.entry_at_is_first_seen,
    date_trunc('hour', timezone('UTC', e.entry_at)) AS entry_hour,
    round((epoch(e.entry_at) - epoch(lag(e.entry_at) OVER (PARTITION BY e.article_id ORDER BY e.entry_at, e.item_id)))
          / 60.0, 1) AS minutes_since_previous_entry,
    ev.event_at,
    round((epoch(e.entry_at) - epoch(ev.event_at)) / 60.0, 1) AS event_to_entry_minutes,
    round((epoch(e.first_seen_at) - epoch(e.entry_at)) / 60.0, 1) AS entry_to_first_seen_minutes
FROM entries e
JOIN report_pages p ON p.article_id = e.article_id
LEFT JOIN events ev ON ev.item_id = e.item_id;
COMMENT ON VIEW report_liveblog_entries IS 'One row per live-blog entry: when it was published, the gap since the blog''s previous entry, and the time from the event it reports (the earliest post it embeds) to the entry.';
COMMENT ON COLUMN report_liveblog_entries.item_id IS 'The entry (update_items.item_id).';
COMMENT ON COLUMN report_liveblog_entries.article_id IS 'The live blog.';
COMMENT ON COLUMN report_liveblog_entries.outlet IS 'The live blog''s outlet.';
COMMENT ON COLUMN report_liveblog_entries.title IS 'The live blog''s headline.';
COMMENT ON COLUMN report_liveblog_entries.position IS 'The entry''s position in the blog, 1 first.';
COMMENT ON COLUMN report_liveblog_entries.headline IS 'The entry''s headline.';
COMMENT ON COLUMN report_liveblog_entries.is_key_event IS 'True when the blog marks the entry as a key event.';
COMMENT ON COLUMN report_liveblog_entries.entry_at IS 'When the entry was published, else when a run first saw it (UTC).';
COMMENT ON COLUMN report_liveblog_entries.entry_at_is_first_seen IS 'True when the page gives no time for the entry, so entry_at is when we first saw it.';
COMMENT ON COLUMN report_liveblog_entries.entry_hour IS 'The UTC hour of entry_at (a timestamp without time zone, in UTC).';
COMMENT ON COLUMN report_liveblog_entries.minutes_since_previous_entry IS 'Minutes since the blog''s previous entry; null for its first.';
COMMENT ON COLUMN report_liveblog_entries.event_at IS 'When the event the entry reports happened: the earliest posted_at of the posts it embeds; null when it embeds none.';
COMMENT ON COLUMN report_liveblog_entries.event_to_entry_minutes IS 'Minutes from event_at to entry_at.';
COMMENT ON COLUMN report_liveblog_entries.entry_to_first_seen_minutes IS 'Minutes from entry_at to when a run first saw the entry (how far our reads lag the blog).';
