"""docker-compose.yml and the Dockerfile: a valid Compose file with Airflow's official topology (CeleryExecutor),
our image, the execution API URL, and one data volume shared by every container that reads or writes the data."""
from __future__ import annotations

import json
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
