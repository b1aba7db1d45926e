-- What did live blogs take down, how long had it been up, and did it come back? One row per removal.
SELECT
    r.outlet,
    r.title,
    r.native_id,
    r.headline,
    a."at" AS added_at,
    r."at" AS removed_at,
    round((epoch(r."at") - epoch(a."at")) / 60.0, 1) AS minutes_up,
    (SELECT min(b."at") FROM report_liveblog_changes b
     WHERE b.item_id = r.item_id AND b.change = 'restored' AND b."at" > r."at") AS restored_at
FROM report_liveblog_changes r
JOIN report_liveblog_changes a ON a.item_id = r.item_id AND a.change = 'added'
WHERE r.change = 'removed'
ORDER BY r."at", r.outlet, r.native_id;
