"""Item 6: what importing the provider's operators adds to a DAG file's parse time.

Each sample is a fresh interpreter that first imports ``airflow.sdk`` and the lazy members a
DAG file using this provider already has (``DAG``, ``dag``, ``task``, ``BaseOperator``, plus
``BaseHook``, ``BaseOperatorLink`` and ``BaseSensorOperator``, which resolve Airflow's own lazy
imports), then times ``import airflow_provider_wistia.operators`` *and every module in it*
(a DAG that uses all the operators; the package itself loads operators lazily, so importing it
alone costs almost nothing). Whatever the provider pulls in that Airflow had not (``requests``,
``urllib3``...) is part of the figure.

Byte-code caches are used, as on a deployed DAG processor: this machine sets
``PYTHONDONTWRITEBYTECODE``, which would recompile the provider's sources in every sample, so
the children get ``PYTHONPYCACHEPREFIX`` (a temporary directory, outside the source tree)
instead. The first interpreter writes the caches and is discarded. The verdict uses the
median *CPU* time of the import (``time.process_time``): on a shared 2-core machine the wall
time of a 40 ms import is often doubled by another process taking the core; wall time is shown
beside it.
"""

from __future__ import annotations

import json
import statistics
import tempfile

from harness import ROOT, Row, run_python

TARGET_MS = 50.0

_CHILD = """
import json, sys, time
import airflow.sdk
from airflow.sdk import DAG, BaseHook, BaseOperator, BaseOperatorLink, BaseSensorOperator, dag, task
before = set(sys.modules)
start, cpu = time.perf_counter(), time.process_time()
import airflow_provider_wistia.operators
package = time.perf_counter() - start
for name in MODULES:
    __import__(name)
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
new = sorted(m for m in set(sys.modules) - before if not m.startswith("airflow_provider_wistia"))
print(json.dumps({"seconds": elapsed, "cpu": cpu, "package": package,
                  "new_top_level": sorted({m.split(".")[0] for m in new})}))
"""


def operator_modules() -> list[str]:
    """Dotted names of the modules in ``airflow_provider_wistia/operators`` (found on disk)."""
    folder = ROOT / "airflow_provider_wistia" / "operators"
    return sorted(
        f"airflow_provider_wistia.operators.{path.stem}"
        for path in folder.glob("*.py")
        if path.stem != "__init__"
    )


def import_cost(samples: int) -> list[Row]:
    modules = operator_modules()
    code = f"MODULES = {modules!r}\n{_CHILD}"
    with tempfile.TemporaryDirectory(prefix="wistia-bench-pycache-") as cache:
        # Byte-code caches as a deployed DAG processor has them (this machine sets
        # PYTHONDONTWRITEBYTECODE, which would recompile the provider on every import),
        # kept out of the source tree.
        env = {"PYTHONPYCACHEPREFIX": cache, "PYTHONDONTWRITEBYTECODE": ""}
        run_python(code, env)  # warm-up: writes the caches, and airflow.cfg in the throw-away home
        results = [json.loads(run_python(code, env).strip().splitlines()[-1]) for _ in range(samples)]
    cpu = statistics.median(r["cpu"] * 1000 for r in results)
    wall = [r["seconds"] * 1000 for r in results]
    package = statistics.median(r["package"] * 1000 for r in results)
    pulled = ", ".join(results[-1]["new_top_level"]) or "nothing"
    return [
        Row(
            "6",
            f"import operators + its {len(modules)} modules on top of airflow.sdk (CPU)",
            f"{cpu:.1f} ms",
            f"< {TARGET_MS:.0f} ms",
            cpu < TARGET_MS,
            f"median of {samples} fresh interpreters; wall median {statistics.median(wall):.1f} ms "
            f"(min {min(wall):.1f}); the package alone (lazy): {package:.1f} ms; also loads: {pulled}",
        )
    ]
