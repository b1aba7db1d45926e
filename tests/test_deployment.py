"""docker-compose.yml and the Dockerfile: a valid Compose file with Airflow's official topology (CeleryExecutor),
our image, the execution API URL, and one data volume shared by every container that reads or writes the data."""
from __future__ import annotations

import json
import re
import secrets
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "tests" / "fixtures" / "compose_spec.json"
AIRFLOW_SERVICES = {"airflow-init", "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor",
                    "airflow-triggerer", "airflow-worker"}
DATA = "/opt/threadline/data"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_the_file_is_valid_against_the_compose_specification(compose):
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft201909Validator(schema).validate(compose)


@pytest.mark.skipif(shutil.which("docker-compose") is None,
                    reason="no docker-compose binary (apt install docker-compose)")
def test_docker_compose_config_accepts_it():
    result = subprocess.run(["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config", "--quiet"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "AIRFLOW_UID": "50000"})
    assert result.returncode == 0, result.stderr


def test_services_follow_airflows_official_celery_topology(compose):
    services = compose["services"]
    assert AIRFLOW_SERVICES | {"postgres", "redis"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    commands = {name: services[name].get("command") for name in AIRFLOW_SERVICES - {"airflow-init"}}
    assert commands == {"airflow-apiserver": "api-server", "airflow-scheduler": "scheduler",
                        "airflow-dag-processor": "dag-processor", "airflow-triggerer": "triggerer",
                        "airflow-worker": "celery worker"}
    init = services["airflow-init"]["environment"]
    assert init["_AIRFLOW_DB_MIGRATE"] == "true" and init["_AIRFLOW_WWW_USER_CREATE"] == "true"
    for name in AIRFLOW_SERVICES - {"airflow-init"}:
        assert services[name]["depends_on"]["airflow-init"] == {"condition": "service_completed_successfully"}


def test_every_airflow_container_runs_our_image_with_celery_postgres_redis_and_the_execution_api(compose):
    services = compose["services"]
    api_port = services["airflow-apiserver"]["ports"][0].split(":")[-1]
    for name in AIRFLOW_SERVICES:
        service, env = services[name], services[name]["environment"]
        assert service["build"] == "." and service["image"].endswith("threadline-airflow:3.3.2}")
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://airflow:airflow@postgres/")
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://") and "@redis:6379" in env[
            "AIRFLOW__CELERY__BROKER_URL"]
        # workers reach the api-server, not the DB: the URL names the api-server service and its port
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == f"http://airflow-apiserver:{api_port}/execution/"
        assert env["AIRFLOW__CORE__DAGS_FOLDER"] == "/opt/threadline/dags"
        assert env["AIRFLOW__CORE__PLUGINS_FOLDER"] == "/opt/threadline/plugins"


def test_the_data_folder_is_one_volume_shared_by_every_airflow_container(compose):
    assert "threadline-data" in compose["volumes"]
    for name in AIRFLOW_SERVICES:
        service = compose["services"][name]
        assert f"threadline-data:{DATA}" in service["volumes"], name
        assert service["environment"]["THREADLINE_DATA"] == DATA
        warehouse = json.loads(service["environment"]["AIRFLOW_CONN_THREADLINE_WAREHOUSE"])
        assert warehouse == {"conn_type": "duckdb", "host": f"{DATA}/warehouse.duckdb"}


def test_the_image_adds_our_package_with_our_constraints_to_airflow_3_3_2():
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines[0] == "FROM apache/airflow:3.3.2"
    install = next(line for line in lines if line.startswith("RUN pip install"))
    assert "-c /opt/threadline/constraints.txt" in install and '"/opt/threadline[airflow]"' in install
    copied = {line.split()[-2].rstrip("/") for line in lines if line.startswith("COPY")}
    # everything the package reads at run time is in the image
    assert {"pipeline", "dags", "plugins", "sql", "seeds"} <= copied
    constraints = (ROOT / "constraints.txt").read_text()
    assert "apache-airflow==3.3.2" in constraints and "duckdb==1.5.5" in constraints


