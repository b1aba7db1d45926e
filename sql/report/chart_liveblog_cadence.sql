-- Report page: live-blog entries per UTC hour (all blogs), the 48 most recent hours with entries.
WITH hours AS (SELECT DISTINCT entry_hour FROM report_liveblog_cadence ORDER BY entry_hour DESC LIMIT 48)
SELECT entry_hour, sum(entries) AS entries, sum(key_events) AS key_events,
       median(median_event_to_entry_minutes) AS median_event_to_entry_minutes
FROM report_liveblog_cadence JOIN hours USING (entry_hour)
GROUP BY entry_hour
ORDER BY entry_hour;
