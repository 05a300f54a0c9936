"""Stats API through the hook: by_date (media, account, project), engagement, visitors, events."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.exceptions import (
    WistiaClientError,
    WistiaConfigError,
    WistiaNotFoundError,
)
from airflow_provider_wistia.hooks.endpoints_stats import two_years_before
from airflow_provider_wistia.hooks.wistia import WistiaHook

DAY = 86_400


def _today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def test_by_date(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    project = emulator.create_project("P")["hashedId"]
    a = emulator.create_media("a.mp4", project, duration=120.0)["hashed_id"]
    b = emulator.create_media("b.mp4", project)["hashed_id"]
    for hid in (a, b):
        emulator.store.medias[hid].created -= 10 * DAY
    end = _today()
    start = end - dt.timedelta(days=4)
    rows = hook.get_media_stats_by_date(a, start, end.isoformat())
    assert [r["date"] for r in rows] == [(start + dt.timedelta(days=i)).isoformat() for i in range(5)]
    expected = [
        emulator.analytics.daily(emulator.store.medias[a], start + dt.timedelta(days=i)) for i in range(5)
    ]
    assert [{k: r[k] for k in ("load_count", "play_count", "hours_watched")} for r in rows] == expected
    assert sum(r["load_count"] for r in rows) > 0
    before_creation = hook.get_media_stats_by_date(
        a, end - dt.timedelta(days=20), end - dt.timedelta(days=15)
    )
    assert {r["play_count"] for r in before_creation} == {0}

    project_rows = hook.get_project_stats_by_date(project, start, end)
    b_rows = hook.get_media_stats_by_date(b, start, end)
    assert [r["load_count"] for r in project_rows] == [
        x["load_count"] + y["load_count"] for x, y in zip(rows, b_rows, strict=True)
    ]
    assert hook.get_account_stats_by_date(start, end) == project_rows  # the only project

    with pytest.raises(WistiaConfigError, match="after end_date"):
        hook.get_media_stats_by_date(a, end, start)
    with pytest.raises(WistiaConfigError, match="YYYY-MM-DD"):
        hook.get_media_stats_by_date(a, "01/02/2024", end)
    image = emulator.create_media("x.png")["hashed_id"]
    with pytest.raises(WistiaClientError):
        hook.get_media_stats_by_date(image, start, end)


def test_engagement(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    short = emulator.create_media("short.mp4", duration=30.0)["hashed_id"]
    long = emulator.create_media("long.mp4", duration=3600.0)["hashed_id"]
    emulator.set_media_stats(short, plays=100, average_percent_watched=50)
    graph = hook.get_media_engagement(short)
    assert graph["engagement"] == 0.5 and len(graph["engagement_data"]) == 30
    assert graph["engagement_data"][0] == 100 and graph["engagement_data"][-1] == 50
    assert len(graph["rewatch_data"]) == 30
    assert len(hook.get_media_engagement(long)["engagement_data"]) == 1000
    with pytest.raises(WistiaNotFoundError):
        hook.get_media_engagement("nosuchmed1")


def test_visitors_and_events(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    a = emulator.create_media("a.mp4")["hashed_id"]
    b = emulator.create_media("b.mp4")["hashed_id"]
    known = emulator.analytics.add_visitor(name="Ada", email="ada@example.com", email_gate=True)[
        "visitor_key"
    ]
    now = time.time()
    emulator.analytics.add_event(a, known, received_at=now - 3 * DAY, percent_viewed=0.9)
    emulator.analytics.add_event(b, known, received_at=now - 1 * DAY)
    for i in range(150):  # anonymous views, spread over 30 days: two pages of events
        emulator.analytics.add_event(a, received_at=now - (i % 30) * DAY - 60)
    emulator.analytics.add_event(a, received_at=now - 800 * DAY)  # past Wistia's two-year retention

    events = list(hook.iter_events())
    assert len(events) == 152 and len({e["event_key"] for e in events}) == 152
    assert [e["received_at"] for e in events] == sorted((e["received_at"] for e in events), reverse=True)
    assert emulator.requests[-1].query["page"] == "2"
    mine = list(hook.iter_events(visitor_key=known))
    assert [e["media_id"] for e in mine] == [b, a] and mine[1]["percent_viewed"] == 0.9
    assert mine[0]["email"] == "ada@example.com"
    day = dt.datetime.fromtimestamp(now - 3 * DAY, dt.timezone.utc).date()
    on_day = list(hook.iter_events(media_id=a, start_date=day, end_date=day))
    assert on_day and all(e["received_at"].startswith(day.isoformat()) for e in on_day)
    assert hook.get_event(mine[0]["event_key"])["media_name"] == "b.mp4"

    visitors = list(hook.iter_visitors())
    assert len(visitors) == 151 + 1 and visitors[0]["visitor_key"]  # the 151 anonymous ones and Ada
    (ada,) = hook.iter_visitors(filter="identified_by_email_gate")
    assert ada["visitor_identity"]["name"] == "Ada" and ada["load_count"] == 2
    assert [v["visitor_key"] for v in hook.iter_visitors(search="ADA@")] == [known]
    assert hook.get_visitor(known)["last_event_key"] == mine[0]["event_key"]
    with pytest.raises(WistiaNotFoundError):
        hook.get_visitor("nosuchvisitor")
    with pytest.raises(WistiaConfigError):
        list(hook.iter_visitors(filter="everyone"))


def test_event_window_is_checked_before_any_request(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    before = emulator.request_count
    too_old = two_years_before(_today()) - dt.timedelta(days=1)
    with pytest.raises(WistiaConfigError, match="two years"):
        list(hook.iter_events(start_date=too_old))
    with pytest.raises(WistiaConfigError, match="after end_date"):
        list(hook.iter_events(start_date="2025-02-02", end_date="2025-02-01"))
    assert emulator.request_count == before
    assert list(hook.iter_events(start_date=two_years_before(_today()))) == []
    assert two_years_before(dt.date(2024, 2, 29)) == dt.date(2022, 2, 28)
