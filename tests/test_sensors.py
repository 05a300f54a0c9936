"""Wistia sensors inside real DAG runs (``dag.test()``) against the emulator over loopback.

``dag.test()`` runs the scheduler loop and task runner in-process, and runs the trigger
of a deferred task inline, so poke, reschedule and deferrable modes all run for real.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import task_states, xcom

from airflow_provider_wistia.emulator import WistiaEmulator


def media_gets(emulator: WistiaEmulator) -> Counter[str]:
    """How many reads of each media by id the emulator answered: ``GET /v1/medias/<id>``
    (poke, reschedule) or ``GET /v1/medias?hashed_ids[]=<id>`` (the triggers' batched poll)."""
    reads: Counter[str] = Counter()
    for r in emulator.requests:
        if r.method == "GET" and r.path.startswith("/v1/medias/") and r.path.count("/") == 3:
            reads[r.path.split("/")[-1].removesuffix(".json")] += 1
        elif r.method == "GET" and r.path == "/v1/medias.json":
            reads.update(parse_qs(urlsplit(r.raw_path).query).get("hashed_ids[]", []))
    return reads


def after_requests(emulator: WistiaEmulator, matches: Callable[[Any], bool], count: int, action: Any) -> Any:
    """Run ``action`` on a thread once ``count`` matching requests were answered: something
    that happens while a sensor is waiting, whatever the order the run takes its tasks in."""

    def watch() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if sum(1 for r in emulator.requests if r.status == 200 and matches(r)) >= count:
                action()
                return
            time.sleep(0.01)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def backdate(emulator: WistiaEmulator, hashed_id: str, hours: float) -> None:
    """Make a media look created ``hours`` ago (the emulator's create_media has no ``created``)."""
    with emulator.store.lock:
        emulator.store.media(hashed_id).created -= hours * 3600


# The status-sensor DAG's tasks and how each ends (tests/dags/wistia_test_sensors_status.py).
STATUS_SENSOR_STATES = {
    "wait_ready": "success",
    "wait_failed": "failed",
    "wait_never": "failed",
    "wait_never_soft": "skipped",
    "wait_bad_auth_soft": "failed",
}


def status_sensor_medias(emulator: WistiaEmulator) -> dict[str, str]:
    """The medias the status-sensor DAG waits for, one per task: ready, failed, never ready..."""
    project = emulator.create_project("Uploads")["hashedId"]
    ids = {
        name: emulator.create_media(f"{name}.mp4", project, status="queued")["hashed_id"]
        for name in ("ready", "failed", "never", "never_soft", "bad_auth_soft")
    }
    emulator.script_media_lifecycle(ids["failed"], ["queued", "processing", "failed"])
    for name in ("never", "never_soft"):
        emulator.script_media_lifecycle(ids[name], ["queued"])
    return ids


@pytest.mark.parametrize("mode", ["poke", "reschedule", "deferrable"])
def test_media_status_sensor_in_every_mode(
    run_dag, emulator: WistiaEmulator, set_connection, mode: str
) -> None:
    import wistia_test_sensors_status as dags

    set_connection("wistia_test_bad_token", token="not-the-token")
    ids = status_sensor_medias(emulator)

    run = run_dag(getattr(dags, f"{mode}_dag"), ids)

    assert task_states(run) == STATUS_SENSOR_STATES
    media = xcom(run, "wait_ready")
    assert media["hashed_id"] == ids["ready"] and media["status"] == "ready"
    assert xcom(run, "wait_failed") is None
    gets = media_gets(emulator)
    # queued -> processing (1st read) -> ready/failed (2nd read); nothing polled once decided
    assert gets[ids["ready"]] == 2 and gets[ids["failed"]] == 2
    assert gets[ids["never"]] >= 2 and gets[ids["never_soft"]] >= 2
    assert emulator.get_media(ids["ready"])["status"] == "ready"
    assert emulator.get_media(ids["failed"])["status"] == "failed"
    assert emulator.get_media(ids["never"])["status"] == "queued"
    refused = [r for r in emulator.requests if r.status == 401]
    assert refused and all(ids["bad_auth_soft"] in r.raw_path for r in refused)


def test_new_media_sensor(run_dag, emulator: WistiaEmulator) -> None:
    import wistia_test_sensors_new_media as dags

    project = emulator.create_project("Inbox")["hashedId"]
    empty = emulator.create_project("Empty")["hashedId"]
    old = emulator.create_media("old.mp4", project)["hashed_id"]
    backdate(emulator, old, hours=2)
    fresh = emulator.create_media("fresh.mp4", project)["hashed_id"]
    backdate(emulator, fresh, hours=0.5)
    since = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()
    arrived: list[str] = []

    def lists_project(r: Any) -> bool:
        # the sensors list the project; the trigger lists it once, then the whole account
        return r.path == "/v1/medias.json" and r.query.get("project_id") in (project, None)

    # arrives during the run (after its data_interval_start), once a waiting sensor has looked
    timer = after_requests(
        emulator,
        lists_project,
        2,
        lambda: arrived.append(emulator.create_media("live.mp4", project)["hashed_id"]),
    )
    try:
        run = run_dag(
            dags.dag, {"project": project, "since": since, "known": [old, fresh], "empty_project": empty}
        )
    finally:
        timer.join()

    assert task_states(run) == {
        "since_poke": "success",
        "default_since_deferrable": "success",
        "known_reschedule": "success",
        "nothing_new_soft": "skipped",
    }
    live = arrived[0]
    assert [m["hashed_id"] for m in xcom(run, "default_since_deferrable")] == [live]
    by_since = [m["hashed_id"] for m in xcom(run, "since_poke")]
    assert by_since[0] == fresh and old not in by_since  # oldest first, stops at since
    assert [m["hashed_id"] for m in xcom(run, "known_reschedule")] == [live]
    lists = [r for r in emulator.requests if r.path == "/v1/medias.json"]
    assert lists and all(r.query.get("sort_by") == "created" for r in lists)
    assert all(r.query.get("sort_direction") == "0" for r in lists)
    assert {r.query.get("project_id") for r in lists} == {project, empty, None}  # None: account-wide


def test_media_stats_sensor(run_dag, emulator: WistiaEmulator) -> None:
    import wistia_test_sensors_stats as dags

    ids = {name: emulator.create_media(f"{name}.mp4")["hashed_id"] for name in ("plays", "loads", "other")}
    for hid in ids.values():
        emulator.set_media_stats(hid, plays=5, page_loads=10, visitors=3)

    def stats_of(name: str) -> Callable[[Any], bool]:
        return lambda r: r.path == f"/v1/medias/{ids[name]}/stats.json"

    # each grows after the sensor waiting on it has seen it below its threshold once
    threads = [
        after_requests(
            emulator, stats_of("plays"), 1, lambda: emulator.set_media_stats(ids["plays"], plays=25)
        ),
        after_requests(
            emulator, stats_of("loads"), 1, lambda: emulator.set_media_stats(ids["loads"], page_loads=40)
        ),
    ]
    try:
        run = run_dag(
            dags.dag, {"plays_media": ids["plays"], "loads_media": ids["loads"], "media": ids["other"]}
        )
    finally:
        for thread in threads:
            thread.join()

    assert task_states(run) == {
        "plays_poke": "success",
        "page_loads_deferrable": "success",
        "unreachable": "failed",
    }
    assert xcom(run, "plays_poke")["stats"]["plays"] == 25
    assert xcom(run, "page_loads_deferrable")["stats"]["pageLoads"] == 40
    reads = Counter(r.path.split("/")[3] for r in emulator.requests if r.path.endswith("/stats.json"))
    assert reads[ids["plays"]] >= 2 and reads[ids["loads"]] >= 2 and reads[ids["other"]] >= 3
