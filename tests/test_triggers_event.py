"""``WistiaNewMediaEventTrigger``: one event per new media across polls, for asset watchers."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

import pendulum
import pytest
from airflow.sdk import DAG, Asset, AssetWatcher
from airflow.triggers.base import BaseEventTrigger
from test_sensors import backdate

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.triggers import WistiaNewMediaEventTrigger

POLL = 0.05


class Watch:
    """Consume a trigger's events in a background task, as the triggerer does."""

    def __init__(self, trigger: WistiaNewMediaEventTrigger) -> None:
        self.events: list[dict[str, Any]] = []
        self.task = asyncio.create_task(self._consume(trigger))

    async def _consume(self, trigger: WistiaNewMediaEventTrigger) -> None:
        async for event in trigger.run():
            self.events.append(event.payload)

    async def until(self, count: int, timeout: float = 5.0) -> list[str]:
        """Wait for ``count`` events in total; return their media ids."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.events) < count:
            if self.task.done():
                self.task.result()  # surface the trigger's error
            assert loop.time() < deadline, f"only {len(self.events)} of {count} events"
            await asyncio.sleep(0.01)
        return [event["media"]["hashed_id"] for event in self.events]

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(scenario(), 30))


def list_calls(emulator: WistiaEmulator) -> int:
    return sum(1 for r in emulator.requests if r.path == "/v1/medias.json")


def test_one_event_per_new_media_and_none_when_nothing_changes(emulator: WistiaEmulator) -> None:
    project = emulator.create_project("Inbox")["hashedId"]
    other = emulator.create_project("Elsewhere")["hashedId"]
    existing = [emulator.create_media(f"old{i}.mp4", project)["hashed_id"] for i in range(3)]

    async def scenario() -> None:
        watch = Watch(WistiaNewMediaEventTrigger(project, poll_interval=POLL))
        await asyncio.sleep(10 * POLL)  # baseline plus several quiet polls
        assert watch.events == []
        a = emulator.create_media("a.mp4", project)["hashed_id"]
        b = emulator.create_media("b.mp4", project)["hashed_id"]
        emulator.create_media("not-watched.mp4", other)
        assert await watch.until(2) == [a, b]
        polls_before = list_calls(emulator)
        await asyncio.sleep(10 * POLL)  # the state stays true: no repeats
        assert len(watch.events) == 2 and list_calls(emulator) > polls_before + 3
        c = emulator.create_media("c.mp4", project)["hashed_id"]
        assert await watch.until(3) == [a, b, c]
        await asyncio.sleep(5 * POLL)
        await watch.stop()
        assert len(watch.events) == 3 and not set(existing) & {e["media"]["hashed_id"] for e in watch.events}
        event = watch.events[0]
        assert set(event) == {"status", "media", "project_id", "dedupe_key", "message"}
        assert event["status"] == "success" and event["project_id"] == project and a in event["message"]
        assert [e["dedupe_key"] for e in watch.events] == [a, b, c]

    run(scenario)
    lists = [r for r in emulator.requests if r.path == "/v1/medias.json"]
    assert all(r.query["sort_by"] == "created" and r.query["sort_direction"] == "0" for r in lists)
    assert all("cursor[after]" not in r.query for r in lists)  # one request a poll: it stops at the cursor
    # The first read lists the project (baseline); then the shared poller lists the account.
    assert lists[0].query["project_id"] == project and not any("project_id" in r.query for r in lists[1:])


def test_known_media_ids_replace_the_baseline(emulator: WistiaEmulator) -> None:
    project = emulator.create_project("Inbox")["hashedId"]
    handled, missed = (emulator.create_media(f"{n}.mp4", project)["hashed_id"] for n in ("handled", "missed"))

    async def scenario() -> None:
        watch = Watch(WistiaNewMediaEventTrigger(project, POLL, known_media_ids=[handled]))
        assert await watch.until(1) == [missed]
        await asyncio.sleep(8 * POLL)
        assert len(watch.events) == 1
        await watch.stop()

    run(scenario)


def test_window_catches_media_that_are_listed_late(emulator: WistiaEmulator) -> None:
    project = emulator.create_project("Inbox")["hashedId"]
    emulator.create_media("seen.mp4", project)

    async def scenario() -> None:
        watch = Watch(WistiaNewMediaEventTrigger(project, poll_interval=POLL))
        await asyncio.sleep(4 * POLL)
        late = emulator.create_media("late.mp4", project)["hashed_id"]
        backdate(emulator, late, hours=2 / 60)  # older than the newest seen, within the window
        ancient = emulator.create_media("ancient.mp4", project)["hashed_id"]
        backdate(emulator, ancient, hours=3)  # e.g. moved in from another project: not seen
        assert await watch.until(1) == [late]
        await asyncio.sleep(6 * POLL)
        assert len(watch.events) == 1
        await watch.stop()

    run(scenario)


class FakeStateStore:
    """The ``aget``/``aset`` part of Airflow 3.3's ``AssetStateStoreAccessors``."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    async def aget(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    async def aset(self, key: str, value: Any) -> None:
        self.values[key] = value


