-- The UTC offset (minutes) each site's stored pages state most often in their published time, by host of the page's
-- URL: the zone a page of that site that states none is read in (pipeline/site_zones.py). One row per host; a tie
-- goes to the smaller offset.
SELECT host, offset_minutes
FROM (
    SELECT lower(regexp_extract(url, '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:]+)', 1)) AS host,
           published_offset_minutes AS offset_minutes,
           count(*) AS pages
    FROM articles
    WHERE published_offset_minutes IS NOT NULL AND url IS NOT NULL
    GROUP BY ALL
)
WHERE host <> ''
QUALIFY row_number() OVER (PARTITION BY host ORDER BY pages DESC, offset_minutes) = 1;
