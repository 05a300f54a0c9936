"""Soak: 10,000 requests from 8 threads sharing one hook, at a low rate limit.

The emulator runs in its own process here (its CLI, driven through the admin API), so
that the memory measured is the client's alone: the in-process emulator keeps a log of
every request, which would grow with the soak and hide (or fake) a leak in the hook.
Both sides use a 400-requests-per-0.5-s window, the hook's limiter set to the same budget,
so 10,000 requests need at least 12 s.
"""

from __future__ import annotations

import gc
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psutil
import pytest
from conftest import TOKEN, conn_json

from airflow_provider_wistia.emulator import WistiaEmulatorProcess
from airflow_provider_wistia.hooks.wistia import WistiaHook

LIMIT = 300
WINDOW = 0.5
THREADS = 8
TOTAL = 10_000
SAMPLE_EVERY = 2_000
# Between the 2,000th and the 10,000th request (8,000 requests), memory may grow by at most:
# - 2,000 Python memory blocks: keeping even one small object per request would add 8,000;
# - 4 MiB of resident memory: keeping 512 bytes per request would add 4 MB (allocator noise and
#   the caches that fill during the first 2,000 requests stay well below this).
MAX_BLOCK_GROWTH = 2_000
MAX_RSS_GROWTH = 4 * 1024 * 1024


@pytest.fixture
def emulator_process() -> Iterator[WistiaEmulatorProcess]:
    args = ("--seed", "demo", "--rate-limit", str(LIMIT), "--rate-limit-window", str(WINDOW))
    with WistiaEmulatorProcess(*args, token=TOKEN) as emu:
        yield emu


def _memory() -> dict[str, int]:
    """Live Python objects' memory blocks and the process's resident set size, after a GC."""
    gc.collect()
    return {"blocks": sys.getallocatedblocks(), "rss": psutil.Process().memory_info().rss}


@pytest.mark.soak
def test_soak_one_hook_many_threads_stays_under_the_limit_and_flat_in_memory(
    emulator_process: WistiaEmulatorProcess,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    state = emulator_process.admin("GET", "state")
    video = next(m["hashed_id"] for m in state["medias"] if m["type"] == "Video")
    project = state["projects"][0]["hashedId"]
    monkeypatch.setenv(
        "AIRFLOW_CONN_WISTIA_DEFAULT",
        conn_json(emulator_process.base_url, rate_limit_per_minute=LIMIT, timeout=10, max_retries=0),
    )
    hook = WistiaHook()
    hook.rate_limiter.window = WINDOW
    # Each call is exactly one request (the demo account has 4 projects: one page).
    calls: list[Callable[[], Any]] = [
        hook.get_account,
        lambda: hook.get_media(video),
        lambda: hook.get_media_stats(video),
        lambda: hook.get_project(project),
        hook.list_projects,
    ]
    issued = 0
    issued_lock = threading.Lock()

    def worker(stop_at: int) -> int:
        """Make calls until ``stop_at`` have been issued in all; return how many this thread made."""
        nonlocal issued
        done = 0
        while True:
            with issued_lock:
                if issued >= stop_at:
                    return done
                number, issued = issued, issued + 1
            calls[number % len(calls)]()
            done += 1

    samples: list[dict[str, int]] = []
    started = time.monotonic()
    with ThreadPoolExecutor(THREADS, thread_name_prefix="soak") as pool:
        for stop_at in range(SAMPLE_EVERY, TOTAL + 1, SAMPLE_EVERY):
            made = sum(f.result() for f in [pool.submit(worker, stop_at) for _ in range(THREADS)])
            samples.append({"requests": stop_at, "made": made, **_memory()})
    elapsed = time.monotonic() - started
    hook.close()

    stats = emulator_process.admin("GET", "stats")
    first, last = samples[0], samples[-1]
    figures = {
        "requests": sum(sample["made"] for sample in samples),
        "threads": THREADS,
        "limit_per_window": LIMIT,
        "window_seconds": WINDOW,
        "max_requests_in_any_window": stats["max_requests_in_any_window"],
        "rate_limited": stats["rate_limited_count"],
        "seconds": round(elapsed, 1),
        "least_seconds_the_limit_allows": (TOTAL - 1) // LIMIT * WINDOW,
        "samples": samples,
        "block_growth_2000_to_10000": last["blocks"] - first["blocks"],
        "rss_growth_2000_to_10000": last["rss"] - first["rss"],
    }
    print("reliability figures soak:", json.dumps(figures, sort_keys=True))
    Path(tmp_path_factory.getbasetemp() / "reliability-soak.json").write_text(json.dumps(figures, indent=2))
    assert [sample["made"] for sample in samples] == [SAMPLE_EVERY] * len(samples)
    assert stats["request_count"] == hook.requests_sent == TOTAL  # no retry was needed
    assert stats["rate_limited_count"] == 0
    assert stats["max_requests_in_any_window"] <= LIMIT
    assert figures["block_growth_2000_to_10000"] < MAX_BLOCK_GROWTH, figures
    assert figures["rss_growth_2000_to_10000"] < MAX_RSS_GROWTH, figures
