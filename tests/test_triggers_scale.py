"""Waiting at scale (issue 11): many triggers in one event loop share their polls.

Run with plain ``asyncio.run`` against the emulator, as the triggerer would run them.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
import time
import traceback
from collections import Counter
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from test_triggers import rebuild
from test_triggers_event import FakeStateStore

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.triggers import (
    WistiaMediaStatusTrigger,
    WistiaNewMediaEventTrigger,
    WistiaNewMediaTrigger,
)

BATCH_PATH = "^/v1/medias\\.json$"


def batch_ids(emulator: WistiaEmulator) -> list[list[str]]:
    """The ids of each ``GET /v1/medias.json?hashed_ids[]=...`` the emulator answered."""
    return [
        parse_qs(urlsplit(r.raw_path).query).get("hashed_ids[]", [])
        for r in emulator.requests
        if r.path == "/v1/medias.json" and "hashed_ids" in r.raw_path
    ]


def client_threads() -> int:
    """Threads of this process but the in-process emulator's request handlers."""
    return sum(1 for t in threading.enumerate() if "process_request" not in t.name)


def busy_client_threads() -> list[str]:
    """Threads (not the caller's) running client code: the hook, requests, urllib3 or httpx."""
    busy = []
    for ident, frame in sys._current_frames().items():
        if ident == threading.get_ident():
            continue
        files = [f.f_code.co_filename for f, _ in traceback.walk_stack(frame)]
        if any(part in name for name in files for part in ("provider_wistia/hooks", "/requests/", "/httpx/")):
            busy.append(str(ident))
    return busy


async def first_payload(trigger: Any) -> dict[str, Any]:
    event = await anext(trigger.run())
    payload: dict[str, Any] = event.payload
    return payload


def test_250_triggers_share_3_list_requests_a_round_and_all_fire(emulator: WistiaEmulator) -> None:
    project = emulator.create_project("Migration")["hashedId"]
    ids = [emulator.create_media(f"v{i}.mp4", project, status="queued")["hashed_id"] for i in range(250)]
    for hid in ids[::10]:  # one in ten fails processing
        emulator.script_media_lifecycle(hid, ["queued", "processing", "failed"])

    async def scenario() -> list[dict[str, Any]]:
        triggers = [WistiaMediaStatusTrigger(hid, poll_interval=0.05) for hid in ids]
        return await asyncio.wait_for(asyncio.gather(*(first_payload(t) for t in triggers)), 60)

    events = asyncio.run(scenario())
    for hid, event in zip(ids, events, strict=True):
        assert event["media"]["hashed_id"] == hid
        expected = "failure" if hid in ids[::10] else "success"
        assert event["status"] == expected, event
    batches = batch_ids(emulator)
    reads = Counter(hid for batch in batches for hid in batch)
    rounds = max(reads.values())
    assert set(reads) == set(ids) and rounds == 2  # queued -> processing -> ready: two reads each
    assert all(len(batch) <= 100 for batch in batches)
    assert len(batches) <= 3 * rounds  # ceil(250 / 100) requests a round, not 250
    assert not [r for r in emulator.requests if r.path.startswith("/v1/medias/")]  # none was re-checked
    assert (
        emulator.get_media(ids[1])["status"] == "ready" and emulator.get_media(ids[0])["status"] == "failed"
    )


def test_end_time_fires_on_time_under_a_long_retry_after(emulator: WistiaEmulator) -> None:
    media = emulator.create_media("busy.mp4", status="queued")["hashed_id"]
    emulator.add_fault("rate_limit", status=429, retry_after=30, times=1, path=BATCH_PATH)

    async def scenario() -> tuple[dict[str, Any], float, set[asyncio.Task[Any]]]:
        started = time.monotonic()
        trigger = WistiaMediaStatusTrigger(media, poll_interval=0.05, end_time=time.time() + 1.0)
        payload = await asyncio.wait_for(first_payload(trigger), 20)
        elapsed = time.monotonic() - started
        await asyncio.sleep(0.05)
        return payload, elapsed, asyncio.all_tasks() - {asyncio.current_task()}

    payload, elapsed, left = asyncio.run(scenario())
    assert payload["status"] == "timeout" and payload["media"] is None
    assert 0.9 <= elapsed < 1.0 + 1.0 + 0.5  # within 1 s plus one request timeout, not 30 s
    assert not left  # the poller (asleep on the Retry-After) was cancelled with its last waiter
    assert [r.status for r in emulator.requests] == [429]


