"""How long the DAG files take to import, as the dag-processor pays it on every parse (it re-parses them often).

Each file is imported in a fresh interpreter that has already imported airflow.sdk (the processor's own cost), so the
figure is the file's own: its imports and its top-level code. usage: python bench/dag_import.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE = """
import importlib.util, sys, time
import airflow.sdk  # the processor has this already
path = sys.argv[1]
started = time.perf_counter()
spec = importlib.util.spec_from_file_location("dag_under_test", path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
print(time.perf_counter() - started)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=f"{ROOT}:{ROOT / 'plugins'}", THREADLINE_HOME=str(ROOT))
    env.setdefault("AIRFLOW_HOME", "/tmp/threadline-bench-airflow")
    for dag_file in sorted((ROOT / "dags").glob("*.py")):
        times = [float(subprocess.run([sys.executable, "-c", PROBE, str(dag_file)], env=env, capture_output=True,
                                      text=True, check=True).stdout.split()[-1]) for _ in range(args.repeat)]
        print(f"{dag_file.name}: median {statistics.median(times) * 1000:.1f} ms, "
              f"min {min(times) * 1000:.1f} ms over {args.repeat} fresh interpreters")


if __name__ == "__main__":
    main()
