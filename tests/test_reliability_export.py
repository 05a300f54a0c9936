"""The stats export loses and duplicates nothing: under random faults, and after a SIGKILL.

Every exported row is compared with what the emulator holds (name, project, type and the
stats the test gave each media). The figures of each run are printed and written to
``<pytest basetemp>/reliability-*.json`` for ``docs/reliability.md``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import wistia_test_reliability_export
from conftest import TOKEN, conn_json, task_states

from airflow_provider_wistia.emulator import FAULT_KINDS, WistiaEmulator
from airflow_provider_wistia.exports.stats import export_stats
from airflow_provider_wistia.hooks.wistia import WistiaHook

STATS_COLUMNS = ("plays", "visitors", "page_loads", "percent_of_visitors_clicking_play")

# Run by the process that gets killed: the export, slowed down by a tight rate limit.
KILLED_EXPORT = """
import sys
from airflow_provider_wistia.exports.stats import export_stats
from airflow_provider_wistia.hooks.wistia import WistiaHook

hook = WistiaHook()
hook.rate_limiter.window = float(sys.argv[2])
export_stats(hook, sys.argv[1], file_format="jsonl", checkpoint_rows=20)
"""


def _seed(emulator: WistiaEmulator, count: int, non_video_every: int) -> dict[str, dict[str, Any]]:
    """Seed ``count`` medias, give each video distinct stats; return the expected row per id."""
    emulator.seed_medias(count, non_video_every=non_video_every)
    expected = {}
    for number, media in enumerate(emulator.list_medias()):
        row = {
            "hashed_id": media["hashed_id"],
            "name": media["name"],
            "project_hashed_id": media["project"]["hashed_id"],
            "type": media["type"],
            **dict.fromkeys((*STATS_COLUMNS, "average_percent_watched")),
        }
        if media["type"] == "Video":
            values = (number, number + 1000, number + 2000, number % 101)
            stats = dict(zip(STATS_COLUMNS, values, strict=True))
            stats["average_percent_watched"] = 100 - number % 101
            emulator.set_media_stats(media["hashed_id"], **stats)
            row.update(stats)
        expected[media["hashed_id"]] = row
    return expected


def _compare(path: Path, expected: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Check the JSONL export against ``expected``; return rows, lost, duplicates, wrong."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    counts = Counter(row["hashed_id"] for row in rows)
    wrong = [
        row
        for row in rows
        if {k: v for k, v in row.items() if k != "exported_at"} != expected.get(row["hashed_id"])
    ]
    figures = {
        "rows": len(rows),
        "lost": len(set(expected) - set(counts)),
        "duplicates": sum(n - 1 for n in counts.values()),
        "wrong": len(wrong),
    }
    assert figures == {"rows": len(expected), "lost": 0, "duplicates": 0, "wrong": 0}, wrong[:3]
    return figures


def _stats_requests(emulator: WistiaEmulator, start: int = 0) -> list[str]:
    """Hashed ids of the media-stats requests in the log from index ``start`` on."""
    return [
        r.path.split("/")[3]
        for r in emulator.requests[start:]
        if r.method == "GET" and r.path.endswith("/stats.json")
    ]


def _record(tmp_path_factory: pytest.TempPathFactory, name: str, figures: dict[str, Any]) -> None:
    print(f"reliability figures {name}:", json.dumps(figures, sort_keys=True))
    path = tmp_path_factory.getbasetemp() / f"reliability-{name}.json"
    path.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")


@contextmanager
def _alternate_rate_limit_status(emulator: WistiaEmulator, every: float = 0.005) -> Iterator[None]:
    """Flip the emulator's rate-limit answer between 429 and 503 (random faults use one status)."""
    stop = threading.Event()

    def flip() -> None:
        status = 429
        while not stop.wait(every):
            status = 503 if status == 429 else 429
            emulator.configure(rate_limit_status=status)

    thread = threading.Thread(target=flip, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        emulator.configure(rate_limit_status=429)


def test_export_under_random_faults_has_one_correct_row_per_media(
    emulator: WistiaEmulator,
    set_connection,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    expected = _seed(emulator, 1000, non_video_every=25)
    # Slow answers come 0.1 s after the client gave up; 10 retries make losing a request to
    # 20 % faults a 0.2**11 (2e-8) event.
    set_connection(timeout=0.3, max_retries=10, retry_backoff=0.01, rate_limit_per_minute=100_000)
    emulator.set_random_faults(0.2, kinds=FAULT_KINDS, seed=20260106, retry_after=0, delay=0.4)
    hook = WistiaHook()
    started = time.monotonic()
    with _alternate_rate_limit_status(emulator):
        result = export_stats(hook, tmp_path / "stats.jsonl", file_format="jsonl", max_workers=4)
    elapsed = time.monotonic() - started
    emulator.clear_faults()
    hook.close()

    figures = _compare(tmp_path / "stats.jsonl", expected)
    assert result["rows"] == 1000 and result["skipped_non_video"] == 40
    injected = emulator.faults_injected
    assert set(injected) == set(FAULT_KINDS), injected  # every fault mode was exercised
    answered = Counter(r.status for r in emulator.requests)
    assert answered[429] and answered[503]
    total, faults = emulator.request_count, sum(injected.values())
    assert 0.15 < faults / total < 0.25  # about one request in five failed
    assert len(set(_stats_requests(emulator))) == 960
    # Beyond the 983 requests needed (account, 11 pages, 960 stats, 11 pages again at the end) each
    # one is a logged retry, at least one per fault (a request slowed by the machine past the
    # timeout is retried too).
    retries = caplog.text.count("retrying in")
    assert total - 983 == retries >= faults
    assert TOKEN not in caplog.text and all(TOKEN not in r.raw_path for r in emulator.requests)
    figures.update(
        medias=1000,
        requests=total,
        hook_requests=result["requests"],
        faults_injected=dict(sorted(injected.items())),
        faults_total=faults,
        retries=retries,
        answered_by_status={str(k): v for k, v in sorted(answered.items())},
        seconds=round(elapsed, 1),
    )
    _record(tmp_path_factory, "export-faults", figures)


def _checkpointed_ids(partial: Path) -> set[str]:
    """Hashed ids in the checkpoint parts an interrupted export left behind."""
    done = set()
    for part in partial.glob("part-*.jsonl"):
        done.update(json.loads(line)["row"]["hashed_id"] for line in part.read_text().splitlines())
    return done


def test_export_killed_half_way_resumes_on_retry(
    run_dag,
    emulator: WistiaEmulator,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    total = 400
    expected = _seed(emulator, total, non_video_every=10)
    videos = {hid for hid, row in expected.items() if row["type"] == "Video"}
    destination = tmp_path / "stats.jsonl"
    partial = tmp_path / "stats.jsonl.partial"
    # 100 requests per 0.5 s: the export takes about 2 s, time enough to kill it half way.
    slow_conn = conn_json(emulator.base_url, rate_limit_per_minute=100)
    env = {**os.environ, "AIRFLOW_CONN_WISTIA_DEFAULT": slow_conn}
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_EXPORT, str(destination), "0.5"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and child.poll() is None:
            with contextlib.suppress(OSError):  # a part may be renamed while it is listed
                if len(_checkpointed_ids(partial)) >= total * 0.4:
                    break
            time.sleep(0.01)
        child.send_signal(signal.SIGKILL)  # no exception handler, no finally: the process is gone
        _, stderr = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL, stderr.decode(errors="replace")[-2000:]
    assert not destination.exists()
    done = _checkpointed_ids(partial)
    assert total * 0.4 <= len(done) < total * 0.9, len(done)
    fetched_by_killed = _stats_requests(emulator)
    log_mark = len(emulator.requests)

    dr = run_dag(wistia_test_reliability_export.dag, {"destination": str(destination)})

    assert task_states(dr) == {"export": "success"}
    task_logs = "".join(capfd.readouterr()) + caplog.text + stderr.decode(errors="replace")
    assert "Resuming the export" in task_logs and TOKEN not in task_logs
    figures = _compare(destination, expected)
    assert not partial.exists()
    refetched = _stats_requests(emulator, log_mark)
    # The retry asked for exactly the stats the checkpoint did not hold, each once.
    assert sorted(refetched) == sorted(videos - done)
    figures.update(
        medias=total,
        videos=len(videos),
        checkpointed_when_killed=len(done),
        stats_requests_killed_run=len(fetched_by_killed),
        stats_fetched_but_not_checkpointed=len(set(fetched_by_killed) - done),
        stats_requests_retry=len(refetched),
        requests_retry=len(emulator.requests) - log_mark,
    )
    _record(tmp_path_factory, "export-killed", figures)
