-- How often each live blog updates: entries per hour, gaps between them, and lag from event to entry.
CREATE OR REPLACE VIEW report_liveblog_cadence AS
SELECT
    article_id,
    any_value(outlet) AS outlet,
    any_value(title) AS title,
    entry_hour,
    count(*) AS entries,
    count(*) FILTER (WHERE is_key_event) AS key_events,
    median(minutes_since_previous_entry) AS median_minutes_between_entries,
    median(event_to_entry_minutes) AS median_event_to_entry_minutes
FROM report_liveblog_entries
GROUP BY article_id, entry_hour;
COMMENT ON VIEW report_liveblog_cadence IS 'One row per live blog and UTC hour with at least one entry: entries published, key events, median gap between entries and median time from event to entry.';
COMMENT ON COLUMN report_liveblog_cadence.article_id IS 'The live blog.';
COMMENT ON COLUMN report_liveblog_cadence.outlet IS 'The live blog''s outlet.';
COMMENT ON COLUMN report_liveblog_cadence.title IS 'The live blog''s headline.';
COMMENT ON COLUMN report_liveblog_cadence.entry_hour IS 'The UTC hour (a timestamp without time zone, in UTC).';
COMMENT ON COLUMN report_liveblog_cadence.entries IS 'Entries published in that hour.';
COMMENT ON COLUMN report_liveblog_cadence.key_events IS 'Of those, entries marked as key events.';
COMMENT ON COLUMN report_liveblog_cadence.median_minutes_between_entries IS 'Median minutes from each of those entries back to the blog''s previous entry (null when the hour holds only the blog''s first entry).';
COMMENT ON COLUMN report_liveblog_cadence.median_event_to_entry_minutes IS 'Median minutes from event to entry, over the entries that embed a post.';
