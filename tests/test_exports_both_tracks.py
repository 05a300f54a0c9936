"""The same account exported on v1 and on a modern release gives the same files: the stats,
daily stats and viewing events exports write identical columns and values on both tracks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.exports.activity import DailyStatsExport, EventsExport
from airflow_provider_wistia.exports.stats import EXPORT_FIELDS, export_stats
from airflow_provider_wistia.hooks.wistia import WistiaHook

RELEASE = "2026-03"


@pytest.fixture
def account(emulator: WistiaEmulator) -> WistiaEmulator:
    folders = [emulator.create_project(f"Folder {n}")["hashedId"] for n in range(2)]
    for n in range(6):
        media = emulator.create_media(f"talk{n}.mp4", project_id=folders[n % 2])["hashed_id"]
        emulator.store.medias[media].created -= 3 * 86400
        emulator.set_media_stats(media, plays=10 * n + 1, visitors=n)
        visitor = emulator.analytics.add_visitor(name=f"Viewer {n}", email=f"v{n}@example.com")["visitor_key"]
        emulator.analytics.add_event(media, visitor)
    emulator.create_media("poster.png", project_id=folders[0])
    return emulator


def _exports(hook: WistiaHook, out: Path) -> dict[str, str]:
    out.mkdir()
    today = dt.datetime.now(dt.timezone.utc).date()
    window = {"start_date": today - dt.timedelta(days=2), "end_date": today}
    columns = [field for field in EXPORT_FIELDS if field != "exported_at"]  # the time of the run
    export_stats(hook, out / "stats.csv", fields=columns, resume=False)
    DailyStatsExport(hook, out / "daily.csv", resume=False, **window).run()
    EventsExport(hook, out / "events.jsonl", file_format="jsonl", resume=False, **window).run()
    return {path.name: path.read_text() for path in sorted(out.iterdir())}


def test_exports_are_identical_on_both_tracks(
    account: WistiaEmulator, set_connection, tmp_path: Path
) -> None:
    set_connection("wistia_v1_track")
    set_connection("wistia_modern_track", api_version=RELEASE)
    v1 = _exports(WistiaHook("wistia_v1_track"), tmp_path / "v1")
    first_modern = len(account.requests)
    modern = _exports(WistiaHook("wistia_modern_track"), tmp_path / "modern")
    assert list(v1) == ["daily.csv", "events.jsonl", "stats.csv"]
    for name, text in v1.items():
        assert modern[name] == text, name
    assert v1["stats.csv"].count("\n") == 1 + 7 and "talk5.mp4" in v1["stats.csv"]
    assert all(line.split(",")[3] for line in v1["daily.csv"].splitlines()[1:])  # project_hashed_id filled
    assert all(r.path.startswith("/modern/") for r in account.requests[first_modern:])
