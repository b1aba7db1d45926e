-- How often does each live blog update, how soon after the event, and how much is edited after publishing?
SELECT
    e.outlet,
    e.title,
    count(*) AS entries,
    min(e.entry_at) AS first_entry_at,
    max(e.entry_at) AS last_entry_at,
    round(count(*) / greatest(1, (epoch(max(e.entry_at)) - epoch(min(e.entry_at))) / 3600.0), 1) AS entries_per_hour,
    median(e.minutes_since_previous_entry) AS median_minutes_between_entries,
    median(e.event_to_entry_minutes) AS median_event_to_entry_minutes,
    count(*) FILTER (WHERE d.edits > 0) AS entries_edited,
    sum(d.edits) AS edits,
    median(d.minutes_to_first_edit) AS median_minutes_to_first_edit
FROM report_liveblog_entries e
JOIN report_item_edits d USING (item_id)
GROUP BY e.article_id, e.outlet, e.title
ORDER BY entries DESC, e.title;
