-- Sources whose reads failed, most recent failure first: how often, when last, and the last cause given.
SELECT
    url AS source,
    count(*) AS failures,
    max(fetched_at) AS last_failed_at,
    arg_max(outcome, fetched_at) AS last_outcome,
    arg_max(cause, fetched_at) AS last_cause
FROM fetch_log
WHERE outcome NOT IN ('ok', 'not_modified', 'unchanged')
GROUP BY url
ORDER BY last_failed_at DESC, source
LIMIT ?;
