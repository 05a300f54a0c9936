"""Shared test set-up: a throw-away Airflow home, one emulator per session, DAG runs.

Airflow reads its configuration when first imported, so the environment is set at
the top of this module, before anything imports airflow. The metadata database is
migrated once per session; each DAG run then costs a fraction of a second because
``dag.test()`` runs the real scheduler loop and task runner in this process.
"""

from __future__ import annotations

import inspect
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

TESTS_DIR = Path(__file__).parent
AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="wistia-test-airflow-home-"))
os.environ["AIRFLOW_HOME"] = str(AIRFLOW_HOME)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(TESTS_DIR / "dags")
# Two DAG bundles: the tests' own DAGs and the shipped example DAGs, so both can be run for real.
os.environ["AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST"] = json.dumps(
    [
        {
            "name": name,
            "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
            "kwargs": {"path": str(path), "refresh_interval": 0},
        }
        for name, path in (("tests", TESTS_DIR / "dags"), ("examples", TESTS_DIR.parent / "example_dags"))
    ]
)
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{AIRFLOW_HOME}/airflow.db"
os.environ["AIRFLOW__LOGGING__BASE_LOG_FOLDER"] = str(AIRFLOW_HOME / "logs")
os.environ.pop("AIRFLOW_CONN_WISTIA_DEFAULT", None)
sys.path[:0] = [str(TESTS_DIR / "dags"), str(TESTS_DIR.parent / "example_dags")]

import pytest  # noqa: E402

from airflow_provider_wistia.emulator import WistiaEmulator  # noqa: E402
from airflow_provider_wistia.pytest_plugin import emulator_connection_json  # noqa: E402

TOKEN = "test-token-5f2a9c0d8e7b"
# Extras every test connection carries: fast retries, and a limiter that never gets in the way
# (tests that study the limiter set their own).
TEST_EXTRAS = {"retry_backoff": 0.01, "rate_limit_per_minute": 100_000}


def conn_json(base_url: str, token: str = TOKEN, **extra: Any) -> str:
    """The JSON form of an Airflow connection pointing at an emulator."""
    return emulator_connection_json(base_url, token, **{**TEST_EXTRAS, **extra})


def pytest_configure(config: pytest.Config) -> None:
    """Load the package's pytest plugin where its entry point is not installed (or autoload is off)."""
    if not config.pluginmanager.has_plugin("wistia"):
        config.pluginmanager.import_plugin("airflow_provider_wistia.pytest_plugin")


# The fixtures below build on the package's pytest plugin (entry point ``pytest11``):
# ``wistia_emulator`` (one server per session, emptied per test) and ``wistia_connection``.
@pytest.fixture(scope="session")
def wistia_emulator_token() -> str:
    return TOKEN


@pytest.fixture
def wistia_connection_extra() -> dict[str, Any]:
    return dict(TEST_EXTRAS)


@pytest.fixture(scope="session")
def emulator_server(wistia_emulator_server: WistiaEmulator) -> WistiaEmulator:
    return wistia_emulator_server


@pytest.fixture
def emulator(wistia_emulator: WistiaEmulator, wistia_connection: str) -> WistiaEmulator:
    """A clean emulator, with ``wistia_default`` pointing at it."""
    from airflow_provider_wistia.hooks.endpoints_media_jobs import reset_move_limiters

    wistia_emulator.configure(rate_limit_per_minute=100_000)
    reset_move_limiters()  # the hook's move window is process-wide: a fresh emulator starts it afresh
    return wistia_emulator


@pytest.fixture
def set_connection(emulator: WistiaEmulator, monkeypatch: pytest.MonkeyPatch):
    """Point ``wistia_default`` (or another conn id) at the emulator with other extras."""

    def _set(
        conn_id: str = "wistia_default", token: str = TOKEN, host: str | None = None, **extra: Any
    ) -> None:
        value = json.loads(conn_json(emulator.base_url, token, **extra))
        if host is not None:
            value["host"] = host
        monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(value))

    return _set


@pytest.fixture
def modern_hook(set_connection, emulator: WistiaEmulator):
    """A hook on ``wistia_default`` pinned to the modern release 2026-03."""
    from airflow_provider_wistia.hooks.wistia import WistiaHook

    set_connection(api_version="2026-03")
    h = WistiaHook()
    yield h
    h.close()


@pytest.fixture
def hook(emulator: WistiaEmulator):
    from airflow_provider_wistia.hooks.wistia import WistiaHook

    h = WistiaHook()
    yield h
    h.close()


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """Migrate the throw-away metadata database once per session."""
    from airflow.utils.db import initdb

    initdb()
    return AIRFLOW_HOME


@pytest.fixture
def run_dag(airflow_db: Path, emulator: WistiaEmulator):
    """Run a DAG from ``tests/dags`` for real (``dag.test()``); return the finished DagRun."""

    def _run(dag: Any, conf: dict[str, Any] | None = None, **test_kwargs: Any) -> Any:
        """``test_kwargs`` go to ``dag.test``: ``logical_date=None`` runs it as a manual run has none."""
        if "sync_bag_to_db" not in inspect.getsource(type(dag).test):
            # Airflow 3.1's dag.test() expects the DAG serialized already, as `airflow dags test` does.
            from airflow.utils.cli import get_bagged_dag

            dag = get_bagged_dag(None, dag.dag_id)
        return dag.test(run_conf=conf or {}, **test_kwargs)

    return _run


def task_states(dag_run: Any) -> dict[str, str]:
    """``{task_id (or task_id[map_index]): state}`` of a finished run."""
    states = {}
    for ti in dag_run.get_task_instances():
        key = ti.task_id if ti.map_index < 0 else f"{ti.task_id}[{ti.map_index}]"
        states[key] = str(ti.state.value if hasattr(ti.state, "value") else ti.state)
    return states


def xcom(dag_run: Any, task_id: str, map_index: int = -1, key: str = "return_value") -> Any:
    """The XCom a task of a finished run pushed."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        row = (
            session.query(XComModel)
            .filter_by(
                dag_id=dag_run.dag_id, run_id=dag_run.run_id, task_id=task_id, map_index=map_index, key=key
            )
            .one_or_none()
        )
        return None if row is None else XComModel.deserialize_value(row)


def clear_logs() -> None:
    shutil.rmtree(AIRFLOW_HOME / "logs", ignore_errors=True)
