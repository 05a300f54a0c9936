"""Every example DAG works in a run without a logical date, as Airflow 3 gives manual, REST and
asset-triggered runs: each DAG in ``example_dags/`` is run for real with ``logical_date=None``."""

from __future__ import annotations

import runpy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import TESTS_DIR, conn_json, task_states, xcom
from test_examples import demo_account  # noqa: F401  (fixture: the demo account and the wistia_api pool)

from airflow_provider_wistia.emulator import WistiaEmulator

EXAMPLES = TESTS_DIR.parent / "example_dags"
# DAGs that need something from an earlier run; every other DAG runs with its params' defaults.
# The summary reads the file the export wrote (a run by hand passes its path, as documented).
CONF_FROM_EARLIER_RUNS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "wistia_stats_summary": lambda runs: {
        "path": xcom(runs["wistia_nightly_stats_export"], "export_media_stats")["path"]
    },
}


def example_dags() -> list[Any]:
    """Every DAG defined in ``example_dags/``, producers before the DAGs that read their output."""
    from airflow.sdk import DAG

    # Fresh objects from each file: a task object that ran in this process keeps what an earlier
    # test's run put in its params (dag.test runs tasks in-process; a worker would start afresh).
    dags = {
        value.dag_id: value
        for path in sorted(EXAMPLES.glob("*.py"))
        for value in runpy.run_path(str(path), run_name=f"fresh_{path.stem}").values()
        if isinstance(value, DAG)
    }
    return sorted(dags.values(), key=lambda dag: (dag.dag_id in CONF_FROM_EARLIER_RUNS, dag.dag_id))


def test_every_example_dag_runs_without_a_logical_date(
    run_dag,
    demo_account: WistiaEmulator,  # noqa: F811  (the fixture imported above)
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AIRFLOW_VAR_WISTIA_STATS_DIR", str(tmp_path))
    # The modern-track example's connection: the same account, pinned to a modern release.
    monkeypatch.setenv("AIRFLOW_CONN_WISTIA_MODERN", conn_json(demo_account.base_url, api_version="2026-03"))
    dags = example_dags()
    assert len(dags) >= 5, [dag.dag_id for dag in dags]
    for task in (task for dag in dags for task in dag.tasks):
        monkeypatch.setattr(task, "retries", 0)  # a failure shows at once, not after the retry delays
        if hasattr(task, "poke_interval"):
            monkeypatch.setattr(task, "poke_interval", 0.2)  # the emulator's media is ready in two polls
    runs: dict[str, Any] = {}
    for dag in dags:
        conf = CONF_FROM_EARLIER_RUNS.get(dag.dag_id, lambda _: {})(runs)
        run = run_dag(dag, conf, logical_date=None)
        assert run.logical_date is None, dag.dag_id
        assert run.state == "success", (dag.dag_id, task_states(run))
        runs[dag.dag_id] = run

    # The dated file is named after run_after's day when there is no logical date.
    export = runs["wistia_nightly_stats_export"]
    written = Path(xcom(export, "export_media_stats")["path"].removeprefix("file://"))
    assert written == tmp_path / f"{export.run_after:%Y-%m-%d}.csv"
    assert written.read_text().count("\n") == len(demo_account.list_medias()) + 1  # header + one per media
    assert xcom(runs["wistia_stats_summary"], "top_videos_by_plays") is not None
