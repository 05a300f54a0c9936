"""Wistia sensors outside a DAG run: arguments, pokes, event handling, soft_fail rules."""

from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace
from typing import Any

import pytest
from airflow.sdk import PokeReturnValue

from airflow_provider_wistia._compat import AirflowFailException, AirflowSensorTimeout, AirflowSkipException

try:
    from airflow.sdk.exceptions import TaskDeferred
except ImportError:  # Airflow 3.1
    from airflow.exceptions import TaskDeferred  # type: ignore[no-redef]
from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.exceptions import WistiaAuthError, WistiaConfigError
from airflow_provider_wistia.sensors import (
    WistiaMediaFailedError,
    WistiaMediaStatsSensor,
    WistiaMediaStatusSensor,
    WistiaNewMediaSensor,
)
from airflow_provider_wistia.triggers import WistiaMediaStatusTrigger, WistiaNewMediaTrigger


def test_sensors_build_no_hook_at_parse_time() -> None:
    sensor = WistiaMediaStatusSensor(task_id="s", media_id="{{ params.m }}", wistia_conn_id="does_not_exist")
    assert "hook" not in sensor.__dict__ and sensor.poke_interval == 30
    assert (
        WistiaMediaStatsSensor(task_id="t", media_id="m", metric="page_loads", threshold=3).metric
        == "pageLoads"
    )


@pytest.mark.parametrize(
    "build",
    [
        lambda: WistiaMediaStatusSensor(task_id="s", media_id="m", target_statuses=[]),
        lambda: WistiaMediaStatusSensor(task_id="s", media_id="m", failure_statuses=["ready"]),
        lambda: WistiaMediaStatsSensor(task_id="s", media_id="m", metric="likes", threshold=1),
        lambda: WistiaMediaStatsSensor(task_id="s", media_id="m", threshold="10"),
        lambda: WistiaMediaStatsSensor(task_id="s", media_id="m", threshold=float("nan")),
    ],
)
def test_bad_arguments_fail_at_parse_time(build: Any) -> None:
    with pytest.raises(WistiaConfigError):
        build()


def test_transient_errors_make_a_poke_not_done(emulator: WistiaEmulator, set_connection) -> None:
    set_connection(max_retries=0)
    media = emulator.create_media("clip.mp4")["hashed_id"]
    emulator.add_fault("rate_limit", status=503, retry_after=0, times=1)
    emulator.add_fault("status", status=500, times=1)
    sensor = WistiaMediaStatusSensor(task_id="s", media_id=media)
    results = [sensor.poke({}) for _ in range(3)]
    assert [r.is_done for r in results] == [False, False, True]
    assert results[2].xcom_value["hashed_id"] == media
    assert [r.status for r in emulator.requests] == [503, 500, 200]


def test_auth_errors_and_failure_statuses_raise_from_poke(emulator: WistiaEmulator, set_connection) -> None:
    media = emulator.create_media("clip.mp4", status="failed")["hashed_id"]
    with pytest.raises(WistiaMediaFailedError, match=f"{media}.*'failed'") as failed:
        WistiaMediaStatusSensor(task_id="s", media_id=media).poke({})
    assert isinstance(failed.value, AirflowFailException)  # never retried; soft_fail skips it
    set_connection(token="wrong-token")
    with pytest.raises(WistiaAuthError):
        WistiaMediaStatusSensor(task_id="s", media_id=media).poke({})


def test_custom_statuses(emulator: WistiaEmulator) -> None:
    media = emulator.create_media("clip.mp4", status="processing")["hashed_id"]
    emulator.script_media_lifecycle(media, ["processing"])
    sensor = WistiaMediaStatusSensor(task_id="s", media_id=media, target_statuses="Processing")
    result = sensor.poke({})
    assert isinstance(result, PokeReturnValue) and result.is_done


