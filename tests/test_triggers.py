"""Task triggers driven with plain ``asyncio.run`` against the emulator over loopback."""

from __future__ import annotations

import asyncio
import importlib
import json
import time
from datetime import datetime, timezone
from typing import Any

import pytest
from airflow.triggers.base import BaseTrigger

from airflow_provider_wistia._compat import AirflowSensorTimeout
from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.exceptions import (
    WistiaAuthError,
    WistiaConfigError,
    WistiaError,
    WistiaNotFoundError,
)
from airflow_provider_wistia.triggers import (
    WistiaMediaStatsTrigger,
    WistiaMediaStatusTrigger,
    WistiaNewMediaEventTrigger,
    WistiaNewMediaTrigger,
)
from airflow_provider_wistia.triggers.conditions import WistiaMediaFailedError, result_from_event


def first_event(trigger: BaseTrigger, timeout: float = 20) -> dict[str, Any]:
    """The first event ``trigger.run()`` yields, as the JSON dict it must be."""

    async def _first() -> Any:
        return await asyncio.wait_for(anext(trigger.run()), timeout)

    payload = asyncio.run(_first()).payload
    assert json.loads(json.dumps(payload)) == payload  # plain JSON, nothing pickled
    return payload


def rebuild(trigger: BaseTrigger) -> BaseTrigger:
    """What the triggerer does: encode the kwargs as Airflow stores them, decode, instantiate."""
    try:
        from airflow.serialization.decoders import smart_decode_trigger_kwargs
        from airflow.serialization.encoders import encode_trigger
    except ImportError:  # Airflow 3.1 stores trigger kwargs with BaseSerialization
        from airflow.serialization.serialized_objects import BaseSerialization

        classpath, raw_kwargs = trigger.serialize()
        stored = json.loads(
            json.dumps({"classpath": classpath, "kwargs": BaseSerialization.serialize(raw_kwargs)})
        )
        kwargs = BaseSerialization.deserialize(stored["kwargs"])
    else:
        stored = json.loads(json.dumps(encode_trigger(trigger)))
        kwargs = {key: smart_decode_trigger_kwargs(value) for key, value in stored["kwargs"].items()}
    module, _, name = stored["classpath"].rpartition(".")
    return getattr(importlib.import_module(module), name)(**kwargs)


BATCH_PATH = "^/v1/medias\\.json$"  # status triggers read their medias in hashed_ids[] batches


def batch_reads(emulator: WistiaEmulator) -> list[int]:
    return [r.status for r in emulator.requests if r.path == "/v1/medias.json"]


TRIGGERS = [
    WistiaMediaStatusTrigger("abc123", "wistia_x", ("ready", "Processing"), ("failed",), poll_interval=5),
    WistiaMediaStatusTrigger("abc123", end_time=1_900_000_000.5),
    WistiaNewMediaTrigger("proj1", datetime(2026, 3, 1, 12, 30, tzinfo=timezone.utc), ["b", "a"]),
    WistiaNewMediaTrigger("proj1", "2026-03-01T12:30:00Z", poll_interval=0.5),
    WistiaNewMediaTrigger("proj1", None, known_media_ids=[]),
    WistiaMediaStatsTrigger("abc123", "page_loads", 10.5, wistia_conn_id="w", poll_interval=2),
    WistiaNewMediaEventTrigger("proj1", poll_interval=15, known_media_ids=("x", "y")),
]


@pytest.mark.parametrize("trigger", TRIGGERS, ids=lambda t: type(t).__name__)
def test_serialize_round_trips(trigger: BaseTrigger) -> None:
    classpath, kwargs = trigger.serialize()
    assert classpath == f"airflow_provider_wistia.triggers.wistia.{type(trigger).__name__}"
    assert json.loads(json.dumps(kwargs)) == kwargs
    again = rebuild(trigger)
    assert type(again) is type(trigger) and again.serialize() == trigger.serialize()
    assert type(trigger)(**kwargs).serialize() == (classpath, kwargs)


