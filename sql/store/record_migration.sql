-- A migration has been applied (parameters: version, name).
INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, now());
