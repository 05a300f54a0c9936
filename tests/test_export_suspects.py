"""Suspected in review (issue 18), each confirmed here against the real checkpoint and emulator:
a zombie try and its retry sharing one ``<destination>.partial/``, and a media deleted during a
daily-stats export."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.exports.checkpoint import ExportCheckpoint


def _checkpoint(destination: Path) -> ExportCheckpoint:
    from airflow.sdk import ObjectStoragePath

    return ExportCheckpoint(ObjectStoragePath(f"file://{destination}"), {"project_id": None}, rows_per_part=1)


def _row(hid: str) -> dict[str, Any]:
    return {"hashed_id": hid, "plays": 1}


def test_a_zombie_try_never_overwrites_its_retrys_parts(tmp_path: Path) -> None:
    destination = tmp_path / "stats.csv"
    first = _checkpoint(destination)
    first.open(resume=True)
    first.add(_row("a1"), non_video=False)  # the try that was declared dead wrote one part...
    zombie, retry = _checkpoint(destination), _checkpoint(destination)
    zombie.open(resume=True)  # ...and still runs, while its retry starts from the same parts
    retry.open(resume=True)
    retry.add(_row("r1"), non_video=False)
    zombie.add(_row("z1"), non_video=False)  # the same next part number as the retry's
    retry.add(_row("r2"), non_video=False)
    rows, _ = retry.assemble(["hashed_id", "plays"], "csv")
    with destination.open(newline="") as file:
        written = sorted(r["hashed_id"] for r in csv.DictReader(file))
    assert written == ["a1", "r1", "r2", "z1"] and rows == 4


def test_daily_stats_leave_out_and_count_a_media_deleted_during_the_export(
    emulator: WistiaEmulator, hook: Any, tmp_path: Path
) -> None:
    """The stats export's end-of-run listing, shared: a media deleted after its days were read."""
    from airflow_provider_wistia.exports.activity import DailyStatsExport

    project = emulator.create_project(name="P")
    medias = [emulator.create_media(name=f"m{i}", project_id=project["hashedId"]) for i in range(3)]
    hids = [media["hashed_id"] for media in medias]
    doomed = hids[0]

    def delete_after_its_days_were_read(request: Any) -> None:
        if request.path == f"/v1/stats/medias/{doomed}/by_date.json" and request.status == 200:
            emulator.request_observers.clear()
            emulator.store.delete_media(doomed)

    emulator.request_observers.append(delete_after_its_days_were_read)
    last = dt.date.today() - dt.timedelta(days=1)
    first = last - dt.timedelta(days=2)
    export = DailyStatsExport(hook, tmp_path / "daily.csv", start_date=first, end_date=last, max_workers=1)
    result = export.run()
    with (tmp_path / "daily.csv").open(newline="") as file:
        exported = [r["hashed_id"] for r in csv.DictReader(file)]
    assert sorted(exported) == sorted(hids[1:] * 3)  # three days of each media still there
    assert result["deleted_during_export"] == 1  # one media, counted once for its three rows
    assert emulator.get_media(doomed) is None