def test_a_cancelled_trigger_leaves_no_thread_busy_and_no_task(emulator: WistiaEmulator) -> None:
    media = emulator.create_media("slow.mp4", status="queued")["hashed_id"]
    emulator.add_fault("slow", delay=3.0, times=1, path=BATCH_PATH)

    async def scenario() -> tuple[int, int, set[asyncio.Task[Any]], float, list[str]]:
        await asyncio.to_thread(lambda: None)  # the loop's executor exists before the baseline
        before = client_threads()
        task = asyncio.create_task(first_payload(WistiaMediaStatusTrigger(media, poll_interval=0.05)))
        await asyncio.sleep(0.5)  # the trigger's poll is in flight, the server is slow
        started = time.monotonic()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        took = time.monotonic() - started
        await asyncio.sleep(0.1)
        tasks_left = asyncio.all_tasks() - {asyncio.current_task()}
        return before, client_threads(), tasks_left, took, busy_client_threads()

    before, after, left, took, busy = asyncio.run(scenario())
    assert not busy  # nothing is still sending or sleeping on behalf of the cancelled trigger
    assert not left and took < 1.0  # the request was abandoned, not waited for
    assert after <= before  # the request never ran on a thread of its own
    assert emulator.faults_injected == {"slow": 1}


def test_a_deleted_media_gives_an_error_event(emulator: WistiaEmulator) -> None:
    kept = emulator.create_media("kept.mp4", status="queued")["hashed_id"]
    doomed = emulator.create_media("doomed.mp4", status="queued")["hashed_id"]
    emulator.script_media_lifecycle(kept, ["queued"])

    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        waiting = asyncio.create_task(
            first_payload(WistiaMediaStatusTrigger(kept, poll_interval=0.05, end_time=time.time() + 1.5))
        )
        trigger = WistiaMediaStatusTrigger(doomed, poll_interval=0.05)
        gone = asyncio.create_task(first_payload(trigger))
        while not batch_ids(emulator):
            await asyncio.sleep(0.01)
        emulator.store.delete_media(doomed)
        return await asyncio.wait_for(gone, 10), await asyncio.wait_for(waiting, 10)

    gone, waiting = asyncio.run(scenario())
    assert gone["status"] == "error" and gone["error_type"] == "WistiaNotFoundError"
    assert doomed in gone["message"]
    # Absent from a batch, it was re-checked once by id: the 404 came from there.
    assert [r.status for r in emulator.requests if r.path == f"/v1/medias/{doomed}.json"] == [404]
    assert waiting["status"] == "timeout"  # its neighbour in the batch was not disturbed


