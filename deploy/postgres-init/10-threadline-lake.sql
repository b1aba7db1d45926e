-- The DuckLake warehouse's catalog: a database of its own in the compose file's PostgreSQL service (beside Airflow's
-- metadata database). PostgreSQL runs this once, when it initialises a fresh volume; on an existing volume run
--   docker compose exec postgres createdb -U airflow threadline_lake
-- The first writer creates the lake's tables in it (docs/lake.md).
CREATE DATABASE threadline_lake;
