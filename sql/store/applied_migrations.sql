-- Versions already applied.
SELECT version FROM schema_migrations;
