"""The modern-track example DAG (the nightly analytics export), end to end against the emulator."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import TOKEN, task_states, xcom

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.emulator.analytics import AnalyticsApi
from airflow_provider_wistia.pytest_plugin import emulator_connection_json


@pytest.fixture
def demo_account(emulator: WistiaEmulator, airflow_db: Path) -> WistiaEmulator:
    emulator.seed_demo()
    return emulator


def test_nightly_analytics_export(run_dag, demo_account: WistiaEmulator, tmp_path, monkeypatch) -> None:
    """The modern-track example: one row per playable media for the run's day, from the Analytics API."""
    import wistia_nightly_analytics_export as example

    conn = json.loads(emulator_connection_json(demo_account.base_url, TOKEN, api_version="2026-03"))
    monkeypatch.setenv("AIRFLOW_CONN_WISTIA_MODERN", json.dumps(conn))
    monkeypatch.setenv("AIRFLOW_VAR_WISTIA_STATS_DIR", str(tmp_path))
    run = run_dag(example.dag)
    assert run.state == "success", task_states(run)
    result = xcom(run, "export_media_analytics")
    path = Path(result["path"].removeprefix("file://"))
    assert path.parent == tmp_path / "analytics"
    with path.open() as handle:
        rows = list(csv.DictReader(handle))
    playable = {m.hashed_id: m for m in demo_account.store.medias.values() if m.type in ("Video", "Audio")}
    assert sorted(r["hashed_id"] for r in rows) == sorted(playable)
    assert {r["date"] for r in rows} == {result["start_date"]} == {result["end_date"]}
    assert sum(int(r["plays"]) for r in rows) > 0
    for row in rows:  # the same plays the v1 by_date stats give for that day
        daily = AnalyticsApi.daily(playable[row["hashed_id"]], dt.date.fromisoformat(row["date"]))
        assert int(row["plays"]) == daily["play_count"]
    requests = [r for r in demo_account.requests if r.path.startswith("/modern/analytics/")]
    assert len(requests) == len(playable) and all(r.query["granularity"] == "daily" for r in requests)