def test_a_restart_resumes_from_serialized_kwargs(emulator: WistiaEmulator) -> None:
    project = emulator.create_project("Inbox")["hashedId"]
    medias = [emulator.create_media(f"m{i}.mp4", project, status="queued")["hashed_id"] for i in range(3)]
    since = "2020-01-01T00:00:00Z"
    known = [m for m in medias]

    async def first_life() -> list[Any]:
        triggers: list[Any] = [WistiaMediaStatusTrigger(m, poll_interval=0.05) for m in medias]
        triggers.append(WistiaNewMediaTrigger(project, since, known, poll_interval=0.05))
        tasks = [asyncio.create_task(first_payload(t)) for t in triggers]
        while len(batch_ids(emulator)) < 1:  # one round: queued -> processing
            await asyncio.sleep(0.01)
        for task in tasks:  # the triggerer dies
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return triggers

    async def second_life(triggers: list[Any]) -> list[dict[str, Any]]:
        again = [rebuild(t) for t in triggers]
        pending = [asyncio.create_task(first_payload(t)) for t in again]
        await asyncio.sleep(0.2)
        new = emulator.create_media("new.mp4", project)["hashed_id"]
        payloads = await asyncio.wait_for(asyncio.gather(*pending), 20)
        assert [m["hashed_id"] for m in payloads[-1]["medias"]] == [new]
        return payloads

    triggers = asyncio.run(first_life())
    assert all(emulator.get_media(m)["status"] == "processing" for m in medias)
    payloads = asyncio.run(second_life(triggers))
    assert [p["media"]["status"] for p in payloads[:3]] == ["ready"] * 3
    assert [p["media"]["hashed_id"] for p in payloads[:3]] == medias


