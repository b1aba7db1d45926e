"""Test-only fault injection for Airflow subprocesses (put this folder first on PYTHONPATH).

$THREADLINE_TEST_FAULTS is a JSON object: {"<function in pipeline.ingest or pipeline.report.views>":
{"times": N, "match": "text in the call's arguments"}, "batch_size": n}. Each named function raises OSError (a
transient failure, as a flaky disk or share gives) on its first N matching calls, counted across processes in
$THREADLINE_TEST_FAULTS_DIR, then behaves normally. "batch_size" makes discovery cut smaller batches.
"""
import json
import os

_SPEC = os.environ.get("THREADLINE_TEST_FAULTS")

if _SPEC:
    import functools
    from pathlib import Path

    import pipeline.ingest
    import pipeline.report.views

    _spec = json.loads(_SPEC)
    _counts = Path(os.environ["THREADLINE_TEST_FAULTS_DIR"])
    _counts.mkdir(parents=True, exist_ok=True)

    def _faulty(module, name, times, match):
        original = getattr(module, name)

        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            if match is None or match in repr((args, kwargs)):
                marker = _counts / name
                done = len(marker.read_text()) if marker.exists() else 0
                if done < times:
                    with open(marker, "a") as handle:
                        handle.write("x")
                    raise OSError(f"injected transient failure {done + 1} of {times} in {name}")
            return original(*args, **kwargs)

        setattr(module, name, wrapper)

    for _name, _fault in _spec.items():
        if _name == "batch_size":
            _group = pipeline.ingest.group_into_batches
            pipeline.ingest.group_into_batches = (
                lambda sources, batch_size=None, _g=_group, _n=_fault: _g(sources, _n))
            continue
        _module = pipeline.report.views if hasattr(pipeline.report.views, _name) else pipeline.ingest
        _faulty(_module, _name, _fault.get("times", 1), _fault.get("match"))
