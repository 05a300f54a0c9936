"""Modern-only hook methods: refused on a v1 connection before any request; served by the emulator
on a modern one (webinars, analytics, import from URL, bulk copy and tagging, channels, subfolders,
extended audio descriptions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.exceptions import WistiaConfigError
from airflow_provider_wistia.hooks.wistia import WistiaHook

START, END = "2026-11-01", "2026-11-07"

# Every modern-only method with arguments that would be valid on a modern connection.
MODERN_ONLY: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("get_media_analytics", ("m1", START, END), {}),
    ("get_media_analytics_timeseries", ("m1", START, END, "daily"), {}),
    ("get_media_traffic", ("m1", START, END, "utm_source"), {}),
    ("get_media_conversions", ("m1", START, END), {}),
    ("get_media_embed_locations", ("m1", START, END), {}),
    ("get_media_languages", ("m1", START, END), {}),
    ("get_webinar_analytics", ("w1",), {}),
    ("get_webinar_registration_analytics", ("w1", "daily"), {}),
    ("get_webinar_traffic", ("w1", "utm_source"), {}),
    ("get_webinar_audience", ("w1",), {}),
    ("get_webinar_histograms", ("w1",), {}),
    ("list_webinars", (), {}),
    ("iter_webinars", (), {}),
    ("get_webinar", ("w1",), {}),
    ("create_webinar", ("T", "2026-12-24T10:00:00Z", 30), {}),
    ("update_webinar", ("w1",), {"title": "T"}),
    ("delete_webinar", ("w1",), {}),
    ("register_for_webinar", ("w1", "a@example.com", "A", "B"), {}),
    ("import_media_url", ("https://example.com/a.mp4",), {}),
    ("copy_medias", (["m1"], "f1"), {}),
    ("tag_medias", (["m1"], ["t"]), {}),
    ("delete_subfolders", ("f1", ["s1"]), {}),
    ("create_channel", (), {"name": "C"}),
    ("update_channel", ("c1",), {"name": "C"}),
    ("delete_channel", ("c1",), {}),
    ("update_channel_episode", ("e1",), {"title": "E"}),
    ("delete_channel_episode", ("e1",), {}),
    ("publish_channel_episode", ("e1",), {}),
    ("unpublish_channel_episode", ("e1",), {}),
    ("list_extended_audio_descriptions", (), {}),
    ("get_extended_audio_description", ("d1",), {}),
    ("delete_extended_audio_description", ("d1",), {}),
    ("order_extended_audio_description", ("m1",), {"confirm_charge": True}),
    ("get_extended_audio_description_order", ("o1",), {}),
]


@pytest.mark.parametrize(("name", "args", "kwargs"), MODERN_ONLY, ids=[m[0] for m in MODERN_ONLY])
def test_modern_only_methods_are_refused_on_v1_before_any_request(
    hook: WistiaHook, emulator: WistiaEmulator, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    with pytest.raises(WistiaConfigError, match="api_version") as info:
        getattr(hook, name)(*args, **kwargs)
    assert name in str(info.value)
    assert emulator.requests == []


def _finish(hook: WistiaHook, answer: dict[str, Any]) -> None:
    job_id = answer["background_job_status"]["id"]
    while hook.get_background_job(job_id)["status"] not in ("finished", "failed"):
        pass


def test_webinars(modern_hook: WistiaHook, emulator: WistiaEmulator) -> None:
    webinar = modern_hook.create_webinar("Launch", "2026-12-24T10:00:00Z", 45)
    wid = webinar["id"]
    assert modern_hook.update_webinar(wid, title="Launch day")["title"] == "Launch day"
    assert emulator.requests[-1].body == {"webinar": {"title": "Launch day"}}
    registered = modern_hook.register_for_webinar(wid, "ann@example.com", "Ann", "Lee", company="ACME")
    assert registered["visitor_key"]
    assert emulator.requests[-1].body == {
        "email": "ann@example.com",
        "first_name": "Ann",
        "last_name": "Lee",
        "company": "ACME",
    }
    assert [w["id"] for w in modern_hook.list_webinars()] == [wid]
    assert modern_hook.get_webinar(wid)["event_duration"] == 45
    assert modern_hook.get_webinar_analytics(wid)["registrations"] == 1
    assert [r["email"] for r in modern_hook.get_webinar_audience(wid)["data"]] == ["ann@example.com"]
    assert sum(r["registrations"] for r in modern_hook.get_webinar_registration_analytics(wid, "daily")) == 1
    assert modern_hook.get_webinar_traffic(wid, "utm_source")[0]["registrations"] == 1
    assert set(modern_hook.get_webinar_histograms(wid)) >= {"attendees_histogram", "chat_histogram"}
    modern_hook.delete_webinar(wid)
    assert modern_hook.list_webinars() == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"event_duration": 10}, "event_duration"),
        ({"event_duration": "thirty"}, "event_duration"),
        ({"title": " "}, "title"),
    ],
)
def test_webinar_arguments_are_checked_first(
    modern_hook: WistiaHook, emulator: WistiaEmulator, kwargs: dict[str, Any], field: str
) -> None:
    args = {"title": "T", "scheduled_for": "2026-12-24T10:00:00Z", "event_duration": 30, **kwargs}
    with pytest.raises(WistiaConfigError, match=field):
        modern_hook.create_webinar(**args)
    assert emulator.requests == []


def test_media_analytics_agree_with_v1_daily_stats(modern_hook: WistiaHook, emulator: WistiaEmulator) -> None:
    media = emulator.create_media("talk.mp4")["hashed_id"]
    emulator.store.medias[media].created -= 30 * 86400
    today = dt.datetime.now(dt.timezone.utc).date()
    start, end = today - dt.timedelta(days=6), today
    daily = modern_hook.get_media_analytics_timeseries(media, start, end, "daily")
    by_date = modern_hook.get_media_stats_by_date(media, start, end)
    assert [row["plays"] for row in daily] == [row["play_count"] for row in by_date]
    assert len(daily) == 7
    total = modern_hook.get_media_analytics(media, start.isoformat(), end.isoformat())
    assert total["plays"] == sum(row["plays"] for row in daily)
    weekly = modern_hook.get_media_analytics_timeseries(media, start, end, "weekly")
    assert sum(row["plays"] for row in weekly) == total["plays"]
    assert isinstance(modern_hook.get_media_traffic(media, start, end, "referrer_domain"), list)
    assert modern_hook.get_media_conversions(media, start, end)["data"] == []
    assert isinstance(modern_hook.get_media_embed_locations(media, start, end), list)
    assert isinstance(modern_hook.get_media_languages(media, start, end), list)
    assert {r.path for r in emulator.requests} >= {f"/modern/analytics/medias/{media}/timeseries"}


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("2026-11-1", END, "daily"), "start_date"),
        ((START, "yesterday", "daily"), "end_date"),
        ((END, START, "daily"), "start_date"),
        ((None, END, "daily"), "start_date"),
        ((START, END, "hourly"), "granularity"),
    ],
)
def test_analytics_dates_are_checked_first(
    modern_hook: WistiaHook, emulator: WistiaEmulator, args: tuple[Any, ...], field: str
) -> None:
    with pytest.raises(WistiaConfigError, match=field):
        modern_hook.get_media_analytics_timeseries("m1", *args)
    assert emulator.requests == []


def test_import_copy_and_tag_in_batches(modern_hook: WistiaHook, emulator: WistiaEmulator) -> None:
    folder = modern_hook.create_folder("Target")["hashed_id"]
    _finish(modern_hook, modern_hook.import_media_url("https://example.com/talk.mp4", folder_id=folder))
    imported = modern_hook.list_medias(project_id=folder)
    assert [m["name"] for m in imported] == ["talk.mp4"]
    sources = emulator.seed_medias(150)
    start = len(emulator.requests)
    answers = modern_hook.copy_medias(sources, folder)
    copies = [r for r in emulator.requests[start:] if r.path == "/modern/medias/copy"]
    assert [len(r.body["hashed_ids"]) for r in copies] == [100, 50]
    for answer in answers:
        _finish(modern_hook, answer)
    assert len(emulator.store.projects[folder].medias) == 151
    for answer in modern_hook.tag_medias(sources[:120], ["launch", "q3"]):
        _finish(modern_hook, answer)
    assert all(emulator.store.medias[h].tags == ["launch", "q3"] for h in sources[:120])
    assert emulator.store.medias[sources[120]].tags == []


def test_delete_subfolders(modern_hook: WistiaHook, emulator: WistiaEmulator) -> None:
    folder = modern_hook.create_folder("F")["hashed_id"]
    subs = [modern_hook.create_subfolder(folder, f"S{i}")["hashed_id"] for i in range(3)]
    _finish(modern_hook, modern_hook.delete_subfolders(folder, subs[:2])[0])
    assert [s["hashed_id"] for s in modern_hook.list_subfolders(folder)] == subs[2:]


def test_channels_and_episodes(modern_hook: WistiaHook, emulator: WistiaEmulator) -> None:
    channel = modern_hook.create_channel(name="Show", podcast_enabled=False)
    cid = channel["hashed_id"]
    assert modern_hook.update_channel(cid, name="The Show")["name"] == "The Show"
    assert [c["hashed_id"] for c in modern_hook.list_channels()] == [cid]
    media = emulator.create_media("ep1.mp4")["hashed_id"]
    episode = emulator.catalog.create_channel_episode(cid, media)
    eid = episode["hashedId"]
    assert modern_hook.update_channel_episode(eid, title="Pilot")["title"] == "Pilot"
    assert modern_hook.publish_channel_episode(eid)["published"] is True
    scheduled = modern_hook.publish_channel_episode(eid, publish_at="2026-12-31T09:00:00Z")
    assert (scheduled["published"], scheduled["publish_at"]) == (False, "2026-12-31T09:00:00Z")
    assert modern_hook.unpublish_channel_episode(eid)["published"] is False
    modern_hook.delete_channel_episode(eid)
    assert modern_hook.list_channel_episodes(cid) == []
    modern_hook.delete_channel(cid)
    assert modern_hook.list_channels() == []


def test_extended_audio_descriptions_need_confirm_charge(
    modern_hook: WistiaHook, emulator: WistiaEmulator
) -> None:
    media = emulator.create_media("talk.mp4")["hashed_id"]
    with pytest.raises(WistiaConfigError, match="confirm_charge"):
        modern_hook.order_extended_audio_description(media)
    assert emulator.requests == [] and emulator.content.charges == []
    order = modern_hook.order_extended_audio_description(media, confirm_charge=True, ai_enabled=True)["order"]
    assert len(emulator.content.charges) == 1
    done = modern_hook.get_extended_audio_description_order(order["id"])["order"]
    assert done["order_status"] == "completed"
    (description,) = modern_hook.list_extended_audio_descriptions()
    assert modern_hook.get_extended_audio_description(description["id"])["media"]["id"] == media
    modern_hook.delete_extended_audio_description(description["id"])
    assert modern_hook.list_extended_audio_descriptions() == []
