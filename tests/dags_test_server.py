"""`airflow dags test` runs forked from one process that has imported Airflow, its CLI and our package once
(tests/airflow_harness.py starts it; not a test module). Each run is still the CLI in a process of its own: a fork,
with the run's own environment, its own stdout and stderr files, and tests/faults/sitecustomize.py applied when the
run asks for faults; what the fork saves is Airflow's imports, several seconds a run.

Protocol: one JSON request a line on stdin ({"argv", "env", "stdout", "stderr"}); for each, the fork's pid, then its
exit code, a JSON line each on the reply stream. The server ends when stdin closes.
"""
from __future__ import annotations

import ast
import importlib
import json
import os
import sys
from pathlib import Path

DAGS = Path(__file__).resolve().parents[1] / "dags"


def _imported_by_our_dags() -> list[str]:
    """The modules of our package that the DAG files import (their names only: nothing in a DAG file runs here)."""
    names = set()
    for path in DAGS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
    return sorted(name for name in names if name.split(".")[0] == "pipeline")


def _run(request: dict) -> None:
    """In the fork: become `airflow <argv>` with the request's environment; never returns."""
    code = 1
    try:
        os.environ.clear()
        os.environ.update(request["env"])
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
            target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(target, fd)
            os.close(target)
        if os.environ.get("THREADLINE_TEST_FAULTS"):
            import runpy

            runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "faults", "sitecustomize.py"))
        sys.argv = ["airflow", *request["argv"]]
        from airflow.__main__ import main

        try:
            main()
            code = 0
        except SystemExit as exc:  # as the interpreter turns it into an exit code
            if exc.code is None or isinstance(exc.code, int):
                code = exc.code or 0
            else:
                print(exc.code, file=sys.stderr)
                code = 1
        import atexit

        atexit._run_exitfuncs()
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(code)


def serve() -> None:
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # nothing but replies on the reply stream
    # What every `airflow dags test` of our DAGs imports, once.
    import airflow.__main__  # noqa: F401
    import airflow.cli.commands.dag_command  # noqa: F401
    import airflow.sdk.execution_time.supervisor  # noqa: F401
    import airflow.sdk.execution_time.task_runner  # noqa: F401
    import airflow.dag_processing.dagbag  # noqa: F401
    from airflow.sdk.execution_time.supervisor import in_process_api_server

    for module in _imported_by_our_dags():
        importlib.import_module(module)

    # The execution API app that the tasks of `dags test` talk to, built once with the versioned routes Cadwyn
    # would build on its first request (both take many seconds); no thread, event loop or DB connection is started
    # here: each fork starts its own.
    app = in_process_api_server().app
    if not getattr(app, "_cadwyn_initialized", True):
        app._cadwyn_initialize()

    replies.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _run(request)
        replies.write(json.dumps({"pid": pid}) + "\n")
        _, status = os.waitpid(pid, 0)
        replies.write(json.dumps({"returncode": os.waitstatus_to_exitcode(status)}) + "\n")
    # stdin closed: done. Every run was a fork, so nothing is left to clean up; a normal interpreter exit would wait
    # on what Airflow's imports started (the harness gave up on it after 30 s, at each server's end).
    replies.close()
    os._exit(0)


if __name__ == "__main__":
    serve()
