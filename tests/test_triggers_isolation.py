"""Issue 17 against the emulator over HTTP: one media's trouble stays with its waits, a rotated
token reaches running pollers, a refused or impossible join backs off instead of spinning,
and a re-join after an outage reads down to the watcher's cursor.

Run with plain ``asyncio.run``, as the triggerer runs triggers; the emulator is changed mid-run
(faults on one media id, token rotation, connection updates) and its request log is read after.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from test_sensors import backdate
from test_triggers_event import FakeStateStore, Watch, needs_streams

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.hooks import async_client
from airflow_provider_wistia.triggers import (
    WistiaMediaStatusTrigger,
    WistiaNewMediaEventTrigger,
    WistiaNewMediaTrigger,
)

BATCH_PATH = "^/v1/medias\\.json$"
NEW_TOKEN = "rotated-token-9d1e"


def one_id(media_id: str) -> str:
    """A fault ``query`` matching every request that names ``media_id`` (batch or not)."""
    return f"hashed_ids%5B%5D={media_id}(&|$)"


def batch_ids(emulator: WistiaEmulator) -> list[list[str]]:
    return [
        parse_qs(urlsplit(r.raw_path).query).get("hashed_ids[]", [])
        for r in emulator.requests
        if r.path == "/v1/medias.json" and "hashed_ids" in r.raw_path
    ]


async def payload(trigger: Any) -> dict[str, Any]:
    event = await anext(trigger.run())
    result: dict[str, Any] = event.payload
    return result


async def cancel(*tasks: asyncio.Task[Any]) -> None:
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task


# ---------------------------------------------------------------------- poisoning
def test_a_403_on_one_media_reaches_only_the_waits_on_it(emulator: WistiaEmulator) -> None:
    ids = [emulator.create_media(f"m{i}.mp4", status="queued")["hashed_id"] for i in range(3)]
    forbidden = ids[1]
    emulator.add_fault("status", status=403, times=1000, path=BATCH_PATH, query=one_id(forbidden))

    async def scenario() -> list[dict[str, Any]]:
        waits = [payload(WistiaMediaStatusTrigger(m, poll_interval=0.05)) for m in ids]
        return await asyncio.wait_for(asyncio.gather(*waits), 20)

    events = asyncio.run(scenario())
    assert [e["status"] for e in events] == ["success", "error", "success"]
    assert events[1]["error_type"] == "WistiaAuthError" and "403" in events[1]["message"]
    assert [e["media"]["hashed_id"] for e in (events[0], events[2])] == [ids[0], ids[2]]
    # The failing batch was split down to the forbidden id; the others were read in batches.
    # Once its error was delivered, the forbidden id is never read again (its wait is over).
    batches = batch_ids(emulator)
    assert [forbidden] in batches
    assert all(forbidden not in batch for batch in batches[batches.index([forbidden]) + 1 :])


def test_a_media_answering_500_for_ever_delays_no_other_wait(
    emulator: WistiaEmulator, set_connection
) -> None:
    set_connection(max_retries=0)
    broken = emulator.create_media("broken.mp4", status="queued")["hashed_id"]
    waiting = emulator.create_media("waiting.mp4", status="queued")["hashed_id"]
    emulator.script_media_lifecycle(waiting, ["queued"])
    emulator.add_fault("status", status=500, times=100_000, path=BATCH_PATH, query=one_id(broken))

    async def scenario() -> tuple[dict[str, Any], float, asyncio.Task[Any]]:
        stuck = asyncio.create_task(payload(WistiaMediaStatusTrigger(broken, poll_interval=0.1)))
        done = asyncio.create_task(payload(WistiaMediaStatusTrigger(waiting, poll_interval=0.1)))
        await asyncio.sleep(1.5)  # the broken media has failed a dozen times in a row by now
        emulator.script_media_lifecycle(waiting, ["ready"])
        started = time.monotonic()
        event = await asyncio.wait_for(done, 10)
        took = time.monotonic() - started
        assert not stuck.done()  # still waiting, in its own back-off
        await cancel(stuck)
        return event, took, stuck

    event, took, _ = asyncio.run(scenario())
    assert event["status"] == "success" and event["media"]["status"] == "ready"
    assert took < 1.0, f"the ready media was seen {took:.2f} s late"  # issue 17: 12.7 s before
    broken_reads = sum(1 for batch in batch_ids(emulator) if broken in batch)
    assert broken_reads <= 8  # its own doubling back-off (0.1, 0.2, 0.4, 0.8 s...), not every round


# ---------------------------------------------------------------------- rotation
def test_a_rotated_token_reaches_running_status_waits(emulator: WistiaEmulator, set_connection) -> None:
    media = emulator.create_media("clip.mp4", status="queued")["hashed_id"]
    emulator.script_media_lifecycle(media, ["queued"])

    async def scenario() -> dict[str, Any]:
        wait = asyncio.create_task(payload(WistiaMediaStatusTrigger(media, poll_interval=0.1)))
        await asyncio.sleep(0.5)
        emulator.configure(tokens=[NEW_TOKEN])  # Wistia accepts only the new token ...
        set_connection(token=NEW_TOKEN)  # ... and the Airflow connection is updated
        emulator.script_media_lifecycle(media, ["ready"])
        return await asyncio.wait_for(wait, 10)

    event = asyncio.run(scenario())
    assert event["status"] == "success"
    assert [r.status for r in emulator.requests].count(401) <= 1  # the one that made it re-read


def test_the_connection_is_read_again_every_few_minutes(
    emulator: WistiaEmulator, set_connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No 401 at all: the poller took the new token before the old one was revoked."""
    monkeypatch.setattr(async_client, "CONNECTION_MAX_AGE", 0.3, raising=False)
    old = emulator.tokens.copy()
    emulator.configure(tokens=[*old, NEW_TOKEN])
    media = emulator.create_media("clip.mp4", status="queued")["hashed_id"]
    emulator.script_media_lifecycle(media, ["queued"])

    async def scenario() -> dict[str, Any]:
        wait = asyncio.create_task(payload(WistiaMediaStatusTrigger(media, poll_interval=0.1)))
        await asyncio.sleep(0.3)
        set_connection(token=NEW_TOKEN)
        await asyncio.sleep(0.8)  # more than the connection's maximum age
        emulator.configure(tokens=[NEW_TOKEN])
        await asyncio.sleep(0.3)
        emulator.script_media_lifecycle(media, ["ready"])
        return await asyncio.wait_for(wait, 10)

    event = asyncio.run(scenario())
    assert event["status"] == "success"
    assert 401 not in [r.status for r in emulator.requests]


