"""Live stream events through the hook against the emulator: bodies, state, filters, bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.exceptions import WistiaClientError, WistiaConfigError, WistiaNotFoundError

UTC = dt.timezone.utc


def test_create_update_delete_and_register(hook, emulator: WistiaEmulator) -> None:
    start = dt.datetime(2030, 5, 1, 15, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    event = hook.create_live_stream_event("Launch", start, 45, description="Big day")
    sent = emulator.requests[-1]
    assert sent.headers["Content-Type"] == "application/json"
    assert event["title"] == "Launch" and event["event_duration"] == 45
    assert event["scheduled_for"] == "2030-05-01T15:30:00-05:00" and event["lifecycle_status"] == "scheduled"
    assert event["audience_link"].endswith(f"/live/events/{event['id']}")
    assert emulator.live.events[event["id"]]["description"] == "Big day"

    updated = hook.update_live_stream_event(event["id"], title="Launch!", event_duration=90)
    assert updated["title"] == "Launch!" and updated["event_duration"] == 90
    assert updated["description"] == "Big day"  # untouched fields stay
    assert emulator.live.events[event["id"]]["title"] == "Launch!"

    registration = hook.register_for_live_stream_event(event["id"], "ann@example.com", "Ann", "Lee")
    assert registration["visitor_key"].startswith("iv_")
    assert "ann@example.com" in registration["personalized_event_url"]
    assert emulator.live.registrations[event["id"]][0]["first_name"] == "Ann"

    assert hook.get_live_stream_event(event["id"])["title"] == "Launch!"
    assert hook.delete_live_stream_event(event["id"])["id"] == event["id"]
    assert event["id"] not in emulator.live.events
    with pytest.raises(WistiaNotFoundError):
        hook.get_live_stream_event(event["id"])


def test_list_filters_and_sorting(hook, emulator: WistiaEmulator) -> None:
    now = dt.datetime.now(UTC).replace(microsecond=0)
    past = hook.create_live_stream_event("Past", now - dt.timedelta(days=1), 30)
    later = hook.create_live_stream_event("Later", now + dt.timedelta(days=9), 30)
    sooner = hook.create_live_stream_event("Sooner", now + dt.timedelta(days=2), 30)
    ordered = hook.list_live_stream_events(sort_by="scheduled_for")
    assert [e["title"] for e in ordered] == ["Past", "Sooner", "Later"]
    assert [e["title"] for e in hook.list_live_stream_events(sort_by="scheduled_for", descending=True)] == [
        "Later",
        "Sooner",
        "Past",
    ]
    assert [e["id"] for e in hook.list_live_stream_events(started=True)] == [past["id"]]
    not_started = {e["id"] for e in hook.list_live_stream_events(started=False)}
    assert not_started == {later["id"], sooner["id"]}
    assert "started=false" in emulator.requests[-1].raw_path
    picked = hook.list_live_stream_events(hashed_ids=[later["id"]])
    assert [e["id"] for e in picked] == [later["id"]]
    assert "hashed_ids%5B%5D=" in emulator.requests[-1].raw_path


def test_bad_input_is_refused_before_any_request(hook, emulator: WistiaEmulator) -> None:
    before = emulator.request_count
    naive = dt.datetime(2030, 1, 1, 12, 0)
    soon = dt.datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
    for call, match in (
        (lambda: hook.create_live_stream_event("T", naive, 30), "timezone"),
        (lambda: hook.create_live_stream_event("T", "2030-01-01 noon", 30), "scheduled_for"),
        (lambda: hook.create_live_stream_event("T", soon, 10), "at least 15"),
        (lambda: hook.create_live_stream_event("T", soon, True), "event_duration"),
        (lambda: hook.create_live_stream_event("", soon, 30), "title"),
        (lambda: hook.update_live_stream_event("abc123"), "at least one field"),
        (lambda: hook.update_live_stream_event("abc123", event_duration=5), "at least 15"),
        (lambda: hook.register_for_live_stream_event("abc123", "not-an-email", "A", "B"), "email"),
        (lambda: hook.register_for_live_stream_event("abc123", "a@b.c", "", "B"), "first_name"),
        (lambda: hook.list_live_stream_events(sort_by="title"), "sort_by"),
    ):
        with pytest.raises(WistiaConfigError, match=match):
            call()
    assert emulator.request_count == before


def test_emulator_validates_like_wistia(hook, emulator: WistiaEmulator) -> None:
    """What the hook cannot check reaches Wistia's own validation: 422 with its errors."""
    with pytest.raises(WistiaClientError, match="422"):
        hook.request("POST", "live_stream_events", json={"title": "No time"})
    with pytest.raises(WistiaNotFoundError):
        hook.register_for_live_stream_event("nope000000", "a@example.com", "A", "B")
    assert emulator.live.events == {}


def test_emulator_reads_form_bodies_too(hook, emulator: WistiaEmulator) -> None:
    """Wistia's Rails params read form bodies as well as JSON: so does the emulator."""
    created = hook.request(
        "POST",
        "live_stream_events",
        data={"title": "Form", "scheduled_for": "2030-02-01T10:00:00Z", "event_duration": "30"},
    )
    assert emulator.requests[-1].body_kind == "form"
    assert emulator.live.events[created["id"]]["event_duration"] == 30
    hook.request("PUT", f"live_stream_events/{created['id']}", data={"live_stream_event[title]": "Formed"})
    assert emulator.live.events[created["id"]]["title"] == "Formed"
    path = f"live_stream_events/{created['id']}/registrations"
    hook.request("POST", path, data={"email": "f@example.com", "first_name": "F", "last_name": "G"})
    assert emulator.live.registrations[created["id"]][0]["email"] == "f@example.com"
