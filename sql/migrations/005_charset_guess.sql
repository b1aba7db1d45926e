-- The charset a page was decoded with when it had to be guessed: no byte-order mark, not UTF-8, and no declaration
-- (HTTP header, <meta>, XML declaration) that fits the bytes. Null when the charset was certain or declared.
ALTER TABLE articles ADD COLUMN charset_guessed VARCHAR;
COMMENT ON COLUMN articles.charset_guessed IS 'The charset (Python codec name, e.g. cp1252, cp1251) the page''s bytes were decoded with when it was guessed: no byte-order mark, not UTF-8, and no HTTP or in-page declaration that fits the bytes. Null when the charset was declared or certain. Latin-script text is guessed as cp1252; check pages with a guess if their accents look wrong.';
