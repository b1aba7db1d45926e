-- When a live blog says its coverage ends (JSON-LD coverageEndTime): discovery stops refetching it after that.
ALTER TABLE articles ADD COLUMN coverage_end_at TIMESTAMPTZ;
COMMENT ON COLUMN articles.coverage_end_at IS 'When a live blog says its coverage ends (JSON-LD coverageEndTime, UTC); it is not refetched after that.';