def test_cursor_survives_a_restart_through_the_asset_state_store(emulator: WistiaEmulator) -> None:
    project = emulator.create_project("Inbox")["hashedId"]
    emulator.create_media("before.mp4", project)
    store = FakeStateStore()

    def start() -> Watch:
        trigger = WistiaNewMediaEventTrigger(project, poll_interval=POLL)
        trigger.asset_state_store = store  # type: ignore[assignment]  # the triggerer injects it
        return Watch(trigger)

    async def scenario() -> None:
        watch = start()
        await asyncio.sleep(4 * POLL)
        await watch.stop()
        saved = store.values["wistia_new_media_cursor"]
        assert saved["project_id"] == project and len(saved["seen"]) == 1
        during = emulator.create_media("during-downtime.mp4", project)["hashed_id"]
        watch = start()  # a restarted triggerer: resumes the cursor instead of a new baseline
        assert await watch.until(1) == [during]
        await asyncio.sleep(4 * POLL)
        await watch.stop()
        assert len(watch.events) == 1 and during in store.values["wistia_new_media_cursor"]["seen"]

    run(scenario)


def test_without_a_state_store_a_restart_takes_a_new_baseline(emulator: WistiaEmulator) -> None:
    project = emulator.create_project("Inbox")["hashedId"]

    async def scenario() -> None:
        watch = Watch(WistiaNewMediaEventTrigger(project, poll_interval=POLL))
        await asyncio.sleep(3 * POLL)
        await watch.stop()
        emulator.create_media("during-downtime.mp4", project)
        watch = Watch(WistiaNewMediaEventTrigger(project, poll_interval=POLL))
        await asyncio.sleep(6 * POLL)
        await watch.stop()
        assert watch.events == []  # the documented limitation

    run(scenario)


def test_transient_errors_are_retried(emulator: WistiaEmulator, set_connection) -> None:
    set_connection(max_retries=0)
    project = emulator.create_project("Inbox")["hashedId"]

    async def scenario() -> None:
        watch = Watch(WistiaNewMediaEventTrigger(project, poll_interval=POLL))
        await asyncio.sleep(3 * POLL)
        emulator.add_fault("rate_limit", status=503, retry_after=0, times=3, path="^/v1/medias")
        new = emulator.create_media("new.mp4", project)["hashed_id"]
        assert await watch.until(1, timeout=10) == [new]
        await watch.stop()

    run(scenario)
    assert emulator.faults_injected == {"rate_limit": 3}


@pytest.mark.parametrize("problem", ["revoked token", "missing project"])
def test_missing_project_or_revoked_token_keeps_the_trigger_alive_in_back_off(
    emulator: WistiaEmulator, set_connection, capfd: pytest.CaptureFixture[str], problem: str
) -> None:
    """A 401 or 404 would make the triggerer recreate a failed trigger at once, forever."""
    if problem == "revoked token":
        set_connection(token="revoked-token-123")
        project, status = emulator.create_project("Inbox")["hashedId"], "401"
    else:
        project, status = "nosuchproject", "404"

    async def scenario() -> None:
        watch = Watch(WistiaNewMediaEventTrigger(project, poll_interval=0.1))
        await asyncio.sleep(1.6)  # attempts at 0, 0.1, 0.3, 0.7, 1.5 s: doubling waits
        assert not watch.task.done() and watch.events == []
        await watch.stop()

    capfd.readouterr()
    run(scenario)
    output = "".join(capfd.readouterr())
    lines = [line for line in output.splitlines() if f"Cannot watch Wistia project {project}" in line]
    assert 3 <= len(lines) <= 6, output
    assert "(attempt 1)" in lines[0] and status in lines[0] and "trying again in 0.1 s" in lines[0]
    assert "(attempt 3)" in lines[2] and "trying again in 0.4 s" in lines[2]
    assert len(emulator.requests) == len(lines)  # one request per attempt, no hot loop
    assert "revoked-token-123" not in output


def test_usable_in_an_asset_watcher() -> None:
    try:
        from airflow.serialization.serialized_objects import DagSerialization
    except ImportError:  # Airflow 3.1
        from airflow.serialization.serialized_objects import SerializedDAG as DagSerialization

    trigger = WistiaNewMediaEventTrigger("proj1", poll_interval=30)
    asset = Asset("wistia://proj1", watchers=[AssetWatcher(name="new_media", trigger=trigger)])
    with DAG("wistia_test_event_driven", schedule=[asset], start_date=pendulum.datetime(2026, 1, 1)) as dag:
        pass
    text = str(DagSerialization.to_dict(dag))
    assert "airflow_provider_wistia.triggers.wistia.WistiaNewMediaEventTrigger" in text
    classpath, kwargs = trigger.serialize()
    again = WistiaNewMediaEventTrigger(**kwargs)
    assert BaseEventTrigger.hash(classpath, kwargs) == BaseEventTrigger.hash(*again.serialize())
    assert not getattr(WistiaNewMediaEventTrigger, "supports_triggerer_queue", False)  # 3.2+ attribute
