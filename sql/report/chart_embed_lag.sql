-- Report page: embeds by lag from the post to the embed, in buckets (day-precision posts and unknown times apart).
SELECT bucket, count(*) AS embeds
FROM (
    SELECT CASE
        WHEN lag_minutes IS NULL OR posted_at_precision = 'day' OR embedded_at_basis = 'first_seen' THEN 9
        WHEN lag_minutes < 0 THEN 0
        WHEN lag_minutes < 60 THEN 1
        WHEN lag_minutes < 360 THEN 2
        WHEN lag_minutes < 1440 THEN 3
        WHEN lag_minutes < 10080 THEN 4
        ELSE 5 END AS bucket
    FROM report_post_embeds
)
GROUP BY bucket
ORDER BY bucket;
