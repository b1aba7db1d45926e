-- No PRIMARY KEY or UNIQUE constraints in a DuckDB file, as on a lake: a CHECKPOINT rewrites a keyed table's index
-- whole, so every load cost as much as the tables it touched were big (docs/architecture.md). The migrations are
-- applied without their keys from now on (pipeline/store/migrate.py `without_keys`); a file made before has its keyed
-- tables rebuilt without them, rows, column order, NOT NULLs and comments kept (`rebuild_without_keys`, run after
-- this file). Keys stay unique: every load merges a batch deduplicated on them (sql/load/), which docs/contract.md
-- promises and tests/test_store.py checks on both backends.
SELECT 1;