LAKE_SWITCH = re.compile(r"(?m)^(\s*)# (THREADLINE_DB|THREADLINE_LAKE_DATA|THREADLINE_MAX_LOADERS|THREADLINE_LAKE_RETENTION_DAYS):")


def lake_compose() -> dict:
    """docker-compose.yml switched to the lake backend as its comments say: the connection line deleted, the
    THREADLINE_DB/THREADLINE_LAKE_DATA lines uncommented."""
    text = (ROOT / "docker-compose.yml").read_text()
    assert len(LAKE_SWITCH.findall(text)) == 4, "the lake's settings, commented out in x-airflow-common"
    text = "\n".join(line for line in text.splitlines() if "AIRFLOW_CONN_THREADLINE_WAREHOUSE:" not in line)
    return yaml.safe_load(LAKE_SWITCH.sub(r"\1\2:", text))


def test_the_lakes_catalog_is_its_own_database_in_the_postgres_service(compose):
    postgres = compose["services"]["postgres"]
    assert "./deploy/postgres-init:/docker-entrypoint-initdb.d:ro" in postgres["volumes"]
    scripts = sorted((ROOT / "deploy" / "postgres-init").glob("*.sql"))
    created = [m for script in scripts
               for m in re.findall(r"(?im)^\s*CREATE DATABASE (\w+)\s*;", script.read_text())]
    assert created == ["threadline_lake"]
    assert postgres["environment"]["POSTGRES_DB"] != "threadline_lake"  # not Airflow's metadata database
    assert compose["services"]["airflow-init"]["command"][1].count("/opt/threadline/data/{staging,raw,lake}") == 1


def test_switching_to_the_lake_is_uncommenting_pipeline_db_and_lake_data(compose):
    from pipeline.settings import WarehouseSettings
    from pipeline.store.backend import LakeBackend, backend_for

    switched = lake_compose()
    jsonschema.Draft201909Validator(json.loads(SCHEMA.read_text())).validate(switched)
    postgres = compose["services"]["postgres"]["environment"]
    for name in AIRFLOW_SERVICES:
        env = switched["services"][name]["environment"]
        assert "AIRFLOW_CONN_THREADLINE_WAREHOUSE" not in env  # else the connection would still name the file
        backend = backend_for(WarehouseSettings(env["THREADLINE_DB"], env["THREADLINE_LAKE_DATA"]))
        assert isinstance(backend, LakeBackend)
        catalog = dict(part.split("=", 1) for part in backend.catalog.split())
        assert catalog == {"dbname": "threadline_lake", "host": "postgres", "user": postgres["POSTGRES_USER"],
                           "password": postgres["POSTGRES_PASSWORD"]}
        assert backend.data.startswith(DATA + "/") and f"threadline-data:{DATA}" in switched["services"][name][
            "volumes"]  # the Parquet files on the volume every worker shares
        assert int(env["THREADLINE_MAX_LOADERS"]) > 1


@pytest.mark.postgres
@pytest.mark.slow
def test_the_init_script_creates_a_database_a_lake_can_live_in(tmp_path):
    """Run against this machine's PostgreSQL under a throwaway name, then create a lake in it."""
    from tests.lakes import ADMIN_DSN, _admin, postgres_unavailable

    if postgres_unavailable():
        pytest.skip(postgres_unavailable())
    from pipeline.settings import WarehouseSettings
    from pipeline.store import Writer

    name = f"threadline_test_init_{secrets.token_hex(4)}"
    script = (ROOT / "deploy" / "postgres-init" / "10-threadline-lake.sql").read_text()
    admin = _admin()
    try:
        with admin.cursor() as cur:
            cur.execute(script.replace("threadline_lake", name))
        catalog = " ".join(part for part in ADMIN_DSN.split() if not part.startswith("dbname=")) + f" dbname={name}"
        with Writer(WarehouseSettings(f"ducklake:postgres:{catalog}", tmp_path / "lake")) as writer:
            assert writer.con.execute("SELECT count(*) FROM ingest_runs").fetchone() == (0,)
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()
