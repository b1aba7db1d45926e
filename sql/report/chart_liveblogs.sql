-- Report page: each live blog's entries, median gap between entries and median time from event to entry.
SELECT any_value(outlet) AS outlet, any_value(title) AS title, count(*) AS entries,
       median(minutes_since_previous_entry) AS median_minutes_between_entries,
       median(event_to_entry_minutes) AS median_event_to_entry_minutes
FROM report_liveblog_entries
GROUP BY article_id
ORDER BY entries DESC, title
LIMIT 15;
