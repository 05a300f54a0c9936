"""The stats export in real DAG runs against the emulator: exact rows, formats, an
``ObjectStoragePath`` destination, resume after the exporting process is killed half way,
and a low rate limit that must not reach the task as errors."""

from __future__ import annotations

import csv
import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import wistia_test_ops_export
from conftest import task_states, xcom

from airflow_provider_wistia.emulator.models import media_stats_json
from airflow_provider_wistia.exports.stats import EXPORT_FIELDS, STATS_KEYS


def expected_row(emulator, hashed_id: str, with_stats: bool = True) -> dict[str, str]:
    """The row the export must write for a media, from the emulator's own records (CSV text)."""
    media = emulator.get_media(hashed_id)
    row = {
        "hashed_id": hashed_id,
        "name": media["name"],
        "project_hashed_id": media["project"]["hashed_id"],
        "type": media["type"],
    }
    stats = media_stats_json(emulator.store.medias[hashed_id])["stats"] if with_stats else {}
    row.update({column: str(stats[key]) if with_stats else "" for column, key in STATS_KEYS.items()})
    return row


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def stats_requests(emulator, since: int = 0) -> list[str]:
    return [r.path for r in emulator.requests[since:] if r.path.endswith("/stats.json")]


def test_export_exact_rows_csv_and_jsonl(run_dag, emulator, tmp_path, caplog) -> None:
    caplog.set_level(logging.INFO, logger="airflow_provider_wistia.export")
    seeded = emulator.seed_medias(300, non_video_every=7)
    other = emulator.create_project("Other")["hashedId"]
    extra = [emulator.create_media(f"extra {i}.mp4", project_id=other)["hashed_id"] for i in range(3)]
    extra.append(emulator.create_media("poster.png", project_id=other)["hashed_id"])
    refused, gone = seeded[0], seeded[1]  # videos whose stats Wistia refuses (400) / lost (404)
    emulator.add_fault("status", path=f"/v1/medias/{refused}/stats", status=400)
    emulator.add_fault("status", path=f"/v1/medias/{gone}/stats", status=404)
    out = tmp_path / "out"
    conf = {"csv": str(out / "stats.csv"), "jsonl": f"file://{out}/other.jsonl", "project_id": other}

    began = time.monotonic()
    dr = run_dag(wistia_test_ops_export.dag, conf)
    elapsed = time.monotonic() - began
    assert task_states(dr) == {"export_csv": "success", "export_jsonl": "success"}

    non_videos = {h for h in seeded + extra if emulator.get_media(h)["type"] != "Video"}
    assert len(non_videos) == 300 // 7 + 1
    rows = read_csv(out / "stats.csv")
    assert list(rows[0]) == list(EXPORT_FIELDS)
    assert [r["hashed_id"] for r in rows] == [h for h in seeded + extra if h != gone]
    for row in rows:
        hid = row["hashed_id"]
        exported_at = row.pop("exported_at")
        assert exported_at.endswith("+00:00") and exported_at[:4] == str(dr.logical_date.year)
        assert row == expected_row(emulator, hid, with_stats=hid not in non_videos and hid != refused)
    result = xcom(dr, "export_csv")
    videos = 300 + 4 - len(non_videos)
    assert result == {
        "path": f"file://{out}/stats.csv",
        "rows": 303,
        "skipped_non_video": len(non_videos) + 1,  # + the video Wistia refused stats for
        # account (for the total) + 4 pages of 100 + one stats request per video + 4 pages again
        # at the end (medias deleted during the export are left out)
        "requests": 1 + 4 + videos + 4,
        "deleted_during_export": 1,  # the video whose stats answered 404
        "stats_errors": [],
    }

    lines = (out / "other.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [list(r) for r in records] == [["plays", "hashed_id", "type"]] * 4
    assert [r["hashed_id"] for r in records] == extra
    for record in records:
        expected = expected_row(emulator, record["hashed_id"], with_stats=record["type"] == "Video")
        assert str(record["plays"] if record["plays"] is not None else "") == expected["plays"]
    assert records[-1] == {"plays": None, "hashed_id": extra[-1], "type": "Image"}
    # project, one page, three videos, the page again at the end
    assert xcom(dr, "export_jsonl")["requests"] == 1 + 1 + 3 + 1

    # Atomic and tidy: only the two finished files remain, no checkpoint or temporary file.
    assert sorted(p.name for p in out.iterdir()) == ["other.jsonl", "stats.csv"]
    # The Asset outlet got an event, so a downstream DAG can be scheduled on fresh stats.
    from airflow.models.asset import AssetEvent
    from airflow.utils.session import create_session

    with create_session() as session:
        events = session.query(AssetEvent).filter_by(source_run_id=dr.run_id).all()
        assert [e.source_task_id for e in events] == ["export_csv"]
    # Progress is logged at every 10% with done/total, rate and time left.
    progress = [
        re.fullmatch(r"Exported (\d+)/304 medias \(\d+%\), [\d.]+/s, about \d+ s left\.", r.getMessage())
        for r in caplog.records
    ]
    assert [int(m.group(1)) for m in progress if m][:10] == [30 * i for i in range(1, 11)]
    assert any(r.getMessage().startswith(f"Wrote file://{out}/stats.csv: 303 rows") for r in caplog.records)
    print(f"export of 304 medias (+4 in a project) took {elapsed:.2f} s, {result['requests']} requests")


EXPORT_SCRIPT = """
import sys
from airflow_provider_wistia.exports.stats import export_stats
from airflow_provider_wistia.hooks.wistia import WistiaHook
export_stats(WistiaHook(), sys.argv[1], max_workers=2, checkpoint_rows=10)
"""


def checkpointed_ids(partial: Path) -> set[str]:
    done = set()
    for part in sorted(partial.glob("part-*.jsonl")):
        for line in part.read_text(encoding="utf-8").splitlines():
            done.add(json.loads(line)["row"]["hashed_id"])
    return done


def test_export_resumes_after_the_process_is_killed(run_dag, emulator, tmp_path) -> None:
    seeded = emulator.seed_medias(300, non_video_every=10)
    emulator.add_fault("slow", path=r"/stats\.json$", times=10_000, delay=0.01)
    destination = tmp_path / "stats.csv"
    partial = tmp_path / "stats.csv.partial"
    proc = subprocess.Popen([sys.executable, "-c", EXPORT_SCRIPT, str(destination)], env=dict(os.environ))
    try:
        deadline = time.monotonic() + 60
        while len(checkpointed_ids(partial) if partial.exists() else ()) < 150:
            assert proc.poll() is None, "the export finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)  # no cleanup, no last checkpoint: a crash
    finally:
        proc.kill()
        proc.wait()
    assert not destination.exists()
    done = checkpointed_ids(partial)
    assert 150 <= len(done) < 300
    emulator.clear_faults()
    mark = -1
    while mark != len(emulator.requests):  # let the emulator finish what the dead process sent
        mark = len(emulator.requests)
        time.sleep(0.1)

    dr = run_dag(wistia_test_ops_export.one_dag, {"destination": str(destination)})
    assert task_states(dr) == {"export": "success"}
    rows = read_csv(destination)
    assert sorted(r["hashed_id"] for r in rows) == sorted(seeded)  # each media exactly once
    videos_left = {h for h in seeded if h not in done and emulator.get_media(h)["type"] == "Video"}
    second = stats_requests(emulator, mark)
    assert sorted(second) == sorted(f"/v1/medias/{h}/stats.json" for h in videos_left)
    assert len(second) < 270  # fewer stats requests than videos: the first run's work was kept
    result = xcom(dr, "export")
    assert result["rows"] == 300 and result["skipped_non_video"] == 30
    assert result["requests"] == len(emulator.requests) - mark
    assert not partial.exists()
    print(f"killed after {len(done)} checkpointed rows; the retry sent {len(second)} stats requests")


def test_export_under_a_low_rate_limit(run_dag, emulator, set_connection, tmp_path) -> None:
    seeded = emulator.seed_medias(90)
    emulator.configure(rate_limit_per_minute=30, rate_limit_window_seconds=1.0)
    set_connection(max_retries=10)
    destination = tmp_path / "stats.csv"
    dr = run_dag(wistia_test_ops_export.one_dag, {"destination": str(destination)})
    assert task_states(dr) == {"export": "success"}
    assert emulator.rate_limited_count > 0  # Wistia did refuse requests...
    assert emulator.max_requests_in_any_window() <= 30
    result = xcom(dr, "export")  # ...and none of that reached the task
    assert result["rows"] == 90 and result["skipped_non_video"] == 0
    assert [r["hashed_id"] for r in read_csv(destination)] == seeded
    # account, one page, 90 stats, the page again at the end, and the refused ones
    assert result["requests"] == emulator.request_count == 1 + 1 + 90 + 1 + emulator.rate_limited_count


def _write_checkpoint(
    partial: Path, scope: dict, parts: list[list[dict]], started: str | None = None
) -> None:
    partial.mkdir()
    started = started or datetime.now(timezone.utc).isoformat(timespec="seconds")
    manifest = {"version": 1, "destination": "x", "scope": scope, "started": started}
    (partial / "checkpoint.json").write_text(json.dumps(manifest))
    for number, rows in enumerate(parts, 1):
        lines = [json.dumps({"row": {**row, "exported_at": "then"}, "non_video": False}) for row in rows]
        (partial / f"part-{number:06d}.jsonl").write_text("".join(line + "\n" for line in lines))
    (partial / "part-000099.jsonl.tmp").write_text('{"row": {"hashed_id": "torn')  # an unfinished write


def test_checkpoint_of_another_scope_is_discarded_and_duplicates_are_dropped(
    hook, emulator, tmp_path
) -> None:
    from airflow_provider_wistia.exports.stats import export_stats

    ids = emulator.seed_medias(5)
    destination = tmp_path / "stats.jsonl"
    partial = tmp_path / "stats.jsonl.partial"
    _write_checkpoint(partial, {"project_id": "elsewhere"}, [[{"hashed_id": "stale00000", "plays": -1}]])
    result = export_stats(hook, str(destination), file_format="jsonl", fields="hashed_id, plays")
    records = [json.loads(line) for line in destination.read_text().splitlines()]
    assert [r["hashed_id"] for r in records] == ids and all(r["plays"] >= 0 for r in records)
    assert result["rows"] == 5 and not partial.exists()

    # A checkpoint of this scope is resumed: its rows are kept (once each), the rest fetched.
    mark = len(emulator.requests)
    kept = {"hashed_id": ids[0], "plays": -1}
    _write_checkpoint(partial, {"project_id": None}, [[kept], [kept, {"hashed_id": ids[1], "plays": -2}]])
    result = export_stats(hook, str(destination), file_format="jsonl", fields=["hashed_id", "plays"])
    records = [json.loads(line) for line in destination.read_text().splitlines()]
    assert sorted(r["hashed_id"] for r in records) == sorted(ids)
    assert [r["plays"] for r in records[:2]] == [-1, -2]
    assert sorted(stats_requests(emulator, mark)) == sorted(f"/v1/medias/{h}/stats.json" for h in ids[2:])
    assert result["rows"] == 5 and result["requests"] == 1 + 1 + 3 + 1