def test_serialized_values_are_normalised() -> None:
    kwargs = TRIGGERS[0].serialize()[1]
    assert kwargs["target_statuses"] == ["ready", "processing"] and kwargs["poll_interval"] == 5.0
    assert TRIGGERS[2].serialize()[1]["since"] == "2026-03-01T12:30:00+00:00"
    assert TRIGGERS[2].serialize()[1]["known_media_ids"] == ["a", "b"]
    assert TRIGGERS[5].serialize()[1]["metric"] == "pageLoads"


@pytest.mark.parametrize(
    "build",
    [
        lambda: WistiaMediaStatusTrigger("m", target_statuses=()),
        lambda: WistiaMediaStatusTrigger("m", target_statuses=["ready"], failure_statuses=["READY"]),
        lambda: WistiaMediaStatusTrigger("m", poll_interval=-1),
        lambda: WistiaMediaStatusTrigger("bad id"),
        lambda: WistiaMediaStatsTrigger("m", "likes", 1),
        lambda: WistiaMediaStatsTrigger("m", "plays", -1),
        lambda: WistiaMediaStatsTrigger("m", "plays", True),
        lambda: WistiaNewMediaTrigger("p", "last tuesday"),
    ],
)
def test_bad_arguments_fail_before_any_request(build: Any) -> None:
    with pytest.raises(WistiaConfigError):
        build()


def test_status_trigger_success_event(emulator: WistiaEmulator) -> None:
    media = emulator.create_media("clip.mp4", status="queued")["hashed_id"]
    event = first_event(WistiaMediaStatusTrigger(media, poll_interval=0.05))
    assert event["status"] == "success" and set(event) == {"status", "media", "message"}
    assert event["media"]["hashed_id"] == media and event["media"]["status"] == "ready"
    assert media in event["message"] and "ready" in event["message"]
    reads = [r for r in emulator.requests if r.path == "/v1/medias.json"]
    assert [r.status for r in reads] == [200, 200] and all(r.query["hashed_ids[]"] == media for r in reads)
    assert not [r for r in emulator.requests if r.path == f"/v1/medias/{media}.json"]  # found in the batch


def test_status_trigger_failure_event(emulator: WistiaEmulator) -> None:
    media = emulator.create_media("broken.mp4", status="queued")["hashed_id"]
    emulator.script_media_lifecycle(media, ["queued", "processing", "failed"])
    event = first_event(WistiaMediaStatusTrigger(media, poll_interval=0.05))
    assert event["status"] == "failure" and event["media"]["status"] == "failed"
    assert media in event["message"] and "'failed'" in event["message"]
    with pytest.raises(WistiaMediaFailedError, match=media):
        result_from_event(event, "media")


def test_status_trigger_timeout_event(emulator: WistiaEmulator) -> None:
    media = emulator.create_media("stuck.mp4", status="queued")["hashed_id"]
    emulator.script_media_lifecycle(media, ["queued"])
    started = time.monotonic()
    event = first_event(WistiaMediaStatusTrigger(media, poll_interval=0.1, end_time=time.time() + 0.5))
    assert 0.4 < time.monotonic() - started < 3
    assert event["status"] == "timeout" and event["media"]["status"] == "queued"
    assert "'queued'" in event["message"]
    with pytest.raises(AirflowSensorTimeout):
        result_from_event(event, "media")


def test_retries_a_burst_of_503_with_retry_after(emulator: WistiaEmulator, set_connection) -> None:
    set_connection(max_retries=1)  # the hook gives up after 2 attempts: the trigger must carry on
    media = emulator.create_media("busy.mp4")["hashed_id"]
    emulator.add_fault("rate_limit", status=503, retry_after=0, times=6, path=BATCH_PATH)
    event = first_event(WistiaMediaStatusTrigger(media, poll_interval=0.05))
    assert event["status"] == "success" and event["media"]["hashed_id"] == media
    assert batch_reads(emulator) == [503] * 6 + [200]
    assert emulator.faults_injected == {"rate_limit": 6}
    assert all(r.headers.get("Authorization") == "Bearer <redacted>" for r in emulator.requests)


