"""The package's pytest plugin (entry point ``pytest11``): ``wistia_emulator`` and ``wistia_connection``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from conftest import task_states

from airflow_provider_wistia.emulator import WistiaEmulator

PLUGIN = "airflow_provider_wistia.pytest_plugin"


def test_a_users_dag_in_three_lines(
    wistia_emulator: WistiaEmulator, wistia_connection: str, airflow_db
) -> None:
    """The README's example: the plugin's two fixtures and ``dag.test()``."""
    from wistia_test_plugin import dag

    run = dag.test()
    assert run.state == "success", task_states(run)
    assert [p["name"] for p in wistia_emulator.list_projects()] == ["Launch"]
    assert wistia_connection == "wistia_default"
    assert json.loads(os.environ["AIRFLOW_CONN_WISTIA_DEFAULT"])["host"] == wistia_emulator.base_url


def test_our_fixtures_are_the_plugins(emulator: WistiaEmulator, wistia_emulator: WistiaEmulator) -> None:
    assert emulator is wistia_emulator


def test_the_entry_point_is_registered() -> None:
    ours = [ep for ep in entry_points(group="pytest11") if ep.value == PLUGIN]
    if not ours:
        pytest.skip("this environment's install predates the entry point: run `make install`")
    assert [ep.name for ep in ours] == ["wistia"]


USERS_TESTS = """
import sys

# The plugin was loaded at start-up, without importing Airflow (a suite sets Airflow up first).
assert "airflow" not in sys.modules, "loading the wistia pytest plugin imported airflow"

SEEN = {}


def test_first(wistia_emulator, wistia_connection):
    from airflow_provider_wistia.hooks.wistia import WistiaHook

    WistiaHook().create_project("Made by a test")
    assert [p["name"] for p in wistia_emulator.list_projects()] == ["Made by a test"]
    wistia_emulator.configure(rate_limit_per_minute=1)
    SEEN["url"] = wistia_emulator.base_url


def test_second_starts_empty_on_the_same_server(wistia_emulator, wistia_connection, monkeypatch):
    from airflow_provider_wistia.hooks.wistia import WistiaHook

    assert wistia_emulator.base_url == SEEN["url"]
    assert wistia_emulator.list_projects() == [] and wistia_emulator.requests == []
    assert wistia_emulator.config()["rate_limit_per_minute"] == 600
    assert WistiaHook().get_account()["name"] == "Emulated Account"


def test_connection_is_only_set_for_tests_that_ask(wistia_emulator):
    import os

    assert "AIRFLOW_CONN_WISTIA_DEFAULT" not in os.environ
"""


def test_a_users_suite_gets_the_fixtures_without_any_conftest(tmp_path: Path) -> None:
    """Run a user's test file in a fresh pytest, outside this repository: the entry point loads the plugin."""
    if not [ep for ep in entry_points(group="pytest11") if ep.value == PLUGIN]:
        pytest.skip("this environment's install predates the entry point: run `make install`")
    (tmp_path / "test_users_dag.py").write_text(textwrap.dedent(USERS_TESTS))
    env = {k: v for k, v in os.environ.items() if k != "AIRFLOW_CONN_WISTIA_DEFAULT"}
    env.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "3 passed" in result.stdout
