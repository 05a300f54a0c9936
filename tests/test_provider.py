"""Provider registration as Airflow itself sees it, and parse-time hygiene of the example DAGs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _airflow_cli(*args: str) -> str:
    airflow = Path(sys.executable).parent / "airflow"
    result = subprocess.run(
        [str(airflow), *args], capture_output=True, text=True, env=os.environ.copy(), timeout=180
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout + result.stderr


def test_airflow_lists_the_provider_and_its_hook() -> None:
    providers = _airflow_cli("providers", "list", "-o", "plain")
    assert "airflow-provider-wistia" in providers
    hooks = _airflow_cli("providers", "hooks", "-o", "plain")
    line = next(line for line in hooks.splitlines() if line.startswith("wistia"))
    assert "airflow_provider_wistia.hooks.wistia.WistiaHook" in line and "wistia_conn_id" in line
    assert "Traceback" not in hooks and "ImportError" not in hooks


def test_example_dags_parse_without_errors_connections_or_network(monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        from airflow.dag_processing.dagbag import DagBag
    except ImportError:  # Airflow 3.1 and 3.2
        from airflow.models.dagbag import DagBag  # type: ignore[no-redef]
    from airflow.sdk import BaseHook

    def forbidden(*args, **kwargs):
        raise AssertionError("a connection lookup or network call happened at DAG parse time")

    monkeypatch.setattr(BaseHook, "get_connection", classmethod(forbidden))
    monkeypatch.setattr(socket.socket, "connect", forbidden)
    bag = DagBag(dag_folder=str(ROOT / "example_dags"))  # examples off: AIRFLOW__CORE__LOAD_EXAMPLES
    assert bag.import_errors == {}
    assert {
        "wistia_media_workflow",
        "wistia_nightly_stats_export",
        "wistia_stats_summary",
        "wistia_event_driven_project_setup",
        "wistia_new_media_reactor",
        "wistia_webhook_media_ready",
    } <= set(bag.dag_ids)
    fan_out = [task for dag in bag.dags.values() for task in dag.tasks if "Mapped" in type(task).__name__]
    wistia_fan_out = [task for task in fan_out if task.task_type.startswith("Wistia")]
    assert wistia_fan_out and all(task.pool == "wistia_api" for task in wistia_fan_out)