def test_execute_complete() -> None:
    sensor = WistiaMediaStatusSensor(task_id="s", media_id="m")
    media = {"hashed_id": "m", "status": "ready"}
    assert sensor.execute_complete({}, {"status": "success", "media": media, "message": "ok"}) == media
    with pytest.raises(WistiaMediaFailedError, match="went wrong"):
        sensor.execute_complete({}, {"status": "failure", "media": media, "message": "went wrong"})
    with pytest.raises(AirflowSensorTimeout, match="too slow"):
        sensor.execute_complete({}, {"status": "timeout", "media": None, "message": "too slow"})
    with pytest.raises(WistiaAuthError, match="bad token"):
        sensor.execute_complete(
            {}, {"status": "error", "message": "bad token", "error_type": "WistiaAuthError"}
        )


@pytest.mark.parametrize(
    ("event", "outcome"),
    [
        ({"status": "failure", "message": "failed"}, AirflowSkipException),
        ({"status": "timeout", "message": "late"}, AirflowSkipException),
        ({"status": "error", "message": "401", "error_type": "WistiaAuthError"}, WistiaAuthError),
    ],
)
def test_soft_fail_after_deferral(event: dict[str, Any], outcome: type[Exception]) -> None:
    sensor = WistiaMediaStatusSensor(task_id="s", media_id="m", soft_fail=True, deferrable=True)
    with pytest.raises(outcome):
        sensor.resume_execution("execute_complete", {"event": event}, {})


def test_deferral_carries_the_timeout_and_resolved_arguments() -> None:
    sensor = WistiaNewMediaSensor(
        task_id="s",
        project_id="p1",
        known_media_ids='["a", "b"]',
        deferrable=True,
        poke_interval=0.5,
        timeout=90,
    )
    with pytest.raises(TaskDeferred) as deferred:
        sensor.execute({})
    trigger = deferred.value.trigger
    assert isinstance(trigger, WistiaNewMediaTrigger) and deferred.value.method_name == "execute_complete"
    kwargs = trigger.serialize()[1]
    assert (
        kwargs["known_media_ids"] == ["a", "b"] and kwargs["since"] is None and kwargs["poll_interval"] == 0.5
    )
    assert 80 < kwargs["end_time"] - datetime.now(timezone.utc).timestamp() <= 90
    assert deferred.value.timeout.total_seconds() > 90
    status = WistiaMediaStatusSensor(task_id="t", media_id="m", deferrable=True, target_statuses=["ready"])
    with pytest.raises(TaskDeferred) as deferred:
        status.execute({})
    assert isinstance(deferred.value.trigger, WistiaMediaStatusTrigger)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (["a", "b"], ["a", "b"]),
        ('["a", "b"]', ["a", "b"]),
        ("['a', 'b']", ["a", "b"]),
        ("a, b", ["a", "b"]),
        ("[]", []),
    ],
)
def test_known_media_ids_from_templates(value: Any, expected: list[str] | None) -> None:
    sensor = WistiaNewMediaSensor(task_id="s", project_id="p", known_media_ids=value)
    assert sensor.resolved_known_ids() == expected


def test_known_media_ids_must_be_ids() -> None:
    with pytest.raises(WistiaConfigError):
        WistiaNewMediaSensor(task_id="s", project_id="p", known_media_ids="{'a': 1}").resolved_known_ids()


def test_since_defaults_from_the_run() -> None:
    sensor = WistiaNewMediaSensor(task_id="s", project_id="p")
    start = datetime(2026, 5, 1, 10, 0, 0, 750_000, tzinfo=timezone.utc)
    assert sensor.resolved_since({"data_interval_start": start}) == start.replace(microsecond=0)
    run_after = datetime(2026, 5, 2, tzinfo=timezone.utc)
    context = {
        "data_interval_start": None,
        "logical_date": None,
        "dag_run": SimpleNamespace(run_after=run_after),
    }
    assert sensor.resolved_since(context) == run_after
    sensor.since = "2026-05-03 08:00:00+02:00"
    assert sensor.resolved_since({}) == datetime(2026, 5, 3, 6, tzinfo=timezone.utc)
    sensor.since, sensor.known_media_ids = "", ["x"]
    assert sensor.resolved_since({"data_interval_start": start}) is None  # known ids alone decide
