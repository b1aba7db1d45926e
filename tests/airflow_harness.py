"""Airflow as the tests drive it: a throw-away AIRFLOW_HOME on SQLite pointed at our dags/ and plugins/, and
`airflow dags test` runs in processes of their own (Airflow's config is global, so it never runs inside pytest's
process), forked from one that has imported Airflow once (tests/dags_test_server.py)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
FAULTS = Path(__file__).resolve().parent / "faults"


def airflow_env(home: Path, data: Path, **extra: str) -> dict[str, str]:
    """Environment for an Airflow process on this project (our dags/ and plugins/, data under `data`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "THREADLINE", "PIPELINE_"))}
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(ROOT / "dags"),
        AIRFLOW__CORE__PLUGINS_FOLDER=str(ROOT / "plugins"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{home}/airflow.db",
        THREADLINE_HOME=str(ROOT),
        THREADLINE_DATA=str(data),
        THREADLINE_RETRY_DELAY_S="1",
        PYTHONPATH=str(ROOT),
        PATH=f"{VENV_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
    )
    env.update(extra)
    return env


def migrate(env: dict[str, str]) -> None:
    result = subprocess.run([str(VENV_BIN / "airflow"), "db", "migrate"], env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def copy_home(template: Path, home: Path) -> Path:
    """A fresh AIRFLOW_HOME holding a copy of the template's migrated metadata DB."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template / "airflow.db", home / "airflow.db")
    return home


def dags_test(env: dict[str, str], dag_id: str, logical_date: str | None = None, *, conf: dict | None = None,
              faults: dict | None = None, timeout: float = 240) -> subprocess.CompletedProcess:
    """`airflow dags test` of the DAG in dags/<dag_id>.py, as a fork of tests/dags_test_server.py (one per Airflow
    home and settings); with `faults`, tests/faults/sitecustomize.py injects transient failures."""
    env = dict(env)
    if faults is not None:
        env.update(THREADLINE_TEST_FAULTS=json.dumps(faults), PYTHONPATH=f"{FAULTS}:{env['PYTHONPATH']}",
                   THREADLINE_TEST_FAULTS_DIR=str(Path(env["AIRFLOW_HOME"]) / f"faults-{uuid.uuid4().hex}"))
    args = ["dags", "test", dag_id]
    if logical_date:
        args.append(logical_date)
    # only the DAG's own file (each is named after its DAG) is parsed and written to the metadata DB, not the folder
    args += ["--dagfile-path", str(ROOT / "dags" / f"{dag_id}.py")]
    if conf is not None:
        args += ["-c", json.dumps(conf)]
    return _DagsTestServer.for_env(env).run(args, env, timeout)


class _DagsTestServer:
    """The one tests/dags_test_server.py of this pytest process: Airflow's settings are read when it imports
    Airflow, so it serves runs of one Airflow home and one set of AIRFLOW__* settings, and another is started (this
    one ended) when a run names others."""

    current: _DagsTestServer | None = None

    def __init__(self, key: tuple, env: dict[str, str]):
        import atexit

        self.key, self.pending = key, b""
        with open(Path(env["AIRFLOW_HOME"]) / "dags-test-server.log", "ab") as log:
            self.proc = subprocess.Popen([str(VENV_BIN / "python"), str(Path(__file__).with_name("dags_test_server.py"))],
                                         env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log)
        atexit.register(self.close)
        assert json.loads(self._reply(300)) == {"ready": True}

    @classmethod
    def for_env(cls, env: dict[str, str]) -> _DagsTestServer:
        key = tuple(sorted((k, v) for k, v in env.items() if k == "AIRFLOW_HOME" or k.startswith("AIRFLOW__")))
        server = cls.current
        if server is None or server.key != key or server.proc.poll() is not None:
            if server is not None:
                server.close()
            cls.current = server = cls(key, {k: v for k, v in env.items() if not k.startswith("THREADLINE_TEST")})
        return server

    def _reply(self, timeout: float) -> str:
        """The server's next reply line, waiting at most `timeout` seconds for it."""
        import select
        import time

        deadline = time.monotonic() + timeout
        while b"\n" not in self.pending:
            ready, _, _ = select.select([self.proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError(f"tests/dags_test_server.py gave no answer within {timeout} s")
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                raise RuntimeError(f"tests/dags_test_server.py gave no answer (exit code {self.proc.poll()})")
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return line.decode()

    def run(self, args: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
        import signal
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            out, err = Path(folder, "stdout"), Path(folder, "stderr")
            request = {"argv": args, "env": env, "stdout": str(out), "stderr": str(err)}
            self.proc.stdin.write(json.dumps(request).encode() + b"\n")
            self.proc.stdin.flush()
            pid = json.loads(self._reply(60))["pid"]
            try:
                returncode = json.loads(self._reply(timeout))["returncode"]
            except TimeoutError:
                os.kill(pid, signal.SIGKILL)
                self.close()
                raise subprocess.TimeoutExpired(["airflow", *args], timeout)
            return subprocess.CompletedProcess(["airflow", *args], returncode, out.read_text(errors="replace"),
                                               err.read_text(errors="replace"))

    def close(self) -> None:
        if self.proc.poll() is None and not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if _DagsTestServer.current is self:
            _DagsTestServer.current = None


def last_run_tasks(home: Path, dag_id: str) -> tuple[str, dict[str, tuple[str, int]]]:
    """The latest run of a DAG in a SQLite metadata DB: (run state, {task id[map index]: (state, try number)})."""
    import sqlite3

    con = sqlite3.connect(home / "airflow.db")
    try:
        run_id, state = con.execute("SELECT run_id, state FROM dag_run WHERE dag_id = ? ORDER BY id DESC LIMIT 1",
                                    [dag_id]).fetchone()
        tasks = {(task_id if map_index < 0 else f"{task_id}[{map_index}]"): (ti_state, tries)
                 for task_id, map_index, ti_state, tries in con.execute(
                     "SELECT task_id, map_index, state, try_number FROM task_instance WHERE dag_id = ? AND run_id = ?",
                     [dag_id, run_id])}
    finally:
        con.close()
    return state, tasks




def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# What every long-running Airflow process of the tests runs with, unless its test sets otherwise: the DAG files do not
# change while a test runs, so the dag-processor parses each file once when it starts instead of again every 30 s;
# a task reports to the api-server every 30 s instead of every 5 s (the scheduler gives up on a silent task only
# after [scheduler] task_instance_heartbeat_timeout, 300 s); and a scheduler with nothing to do looks again after 2 s,
# not 1 s (it does not wait while it has work). All three only idled on a test's CPU.
SERVICE_SETTINGS = {
    "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "3600",
    "AIRFLOW__WORKERS__MIN_HEARTBEAT_INTERVAL": "30",
    "AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME": "2",
}

# How often a test asks the api-server whether what it waits for has happened. The scheduler marks a backfill
# complete at most every 30 s, so asking twice a second only loaded the api-server.
POLL_S = 2.0


class Services:
    """Airflow commands started as long-running processes (with SERVICE_SETTINGS), each in its own process group;
    stop() kills every group."""

    def __init__(self, env: dict[str, str], logs: Path):
        self.env, self.logs = {**SERVICE_SETTINGS, **env}, logs
        self.procs: dict[str, subprocess.Popen] = {}
        logs.mkdir(parents=True, exist_ok=True)

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "wb")
        proc = subprocess.Popen([str(VENV_BIN / "airflow"), *args], env=self.env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.procs[name] = proc
        return proc

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def tails(self, lines: int = 40) -> str:
        return "\n".join(f"--- {name}\n" + "\n".join(self.log(name).splitlines()[-lines:]) for name in self.procs)

    def stop(self) -> None:
        import signal
        import time

        for sig in (signal.SIGTERM, signal.SIGKILL):
            for proc in self.procs.values():
                try:
                    os.killpg(proc.pid, sig)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and any(p.poll() is None for p in self.procs.values()):
                time.sleep(0.2)


def wait_http(url: str, timeout: float, proc: subprocess.Popen | None = None, expect=(200,)) -> None:
    """Poll a URL of our own process until it answers with one of `expect`."""
    import time

    import httpx

    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
        try:
            response = httpx.get(url, timeout=30)  # a first request may wait on the server's set-up
            if response.status_code in expect:
                return
            last = response.status_code
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout} s (last: {last})")


def wait_api_server(base: str, timeout: float, proc: subprocess.Popen | None = None) -> None:
    """Wait until an api-server answers, then until its execution API does: that one builds its versioned routes on
    its first request, seconds of CPU during which the server answers nobody, so a task started meanwhile would time
    out on its first call (and be retried). Waited for here, before any test starts a task."""
    wait_http(f"{base}/api/v2/monitor/health", timeout, proc)
    wait_http(f"{base}/execution/health", timeout, proc)


def token(base_url: str, username: str, password: str) -> str:
    """A JWT from the api-server's /auth/token, as a script or the UI's login gets one (SimpleAuthManager)."""
    import httpx

    response = httpx.post(f"{base_url}/auth/token", json={"username": username, "password": password}, timeout=30)
    assert response.status_code in (200, 201), response.text
    return response.json()["access_token"]


def simple_auth(home: Path, users: dict[str, str]) -> dict[str, str]:
    """Env for SimpleAuthManager with these users (all admins) and their passwords."""
    (home / "passwords.json").write_text(json.dumps(users))
    return {
        "AIRFLOW__CORE__AUTH_MANAGER":
            "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": ",".join(f"{user}:admin" for user in users),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
        "AIRFLOW__API_AUTH__JWT_SECRET": "threadline-tests-only-secret",
        "AIRFLOW__API__SECRET_KEY": "threadline-tests-only-secret",
    }


def drop_celery_queue(queue: str, broker: str = "redis://127.0.0.1:6379/0") -> None:
    """Remove a test's own Celery queue from the shared Redis broker (the queue and kombu's binding keys), so test
    runs leave the broker as they found it."""
    import redis

    client = redis.Redis.from_url(broker)
    try:
        client.delete(queue, *client.keys(f"_kombu.binding.{queue}*"))
    finally:
        client.close()
