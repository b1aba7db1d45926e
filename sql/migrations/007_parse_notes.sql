-- What the parser noticed on a page it did read: kept with the read's attempt, so a page whose body came out empty
-- (while its markup held an article) is visible in the warehouse, not only in the run's output.
ALTER TABLE fetch_log ADD COLUMN parse_notes VARCHAR;
COMMENT ON COLUMN fetch_log.parse_notes IS 'The parser''s warnings on the page this attempt read, one a line (a body that came out nearly empty while the page''s paragraphs hold an article, an embed that could not be read, unreadable JSON-LD…); null when it had none or the page was not parsed.';
