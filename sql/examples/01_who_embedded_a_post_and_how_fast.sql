-- Which outlets embedded the posts that travelled furthest, in what order, and how many minutes after the post?
-- (Posts embedded by more than one outlet; change the HAVING to look at one post, e.g. WHERE post_id = 'x:…'.)
WITH travelled AS (
    SELECT post_id FROM report_post_reach WHERE outlets > 1
)
SELECT
    e.author_handle,
    e.posted_at,
    e.outlet,
    e.embedded_at,
    e.embedded_at_basis,
    e.lag_minutes,
    row_number() OVER (PARTITION BY e.post_id ORDER BY e.embedded_at, e.outlet) AS nth_embed
FROM report_post_embeds e
JOIN travelled USING (post_id)
ORDER BY e.posted_at, e.post_id, nth_embed;
