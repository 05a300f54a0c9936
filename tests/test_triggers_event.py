"""``WistiaNewMediaEventTrigger``: at most one event per poll, the medias oldest first.

Driven through Airflow's own ``SharedStreamManager`` (the triggerer's shared streams, ack mode)
as the triggerer drives it: subscribe, filter, bind each event, confirm it persisted. The
real-triggerer test with ``kill -9`` is ``test_event_streams_triggerer.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Awaitable, Callable
from typing import Any

import pendulum
import pytest
from airflow.sdk import DAG, Asset, AssetWatcher
from airflow.triggers.base import BaseEventTrigger
from test_sensors import backdate

from airflow_provider_wistia._compat import has_shared_streams
from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.triggers import WistiaNewMediaEventTrigger
from airflow_provider_wistia.triggers import events as events_module
from airflow_provider_wistia.triggers.cursor_stores import stream_cursor_key

if has_shared_streams():
    from airflow.triggers.shared_stream import SharedStreamManager

POLL = 0.05
needs_streams = pytest.mark.skipif(not has_shared_streams(), reason="shared streams: Airflow 3.3+")
_ids = itertools.count(1)


def key_of(project: str | None) -> str:
    return stream_cursor_key("wistia_default", project)


class FakeStateStore:
    """The ``aget``/``aset`` part of Airflow 3.3's ``AssetStateStoreAccessors`` for one asset."""

    def __init__(self, name: str = "asset") -> None:
        self.name = name
        self.values: dict[str, Any] = {}
        self.writes = 0

    async def aget(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    async def aset(self, key: str, value: Any) -> None:
        self.values[key] = value
        self.writes += 1

    def __repr__(self) -> str:
        return f"<AssetStateStoreAccessors [name={self.name!r}]>"


class Watch:
    """One trigger on the manager's shared stream, as ``TriggerRunner.run_trigger`` drives it.

    ``persist=False`` stores nothing: the events stay unconfirmed (a database that is gone).
    """

    def __init__(
        self,
        manager: SharedStreamManager,
        trigger: WistiaNewMediaEventTrigger,
        store: Any = None,
        persist: bool = True,
    ) -> None:
        self.manager, self.trigger, self.persist = manager, trigger, persist
        self.trigger_id = next(_ids)
        trigger.asset_state_store = store
        self.events: list[dict[str, Any]] = []
        self.task = asyncio.create_task(self._consume())

    async def _consume(self) -> None:
        key = self.trigger.shared_stream_key()
        stream = self.manager.subscribe(trigger_id=self.trigger_id, trigger=self.trigger, key=key)
        try:
            async for event in self.trigger.filter_shared_stream(stream):
                seq = self.manager.bind_pending_event(trigger_id=self.trigger_id, key=key)
                self.events.append(event.payload)
                if self.persist and seq is not None:
                    asyncio.get_running_loop().call_later(0.05, self.manager.confirm_persisted, [seq])
        finally:
            await self.manager.unsubscribe(self.trigger_id, key)

    def ids(self) -> list[str]:
        return [media["dedupe_key"] for event in self.events for media in event["medias"]]

    async def until(self, count: int, timeout: float = 5.0) -> list[str]:
        """Wait for ``count`` medias in total; return their ids."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.ids()) < count:
            if self.task.done():
                self.task.result()  # surface the trigger's error
            assert loop.time() < deadline, f"only {len(self.ids())} of {count} medias"
            await asyncio.sleep(0.01)
        return self.ids()

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(scenario(), 30))


def list_calls(emulator: WistiaEmulator) -> int:
    return sum(1 for r in emulator.requests if r.path == "/v1/medias.json")


async def polls(emulator: WistiaEmulator, count: int, timeout: float = 10.0) -> None:
    """Wait until the emulator has answered ``count`` listings (bounded: a stopped watcher fails)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while list_calls(emulator) < count:
        assert asyncio.get_running_loop().time() < deadline, f"{list_calls(emulator)} of {count} polls"
        await asyncio.sleep(0.02)


@needs_streams
def test_one_event_per_poll_with_its_medias_oldest_first(emulator: WistiaEmulator) -> None:
    project = emulator.create_project("Inbox")["hashedId"]
    other = emulator.create_project("Elsewhere")["hashedId"]
    existing = [emulator.create_media(f"old{i}.mp4", project)["hashed_id"] for i in range(3)]

    async def scenario() -> None:
        watch = Watch(SharedStreamManager(), WistiaNewMediaEventTrigger(project, poll_interval=0.3))
        await polls(emulator, 2)  # the baseline plus a quiet poll
        assert watch.events == []
        burst = [emulator.create_media(f"b{i}.mp4", project)["hashed_id"] for i in range(3)]
        emulator.create_media("not-watched.mp4", other)
        assert await watch.until(3) == burst
        assert len(watch.events) == 1  # the burst is one event: nothing waits in Airflow's run queue
        await polls(emulator, list_calls(emulator) + 2)  # two more polls, however loaded the machine
        assert len(watch.events) == 1  # the state stays true: no repeats
        c = emulator.create_media("c.mp4", project)["hashed_id"]
        assert await watch.until(4) == [*burst, c]
        await watch.stop()
        assert not set(existing) & set(watch.ids())
        event = watch.events[0]
        assert set(event) == {"status", "medias", "project_id", "message"} and event["project_id"] == project
        assert [m["hashed_id"] for m in event["medias"]] == [m["dedupe_key"] for m in event["medias"]]

    run(scenario)


@needs_streams
def test_known_media_ids_replace_the_baseline(emulator: WistiaEmulator) -> None:
    project = emulator.create_project("Inbox")["hashedId"]
    handled, missed = (emulator.create_media(f"{n}.mp4", project)["hashed_id"] for n in ("handled", "missed"))

    async def scenario() -> None:
        watch = Watch(
            SharedStreamManager(), WistiaNewMediaEventTrigger(project, POLL, known_media_ids=[handled])
        )
        assert await watch.until(1) == [missed]
        await asyncio.sleep(8 * POLL)
        assert watch.ids() == [missed]
        await watch.stop()

    run(scenario)


@needs_streams
def test_window_catches_media_that_are_listed_late(emulator: WistiaEmulator) -> None:
    project = emulator.create_project("Inbox")["hashedId"]
    emulator.create_media("seen.mp4", project)

    async def scenario() -> None:
        watch = Watch(SharedStreamManager(), WistiaNewMediaEventTrigger(project, poll_interval=POLL))
        await asyncio.sleep(4 * POLL)
        late = emulator.create_media("late.mp4", project)["hashed_id"]
        backdate(emulator, late, hours=2 / 60)  # older than the newest seen, within the window
        ancient = emulator.create_media("ancient.mp4", project)["hashed_id"]
        backdate(emulator, ancient, hours=3)  # e.g. moved in from another project: not seen
        assert await watch.until(1) == [late]
        await asyncio.sleep(6 * POLL)
        assert watch.ids() == [late]
        await watch.stop()

    run(scenario)


@needs_streams
def test_the_cursor_is_saved_only_once_airflow_stored_the_event(emulator: WistiaEmulator) -> None:
    """Ack mode: no confirmation, no save; a restart then delivers the same medias again."""
    project = emulator.create_project("Inbox")["hashedId"]
    emulator.create_media("before.mp4", project)
    store = FakeStateStore()

    async def scenario() -> None:
        watch = Watch(SharedStreamManager(), WistiaNewMediaEventTrigger(project, POLL), store, persist=False)
        await asyncio.sleep(4 * POLL)
        baseline = store.values[key_of(project)]  # the baseline is saved at once
        a = emulator.create_media("a.mp4", project)["hashed_id"]
        assert await watch.until(1) == [a]
        await asyncio.sleep(6 * POLL)
        assert store.values[key_of(project)] == baseline  # never confirmed: not saved past a
        await watch.stop()  # the triggerer dies
        b = emulator.create_media("b.mp4", project)["hashed_id"]
        again = Watch(SharedStreamManager(), WistiaNewMediaEventTrigger(project, POLL), store)
        assert await again.until(2) == [a, b]  # a repeats (same dedupe_key), b was not lost
        await asyncio.sleep(6 * POLL)
        assert {a, b} <= set(store.values[key_of(project)]["seen"])
        await again.stop()
        third = Watch(SharedStreamManager(), WistiaNewMediaEventTrigger(project, POLL), store)
        await asyncio.sleep(6 * POLL)
        await third.stop()
        assert third.events == []  # confirmed and saved: nothing repeats

    run(scenario)


@needs_streams
def test_two_watchers_of_one_stream_keep_their_own_cursors_and_a_late_one_gets_a_replay(
    emulator: WistiaEmulator,
) -> None:
    project = emulator.create_project("Inbox")["hashedId"]
    first, second = FakeStateStore("first"), FakeStateStore("second")

    async def scenario() -> None:
        manager = SharedStreamManager()
        one = Watch(manager, WistiaNewMediaEventTrigger(project, POLL), first)
        two = Watch(manager, WistiaNewMediaEventTrigger(project, 2 * POLL), second)
        await asyncio.sleep(6 * POLL)
        a = emulator.create_media("a.mp4", project)["hashed_id"]
        assert await one.until(1) == [a] and await two.until(1) == [a]
        await asyncio.sleep(6 * POLL)
        await two.stop()  # its asset's watcher goes away for a while; the group keeps polling
        b = emulator.create_media("b.mp4", project)["hashed_id"]
        assert await one.until(2) == [a, b]
        await asyncio.sleep(6 * POLL)
        assert b in first.values[key_of(project)]["seen"] and b not in second.values[key_of(project)]["seen"]
        back = Watch(
            manager, WistiaNewMediaEventTrigger(project, 2 * POLL), second
        )  # joins the running group
        assert await back.until(1) == [b]  # its replay: what it missed, from its own cursor
        c = emulator.create_media("c.mp4", project)["hashed_id"]
        assert await back.until(2) == [b, c] and await one.until(3) == [a, b, c]
        await asyncio.sleep(6 * POLL)
        await one.stop()
        await back.stop()
        assert first.values[key_of(project)]["seen"].keys() == second.values[key_of(project)]["seen"].keys()
        assert one.ids() == [a, b, c] and back.ids() == [b, c]  # nothing twice

    run(scenario)


def test_polling_alone_saves_a_poll_s_cursor_late_enough(
    emulator: WistiaEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before Airflow 3.3 (``run()``): a poll's cursor is saved one later poll and
    ``SAVE_DELAY_SECONDS`` after its event; a crash before that repeats it."""
    monkeypatch.setattr(events_module, "SAVE_DELAY_SECONDS", 0.5)
    project = emulator.create_project("Inbox")["hashedId"]
    store = FakeStateStore()

    async def consume(trigger: WistiaNewMediaEventTrigger, sink: list[str]) -> None:
        trigger.asset_state_store = store  # type: ignore[assignment]
        async for event in trigger.run():
            sink.extend(m["dedupe_key"] for m in event.payload["medias"])

    async def scenario() -> None:
        seen: list[str] = []
        task = asyncio.create_task(consume(WistiaNewMediaEventTrigger(project, POLL), seen))
        while key_of(project) not in store.values:  # a baseline has no event: saved at once
            await asyncio.sleep(0.01)
        a = emulator.create_media("a.mp4", project)["hashed_id"]
        while not seen:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)  # polls after the event, but within the save delay
        task.cancel()
        assert a not in store.values[key_of(project)]["seen"]
        again: list[str] = []
        task = asyncio.create_task(consume(WistiaNewMediaEventTrigger(project, POLL), again))
        await asyncio.sleep(1.0)
        assert again == [a]  # repeated, not lost
        task.cancel()
        assert a in store.values[key_of(project)]["seen"]  # saved once the delay passed

    run(scenario)


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