def test_event_trigger_killed_after_yielding_repeats_its_last_poll_with_the_same_keys(
    emulator: WistiaEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 10 item 9: the cursor saved never passes events of the last poll (``run()``, the
    path before Airflow 3.3, with no save delay beyond one poll)."""
    from airflow_provider_wistia.triggers import events as events_module
    from airflow_provider_wistia.triggers.cursor_stores import stream_cursor_key

    monkeypatch.setattr(events_module, "SAVE_DELAY_SECONDS", 0.0)
    project = emulator.create_project("Inbox")["hashedId"]
    key = stream_cursor_key("wistia_default", project)
    emulator.create_media("before.mp4", project)
    store = FakeStateStore()

    def start(trigger: WistiaNewMediaEventTrigger) -> tuple[list[dict[str, Any]], asyncio.Task[None]]:
        trigger.asset_state_store = store  # type: ignore[attr-defined]  # the triggerer injects it
        events: list[dict[str, Any]] = []

        async def consume() -> None:
            async for event in trigger.run():
                events.extend(event.payload["medias"])

        return events, asyncio.create_task(consume())

    async def until(events: list[dict[str, Any]], count: int) -> None:
        for _ in range(1000):
            if len(events) >= count:
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"only {len(events)} of {count} events")

    async def kill(task: asyncio.Task[None]) -> None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def scenario() -> None:
        trigger = WistiaNewMediaEventTrigger(project, poll_interval=0.3)
        events, task = start(trigger)
        await asyncio.sleep(0.8)  # baseline and a quiet poll: the baseline is saved
        a = emulator.create_media("a.mp4", project)["hashed_id"]
        b = emulator.create_media("b.mp4", project)["hashed_id"]
        await until(events, 2)
        await kill(task)  # after yielding, before the next poll
        saved = store.values[key]
        assert a not in saved["seen"] and b not in saved["seen"]  # not saved past unsaved events

        again = rebuild(trigger)
        assert isinstance(again, WistiaNewMediaEventTrigger)
        repeated, task = start(again)
        await until(repeated, 2)
        c = emulator.create_media("c.mp4", project)["hashed_id"]
        await until(repeated, 3)
        await asyncio.sleep(0.4)  # one more poll: now the cursor has moved past a and b
        await kill(task)
        assert [e["dedupe_key"] for e in events] == [a, b]
        assert [e["dedupe_key"] for e in repeated] == [a, b, c]  # the last poll repeated, nothing lost
        assert {a, b} <= set(store.values[key]["seen"])

    asyncio.run(asyncio.wait_for(scenario(), 30))


def test_pollers_and_hooks_of_a_connection_share_one_rate_limit(
    emulator: WistiaEmulator, set_connection
) -> None:
    from airflow_provider_wistia.hooks.wistia import WistiaHook

    set_connection(rate_limit_per_minute=4)
    hook = WistiaHook()
    hook.rate_limiter.window = 1.0  # the same 4-per-window budget on a 1 s window keeps it short
    medias = [emulator.create_media(f"m{i}.mp4", status="queued")["hashed_id"] for i in range(3)]

    async def scenario() -> list[dict[str, Any]]:
        waits = [first_payload(WistiaMediaStatusTrigger(m, poll_interval=0)) for m in medias]
        busy = asyncio.to_thread(lambda: [hook.get_account() for _ in range(6)])  # another user
        results = await asyncio.wait_for(asyncio.gather(*waits, busy), 30)
        return list(results[:-1])

    try:
        payloads = asyncio.run(scenario())
    finally:
        hook.rate_limiter.window = 60.0
    assert [p["status"] for p in payloads] == ["success"] * 3
    sent = sorted(r.timestamp for r in emulator.requests)
    assert len(sent) >= 8  # 6 account reads and at least two batched polls
    # The emulator saw at most 4 requests in any 1 s window, from the hook and the poller together
    # (a little slack for the time between the client's clock and the server's log).
    assert max(sum(1 for t in sent if start <= t < start + 0.95) for start in sent) <= 4


def test_the_account_listing_pages_by_cursor_down_to_the_oldest_cursor(emulator: WistiaEmulator) -> None:
    """More new medias in the account than one page between two rounds: the listing of an
    account-wide watcher goes on with ``cursor[after]`` down to its cursor."""
    watched = emulator.create_project("Watched")["hashedId"]
    busy = emulator.create_project("Busy")["hashedId"]
    emulator.create_media("old.mp4", watched)

    async def scenario() -> list[str]:
        events: list[str] = []

        async def consume() -> None:
            async for event in WistiaNewMediaEventTrigger(None, poll_interval=0.5).run():
                events.extend(media["dedupe_key"] for media in event.payload["medias"])

        task = asyncio.create_task(consume())
        await asyncio.sleep(0.3)  # the baseline is taken
        for i in range(150):
            emulator.create_media(f"busy{i}.mp4", busy)
            if i in (10, 140):
                emulator.create_media(f"new{i}.mp4", watched)
        for _ in range(300):
            if len(events) >= 152:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.6)  # another round: no repeats
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return events

    events = asyncio.run(asyncio.wait_for(scenario(), 30))
    names = {m["hashed_id"]: m["name"] for m in emulator.list_medias()}
    assert [names[e] for e in events if names[e].startswith("new")] == ["new10.mp4", "new140.mp4"]
    assert len(events) == len(set(events)) == 152  # every new media of the account, once
    account = [r for r in emulator.requests if r.path == "/v1/medias.json" and "project_id" not in r.query]
    assert any("cursor[after]" in r.query for r in account)  # the 152 new medias took two pages
    assert all("page" not in r.query for r in account)


def test_a_trigger_that_joins_later_is_read_alone_at_once(emulator: WistiaEmulator) -> None:
    """Triggers defer one by one as uploads finish: each newcomer costs a read of its own media,
    not a read of every waiting media, and does not wait for the next round."""
    waiting = [emulator.create_media(f"w{i}.mp4", status="queued")["hashed_id"] for i in range(150)]
    for hid in waiting:
        emulator.script_media_lifecycle(hid, ["queued"])
    late = emulator.create_media("late.mp4", status="ready")["hashed_id"]

    async def scenario() -> tuple[dict[str, Any], float]:
        tasks = [
            asyncio.create_task(first_payload(WistiaMediaStatusTrigger(m, poll_interval=30))) for m in waiting
        ]
        while len(batch_ids(emulator)) < 2:  # the first full round: 2 requests for 150 ids
            await asyncio.sleep(0.01)
        started = time.monotonic()
        payload = await asyncio.wait_for(first_payload(WistiaMediaStatusTrigger(late, poll_interval=30)), 10)
        took = time.monotonic() - started
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return payload, took

    payload, took = asyncio.run(scenario())
    assert payload["status"] == "success" and payload["media"]["hashed_id"] == late
    assert took < 5  # not the 30 s of the next round
    assert [len(batch) for batch in batch_ids(emulator)] == [100, 50, 1]
