"""Sensors, triggers and webhooks on a modern connection: every read they make is pinned to the
release and goes to ``/modern``; their events are the same as on v1."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from conftest import task_states, xcom
from test_sensors import STATUS_SENSOR_STATES, status_sensor_medias
from test_triggers import first_event
from test_triggers_event import FakeStateStore, Watch, needs_streams, run

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.hooks.wistia import WistiaHook
from airflow_provider_wistia.triggers import (
    WistiaBackgroundJobTrigger,
    WistiaMediaStatusTrigger,
    WistiaNewMediaEventTrigger,
)

RELEASE = "2026-05"


@pytest.fixture
def modern(set_connection, emulator: WistiaEmulator) -> WistiaEmulator:
    set_connection(api_version=RELEASE)
    return emulator


def assert_all_modern(emulator: WistiaEmulator) -> list[Any]:
    api = [r for r in emulator.requests if r.path != "/oembed"]
    assert api, "no request was made"
    assert all(r.path.startswith("/modern/") for r in api), {r.path for r in api}
    assert all(r.headers.get("X-Wistia-Api-Version") == RELEASE for r in api)
    return api


def test_status_trigger(modern: WistiaEmulator) -> None:
    media = modern.create_media("clip.mp4", status="queued")["hashed_id"]
    event = first_event(WistiaMediaStatusTrigger(media, poll_interval=0.05))
    assert event["status"] == "success" and event["media"]["status"] == "ready"
    reads = assert_all_modern(modern)
    assert {r.path for r in reads} == {"/modern/medias"}
    assert all(r.query["hashed_ids[]"] == media for r in reads)


@needs_streams
def test_new_media_event_trigger(modern: WistiaEmulator) -> None:
    folder = modern.create_project("Inbox")["hashedId"]
    other = modern.create_project("Elsewhere")["hashedId"]
    modern.create_media("old.mp4", folder)

    async def scenario() -> None:
        from airflow.triggers.shared_stream import SharedStreamManager

        watch = Watch(SharedStreamManager(), WistiaNewMediaEventTrigger(folder, 0.05), FakeStateStore())
        await asyncio.sleep(0.5)
        assert watch.events == []
        new = modern.create_media("new.mp4", folder)["hashed_id"]
        modern.create_media("not-watched.mp4", other)
        assert await watch.until(1) == [new]
        await asyncio.sleep(0.3)
        await watch.stop()
        assert [e["project_id"] for e in watch.events] == [folder]  # read from the media's "folder"

    run(scenario)
    lists = assert_all_modern(modern)
    assert lists[0].query["folder_id"] == folder


def test_background_job_trigger_on_a_modern_bulk_copy(modern: WistiaEmulator) -> None:
    hook = WistiaHook()
    folder = hook.create_folder("Target")["hashed_id"]
    media = modern.create_media("clip.mp4")["hashed_id"]
    (answer,) = hook.copy_medias([media], folder)
    event = first_event(WistiaBackgroundJobTrigger(answer["background_job_status"]["id"], poll_interval=0.05))
    assert event["status"] == "success" and event["job"]["status"] == "finished"
    assert len(modern.store.projects[folder].medias) == 1  # the copy landed when the job finished
    assert_all_modern(modern)


def test_status_sensor_in_a_dag_run(run_dag, modern: WistiaEmulator, set_connection) -> None:
    import wistia_test_sensors_status as dags

    set_connection("wistia_test_bad_token", token="not-the-token", api_version=RELEASE)
    set_connection(api_version=RELEASE)  # the run_dag fixture's emulator set wistia_default to v1
    ids = status_sensor_medias(modern)

    dag_run = run_dag(dags.deferrable_dag, ids)

    assert task_states(dag_run) == STATUS_SENSOR_STATES
    assert xcom(dag_run, "wait_ready")["hashed_id"] == ids["ready"]
    assert_all_modern(modern)


def test_webhooks_on_a_modern_connection(airflow_db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The receiver reads only ``webhook_secret``: a modern connection receives deliveries as a v1 one."""
    import httpx
    from test_webhooks import delivery

    from airflow_provider_wistia.webhooks import app as webhook_app
    from airflow_provider_wistia.webhooks.signature import sign

    secret = "whsec-modern-3f9a1c7e"
    extra = {"webhook_secret": secret, "api_version": RELEASE}
    monkeypatch.setenv(
        "AIRFLOW_CONN_WISTIA_MODERN_HOOKS", json.dumps({"conn_type": "wistia", "extra": extra})
    )
    body = delivery(("media.ready", "modern-1"))

    async def post(signature: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=webhook_app.create_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://receiver") as client:
            headers = {"X-Wistia-Signature": signature}
            return await client.post("/webhooks/wistia_modern_hooks", content=body, headers=headers)

    assert asyncio.run(post(sign(body, "not-the-secret"))).status_code == 401
    answer = asyncio.run(post(sign(body, secret)))
    assert answer.status_code == 200, answer.text
    assert sum(answer.json().values()) == 1  # recorded, or ignored when no DAG schedules on it
