"""Test-only fault injection for Airflow subprocesses (put this folder first on PYTHONPATH).

$THREADLINE_TEST_FAULTS is a JSON object: {"<function of a DAG stage, a run or pipeline.report.views>":
{"times": N, "match": "text in the call's arguments"}, "batch_size": n}. Each named function raises OSError (a
transient failure, as a flaky disk or share gives) on its first N matching calls, counted across processes in
$THREADLINE_TEST_FAULTS_DIR, then behaves normally; it is replaced in the module that defines it, which is where the
DAG's tasks import it from when they run. "batch_size" makes discovery cut smaller batches.
"""
import json
import os

_SPEC = os.environ.get("THREADLINE_TEST_FAULTS")

if _SPEC:
    import functools
    from pathlib import Path

    import pipeline.report.views
    import pipeline.runs
    import pipeline.stages.cleanup
    import pipeline.stages.discovery
    import pipeline.stages.params
    import pipeline.stages.staging

    _MODULES = (pipeline.stages.params, pipeline.stages.discovery, pipeline.stages.staging, pipeline.stages.cleanup,
                pipeline.runs, pipeline.report.views)
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
            _group = pipeline.stages.discovery.group_into_batches  # discovery calls it by this name
            pipeline.stages.discovery.group_into_batches = (
                lambda sources, batch_size=None, _g=_group, _n=_fault: _g(sources, _n))
            continue
        _defining = [module for module in _MODULES
                     if getattr(getattr(module, _name, None), "__module__", None) == module.__name__]
        if len(_defining) != 1:
            raise SystemExit(f"THREADLINE_TEST_FAULTS: no function {_name!r} in {[m.__name__ for m in _MODULES]}")
        _faulty(_defining[0], _name, _fault.get("times", 1), _fault.get("match"))
