-- Report page: live-blog entries and key points by number of revisions, with the median time to a first edit.
SELECT revisions, count(*) AS items, median(minutes_to_first_edit) AS median_minutes_to_first_edit
FROM report_item_edits
WHERE kind IN ('liveblog_entry', 'key_point')
GROUP BY revisions
ORDER BY revisions;
