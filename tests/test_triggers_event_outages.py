"""The new-media event trigger through outages, against the emulator, on Airflow's own
``SharedStreamManager``: refused tokens and rotation, a deleted project, a missing connection,
and an outage longer than the cursor's ten-minute window. Never a tight loop, never a failed
trigger, nothing skipped afterwards."""

from __future__ import annotations

import asyncio
import logging
import re

import pytest
from test_triggers_event import FakeStateStore, Watch, run

pytest.importorskip("airflow.triggers.shared_stream", reason="shared streams: Airflow 3.3+")
from airflow.triggers.shared_stream import SharedStreamManager

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.triggers import WistiaNewMediaEventTrigger

STREAMS_LOGGER = "airflow_provider_wistia.triggers.streams"


def attempt_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == STREAMS_LOGGER and "Cannot watch" in r.getMessage()
    ]


def delays(lines: list[str]) -> list[float]:
    return [float(re.search(r"trying again in ([\d.]+) s", line).group(1)) for line in lines]  # type: ignore[union-attr]


def test_a_rotated_token_applies_at_the_next_attempt_and_the_outage_loses_nothing(
    emulator: WistiaEmulator, set_connection, caplog: pytest.LogCaptureFixture
) -> None:
    """401s back off doubling with one line per attempt; Wistia and the connection then move to
    a new token: the next attempt re-reads the connection and delivers every media added
    meanwhile, including one created more than ten minutes before the newest."""
    caplog.set_level(logging.INFO, logger=STREAMS_LOGGER)
    project = emulator.create_project("Inbox")["hashedId"]

    async def scenario() -> None:
        watch = Watch(
            SharedStreamManager(), WistiaNewMediaEventTrigger(project, 0.1), FakeStateStore("inbox")
        )
        await asyncio.sleep(0.4)  # the baseline
        emulator.configure(tokens=["rotated-token-2b9f"])  # the old token is revoked
        during = emulator.create_media("during.mp4", project)["hashed_id"]
        newest = emulator.create_media("newest.mp4", project)["hashed_id"]
        with emulator.store.lock:  # a long outage: the newest media is an hour after the other
            emulator.store.media(newest).created += 3600
        await asyncio.sleep(1.6)  # refused attempts, doubling
        assert watch.events == [] and not watch.task.done()
        refused = len(attempt_lines(caplog))
        set_connection(token="rotated-token-2b9f")  # the connection is updated
        assert await watch.until(2, timeout=5) == [during, newest]
        assert len(attempt_lines(caplog)) == refused  # no attempt was refused after the rotation
        await watch.stop()

    run(scenario)
    lines = attempt_lines(caplog)
    assert 3 <= len(lines) <= 6, lines
    assert delays(lines)[:3] == [0.1, 0.2, 0.4]  # doubling
    assert all(project in line and "'wistia_default'" in line and "name='inbox'" in line for line in lines)
    assert all("401" in line for line in lines) and not any("rotated-token" in line for line in lines)


@pytest.mark.parametrize("problem", ["missing connection", "deleted project"])
def test_no_tight_loop_and_no_failed_trigger(
    emulator: WistiaEmulator, caplog: pytest.LogCaptureFixture, problem: str
) -> None:
    """Errors that are not Wistia's (a connection id that does not exist) back off like a 404."""
    caplog.set_level(logging.INFO, logger=STREAMS_LOGGER)
    conn_id, project = ("no_such_connection", "abc123def4") if problem == "missing connection" else (
        "wistia_default", "nosuchproject")  # fmt: skip

    async def scenario() -> None:
        trigger = WistiaNewMediaEventTrigger(project, 0.1, wistia_conn_id=conn_id)
        watch = Watch(SharedStreamManager(), trigger, FakeStateStore())
        await asyncio.sleep(2.0)  # attempts at 0, 0.1, 0.3, 0.7, 1.5 s
        assert watch.events == [] and not watch.task.done()  # alive, no event
        await watch.stop()

    run(scenario)
    lines = attempt_lines(caplog)
    assert 3 <= len(lines) <= 6, lines
    assert delays(lines)[:3] == [0.1, 0.2, 0.4]
    expected = "AirflowNotFoundException" if problem == "missing connection" else "404"
    assert all(expected in line and conn_id in line for line in lines)
    requests = [r for r in emulator.requests if r.path == "/v1/medias.json"]
    assert len(requests) == (0 if problem == "missing connection" else len(lines))
    assert not any(r.levelno >= logging.ERROR and r.exc_info for r in caplog.records)  # no tracebacks


def test_the_client_is_renewed_so_a_changed_connection_applies_without_a_failure(
    emulator: WistiaEmulator,
    set_connection,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The producer re-reads its connection at least every ``CLIENT_MAX_AGE_SECONDS`` (5 min;
    0.3 s here): a token changed in the connection before the old one is revoked is never refused."""
    from airflow_provider_wistia.triggers import streams

    monkeypatch.setattr(streams, "CLIENT_MAX_AGE_SECONDS", 0.3)
    caplog.set_level(logging.INFO, logger=STREAMS_LOGGER)
    project = emulator.create_project("Inbox")["hashedId"]
    old_token = "old-token-7c1e"
    emulator.configure(tokens=[old_token])
    set_connection(token=old_token)

    async def scenario() -> None:
        watch = Watch(SharedStreamManager(), WistiaNewMediaEventTrigger(project, 0.1), FakeStateStore())
        await asyncio.sleep(0.4)
        emulator.configure(tokens=[old_token, "new-token-3d8a"])
        set_connection(token="new-token-3d8a")
        await asyncio.sleep(0.8)  # longer than the client's age limit
        emulator.configure(tokens=["new-token-3d8a"])  # the old token is revoked
        a = emulator.create_media("a.mp4", project)["hashed_id"]
        assert await watch.until(1) == [a]
        await watch.stop()

    run(scenario)
    assert attempt_lines(caplog) == []  # never refused: the client had re-read the connection