def test_a_new_media_wait_resumes_one_back_off_step_after_the_connection_is_fixed(
    emulator: WistiaEmulator, set_connection, capfd: pytest.CaptureFixture[str]
) -> None:
    project = emulator.create_project("Inbox")["hashedId"]
    emulator.configure(tokens=[NEW_TOKEN])  # rotated in Wistia; the connection still has the old one

    async def scenario() -> tuple[dict[str, Any], float]:
        trigger = WistiaNewMediaTrigger(project, "2020-01-01T00:00:00Z", poll_interval=0.1)
        wait = asyncio.create_task(payload(trigger))
        await asyncio.sleep(1.0)  # attempts at 0, 0.1, 0.3, 0.7 s; the next at 1.5 s
        assert not wait.done()  # a refused join keeps the task waiting, in back-off
        new = emulator.create_media("new.mp4", project)["hashed_id"]
        set_connection(token=NEW_TOKEN)
        fixed = time.monotonic()
        event = await asyncio.wait_for(wait, 10)
        assert [m["hashed_id"] for m in event["medias"]] == [new]
        return event, time.monotonic() - fixed

    capfd.readouterr()
    event, took = asyncio.run(scenario())
    lines = [
        line for line in "".join(capfd.readouterr()).splitlines() if "Cannot watch Wistia project" in line
    ]
    assert event["status"] == "success"
    assert took < 0.8 + 0.5  # within the back-off step that was running (0.8 s), plus slack
    assert 3 <= len(lines) <= 5 and "'wistia_default'" in lines[0] and "401" in lines[0]


