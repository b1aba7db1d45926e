-- The UTC offset a page stated with its published time (published_at itself is stored in UTC): a site's commonest
-- offset is the zone its pages that state none are read in.
ALTER TABLE articles ADD COLUMN published_offset_minutes INTEGER;
COMMENT ON COLUMN articles.published_offset_minutes IS 'The UTC offset, in minutes, the page stated with its published time (e.g. 120 for +02:00, 0 for Z); null when the page gave its published time without a zone. A site''s commonest offset is the zone its pages that state none are read in.';