def test_retries_connection_errors(emulator: WistiaEmulator, set_connection) -> None:
    set_connection(max_retries=0)
    media = emulator.create_media("flaky.mp4")["hashed_id"]
    emulator.add_fault("reset_before", times=2, path=BATCH_PATH)
    emulator.add_fault("status", status=502, times=1, path=BATCH_PATH)
    event = first_event(WistiaMediaStatusTrigger(media, poll_interval=0.05))
    assert event["status"] == "success"
    assert emulator.faults_injected == {"reset_before": 2, "status": 1}


def test_auth_error_gives_an_error_event(emulator: WistiaEmulator, set_connection) -> None:
    set_connection(token="revoked-token-123")
    media = emulator.create_media("clip.mp4")["hashed_id"]
    event = first_event(WistiaMediaStatusTrigger(media, poll_interval=0.05))
    assert event["status"] == "error" and event["error_type"] == "WistiaAuthError"
    assert "401" in event["message"] and "revoked-token-123" not in event["message"]
    assert len(emulator.requests) == 1  # not retried
    with pytest.raises(WistiaAuthError, match="401"):
        result_from_event(event, "media")


def test_missing_media_gives_an_error_event(emulator: WistiaEmulator) -> None:
    event = first_event(WistiaMediaStatusTrigger("nosuchmedia", poll_interval=0.05))
    assert event["status"] == "error" and event["error_type"] == "WistiaNotFoundError"
    assert event["media"] is None and "nosuchmedia" in event["message"]
    with pytest.raises(WistiaNotFoundError):
        result_from_event(event, "media")


def test_run_does_not_block_the_event_loop(emulator: WistiaEmulator) -> None:
    media = emulator.create_media("slow.mp4")["hashed_id"]
    emulator.add_fault("slow", delay=1.0, times=1, path=BATCH_PATH)

    async def scenario() -> tuple[dict[str, Any], int]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.05)
                ticks += 1

        tick_task = asyncio.create_task(ticker())
        event = await anext(WistiaMediaStatusTrigger(media, poll_interval=0.05).run())
        tick_task.cancel()
        return event.payload, ticks

    payload, ticks = asyncio.run(scenario())
    assert payload["status"] == "success"
    assert ticks >= 12  # ~20 ticks fit in the 1 s the response took


def test_new_media_trigger(emulator: WistiaEmulator) -> None:
    project = emulator.create_project("Inbox")["hashedId"]
    first = emulator.create_media("first.mp4", project)["hashed_id"]
    second = emulator.create_media("second.mp4", project)["hashed_id"]
    event = first_event(WistiaNewMediaTrigger(project, "2020-01-01T00:00:00Z", [first], poll_interval=0.05))
    assert event["status"] == "success" and [m["hashed_id"] for m in event["medias"]] == [second]
    assert project in event["message"]
    assert result_from_event(event, "medias") == event["medias"]


def test_media_stats_trigger(emulator: WistiaEmulator) -> None:
    media = emulator.create_media("talk.mp4")["hashed_id"]
    emulator.set_media_stats(media, plays=7, average_percent_watched=64)
    event = first_event(WistiaMediaStatsTrigger(media, "average_percent_watched", 60, poll_interval=0.05))
    assert event["status"] == "success" and event["stats"]["stats"]["averagePercentWatched"] == 64
    assert "averagePercentWatched" in event["message"]


def test_stats_of_a_non_video_is_an_error(emulator: WistiaEmulator) -> None:
    image = emulator.create_media("poster.png")["hashed_id"]
    event = first_event(WistiaMediaStatsTrigger(image, "plays", 1, poll_interval=0.05))
    assert event["status"] == "error" and event["error_type"] == "WistiaClientError"


@pytest.mark.parametrize(
    ("event", "error"),
    [
        ({"status": "error", "message": "boom", "error_type": "NotAnError"}, WistiaError),
        ({"status": "error", "message": "boom", "error_type": "WistiaNotFoundError"}, WistiaNotFoundError),
        ({"status": "weird"}, WistiaError),
        (None, WistiaError),
    ],
)
def test_result_from_event_raises(event: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        result_from_event(event, "media")