# ---------------------------------------------------------------------- tight loops
def count_connection_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every connection lookup of the async client, recorded."""
    reads: list[str] = []
    original = async_client._connect

    def counting(conn_id: str) -> Any:
        reads.append(conn_id)
        return original(conn_id)

    monkeypatch.setattr(async_client, "_connect", counting)
    return reads


@pytest.mark.parametrize("kind", ["new media", "status"])
def test_a_missing_connection_backs_off_instead_of_spinning(
    emulator: WistiaEmulator, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    reads = count_connection_reads(monkeypatch)
    if kind == "new media":
        trigger: Any = WistiaNewMediaTrigger("proj1", None, wistia_conn_id="no_such_conn", poll_interval=0.1)
    else:
        trigger = WistiaMediaStatusTrigger("abc123", wistia_conn_id="no_such_conn", poll_interval=0.1)

    async def scenario() -> bool:
        wait = asyncio.create_task(payload(trigger))
        await asyncio.sleep(2.0)
        done = wait.done()
        await cancel(wait)
        return done

    assert asyncio.run(scenario()) is False  # still waiting: fixing the connection resumes it
    # Attempts at 0, 0.1, 0.3, 0.7, 1.5 s (issue 17: 570 to 934 look-ups in 2 s before).
    assert 3 <= len(reads) <= 6, reads
    assert not emulator.requests


def test_a_missing_project_backs_off_with_one_line_and_one_request_per_attempt(
    emulator: WistiaEmulator, capfd: pytest.CaptureFixture[str]
) -> None:
    async def scenario() -> None:
        trigger = WistiaNewMediaTrigger("nosuchproject", None, poll_interval=0.1)
        wait = asyncio.create_task(payload(trigger))
        await asyncio.sleep(1.6)
        assert not wait.done()
        await cancel(wait)

    capfd.readouterr()
    asyncio.run(scenario())
    out = "".join(capfd.readouterr())
    lines = [line for line in out.splitlines() if "Cannot watch Wistia project nosuchproject" in line]
    assert 3 <= len(lines) <= 6 and len(emulator.requests) == len(lines)
    assert "(attempt 1)" in lines[0] and "404" in lines[0] and "trying again in 0.1 s" in lines[0]
    assert "(attempt 3)" in lines[2] and "trying again in 0.4 s" in lines[2]


# ---------------------------------------------------------------------- outages
@needs_streams
def test_after_an_outage_the_watcher_reads_down_to_its_cursor(emulator: WistiaEmulator) -> None:
    """Medias added during an outage more than 10 minutes before the newest one are delivered."""
    project = emulator.create_project("Inbox")["hashedId"]
    emulator.create_media("before.mp4", project)
    old = emulator.tokens.copy()

    async def scenario() -> list[str]:
        from airflow.triggers.shared_stream import SharedStreamManager

        watch = Watch(SharedStreamManager(), WistiaNewMediaEventTrigger(project, 0.1), FakeStateStore())
        await asyncio.sleep(0.4)  # the baseline is taken
        emulator.configure(tokens=["someone-elses"])  # an outage: every request is refused
        await asyncio.sleep(0.3)
        early = emulator.create_media("early.mp4", project)["hashed_id"]
        late = emulator.create_media("late.mp4", project)["hashed_id"]
        backdate(emulator, early, -0.5)  # 30 minutes into the outage (in Wistia's time)
        backdate(emulator, late, -1.5)  # 90 minutes: the newest, an hour after the early one
        emulator.configure(tokens=old)
        got = await watch.until(2, timeout=10)
        await watch.stop()
        assert watch.ids() == [early, late]
        return got

    asyncio.run(asyncio.wait_for(scenario(), 30))
