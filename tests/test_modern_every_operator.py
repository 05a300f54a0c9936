"""Every original operator (and the five of issue 12 the reliability DAG runs) in one real DAG run
on a modern connection, under the same faults as on v1: the same tasks succeed and fail.

The DAG is ``wistia_test_reliability_every_operator`` itself with the two changes a DAG author
makes when moving (see ``dags/wistia_test_modern_every_operator.py``).
"""

from __future__ import annotations

from pathlib import Path

import wistia_test_modern_every_operator
from conftest import task_states
from test_reliability_security import every_operator_under_faults

from airflow_provider_wistia.emulator import WistiaEmulator

RELEASE = "2026-07"


def test_every_operator_on_a_modern_connection(
    run_dag, emulator: WistiaEmulator, set_connection, tmp_path: Path
) -> None:
    set_connection(timeout=0.5, max_retries=10, rate_limit_per_minute=100_000, api_version=RELEASE)
    conf = every_operator_under_faults(emulator, tmp_path, "Modern every operator", "/modern/folders")
    conf["copy_target"] = emulator.create_project("Copy target")["hashedId"]

    dr = run_dag(wistia_test_modern_every_operator.dag, conf)

    states = task_states(dr)
    failing = {"fails_not_found", "fails_may_have_applied"}
    assert {t for t, s in states.items() if s != "success"} == failing, states
    api = [r for r in emulator.requests if r.path not in ("/", "/oembed")]  # upload and oEmbed: unversioned
    assert len(states) >= 30 and api
    assert all(r.path.startswith("/modern/") for r in api), {
        r.path for r in api if not r.path.startswith("/modern")
    }
    assert all(r.headers.get("X-Wistia-Api-Version") == RELEASE for r in api)
