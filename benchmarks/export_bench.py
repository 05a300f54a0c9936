"""Items 4 and 5: the stats export at the rate limit, and its memory.

Both call :func:`airflow_provider_wistia.exports.stats.export_stats` (what
``WistiaExportStatsOperator`` runs) with a ``WistiaHook`` on the emulator subprocess.

* Utilisation: the emulator allows ``limit`` requests per ``window`` seconds (sliding) and the
  connection's ``rate_limit_per_minute`` matches. Figures: requests per second over the run
  divided by ``limit / window`` (the issue's measure; the first window's burst can put it above
  1), and the least time the limit allows for that many requests,
  ``floor((requests - 1) / limit) * window``, divided by the time taken (1.0 = no time lost).
  The quick variant uses a 20-second window (the hook's limiter window is set to match).
* Memory: each export runs in its own interpreter (the emulator's memory is not counted), which
  prints its peak RSS at the end; the peak for 20,000 medias must be within 10% of the one for
  1,000. The peak is ``VmHWM`` from ``/proc/self/status``, not ``ru_maxrss``: on Linux a child's
  ``ru_maxrss`` starts at its *parent's* RSS at spawn (it survives fork and exec), so it reported
  the benchmark runner's ~175 MiB for both sizes. ``ru_maxrss`` is shown for reference, and so
  is the RSS before the export (Airflow and the provider imported, hook connected), so the
  export's own share is visible.
"""

from __future__ import annotations

import json
import logging
import math
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import EmulatorProcess, Row, run_python, wistia_conn

UTILISATION_TARGET = 0.9
MEMORY_TARGET = 1.10
FULL_RATE = {"medias": 1000, "limit": 300, "window": 60.0}
QUICK_RATE = {"medias": 200, "limit": 100, "window": 20.0}


def utilisation(emu: EmulatorProcess, quick: bool) -> list[Row]:
    from airflow_provider_wistia.exports.stats import export_stats
    from airflow_provider_wistia.hooks.wistia import WistiaHook

    logging.getLogger("airflow_provider_wistia.export").setLevel(logging.WARNING)  # no progress lines
    plan = QUICK_RATE if quick else FULL_RATE
    medias, limit, window = int(plan["medias"]), int(plan["limit"]), float(plan["window"])
    emu.reset(rate_limit=limit, window=window)
    emu.seed(medias)  # through the admin API, which is not rate limited
    os.environ["AIRFLOW_CONN_WISTIA_DEFAULT"] = wistia_conn(emu.base_url, rate_limit_per_minute=limit)
    hook = WistiaHook()
    hook.rate_limiter.window = window  # 60 s already, except in the quick variant
    with tempfile.TemporaryDirectory(prefix="wistia-bench-export-") as out:
        start = time.monotonic()
        result = export_stats(hook, str(Path(out) / "stats.csv"))
        elapsed = time.monotonic() - start
    hook.close()
    stats = emu.stats()
    sent, refused = int(stats["request_count"]), int(stats["rate_limited_count"])
    allowed_rate = limit / window
    achieved = sent / elapsed
    ratio = achieved / allowed_rate
    least = math.floor((sent - 1) / limit) * window
    efficiency = least / elapsed
    scale = f"{medias:,} medias, {limit} per {window:.0f} s"
    return [
        Row(
            "4",
            f"export at the rate limit ({scale}): achieved / allowed rate",
            f"{ratio:.3f}",
            f">= {UTILISATION_TARGET}",
            ratio >= UTILISATION_TARGET and refused == 0 and result["rows"] == medias,
            f"{sent} requests in {elapsed:.1f} s = {achieved:.2f}/s vs {allowed_rate:.2f}/s; "
            f"{result['rows']:,} rows",
        ),
        Row(
            "4",
            "429s seen by the emulator",
            str(refused),
            "== 0",
            refused == 0,
            f"busiest window: {stats['max_requests_in_any_window']} requests (limit {limit})",
        ),
        Row(
            "4",
            "least time the limit allows / time taken",
            f"{efficiency:.3f}",
            "",
            None,
            f"{least:.0f} s / {elapsed:.1f} s",
        ),
    ]


_CHILD = """
import json, logging, resource, tempfile, time
from pathlib import Path
from airflow_provider_wistia.exports.stats import export_stats
from airflow_provider_wistia.hooks.wistia import WistiaHook

logging.getLogger("airflow_provider_wistia").setLevel(logging.WARNING)

def status_kib(field):  # VmRSS: now; VmHWM: the peak of this process's own address space
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])

hook = WistiaHook()
hook.get_account()  # connection read, session and limiter built: the steady state before the export
# The limiter keeps a slot per request in its window: at most rate_limit_per_minute of them in
# real use (600 by default). Unthrottled here, a 60 s window would keep every request of the
# run, a cost of the benchmark's setting and not of the export; so the window is 1 s.
hook.rate_limiter.window = 1.0
before = status_kib("VmRSS")
with tempfile.TemporaryDirectory(prefix="wistia-bench-mem-") as out:
    start = time.monotonic()
    result = export_stats(hook, str(Path(out) / "stats.csv"))
    elapsed = time.monotonic() - start
print(json.dumps({"before_kib": before, "peak_kib": status_kib("VmHWM"),
                  "ru_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "rows": result["rows"], "requests": result["requests"], "seconds": elapsed}))
"""


def _export_in_child(emu: EmulatorProcess, medias: int) -> dict[str, Any]:
    emu.reset()
    emu.seed(medias)
    env = {"AIRFLOW_CONN_WISTIA_DEFAULT": wistia_conn(emu.base_url)}
    result: dict[str, Any] = json.loads(run_python(_CHILD, env).strip().splitlines()[-1])
    if result["rows"] != medias:
        raise RuntimeError(f"the export wrote {result['rows']} rows for {medias} medias")
    return result


def memory(quick: bool) -> list[Row]:
    small_n, large_n = (1000, 5000) if quick else (1000, 20_000)
    with EmulatorProcess() as emu:
        small = _export_in_child(emu, small_n)
        large = _export_in_child(emu, large_n)
    ratio = large["peak_kib"] / small["peak_kib"]

    def mib(kib: float) -> str:
        return f"{kib / 1024:.1f} MiB"

    def detail(n: int, r: dict[str, Any]) -> str:
        grown = max(0, r["peak_kib"] - r["before_kib"])
        return (
            f"{n:,}: {mib(r['peak_kib'])} = {mib(r['before_kib'])} before the export "
            f"+ {mib(grown)} ({r['requests']:,} requests in {r['seconds']:.0f} s)"
        )

    return [
        Row(
            "5",
            f"export peak RSS (VmHWM), {large_n:,} / {small_n:,} medias",
            f"{ratio:.3f}",
            f"<= {MEMORY_TARGET:.2f}",
            ratio <= MEMORY_TARGET,
            f"{detail(small_n, small)}; {detail(large_n, large)}; ru_maxrss "
            f"{mib(small['ru_maxrss_kib'])} / {mib(large['ru_maxrss_kib'])} (inherits the parent's RSS); "
            "limiter window 1 s",
        )
    ]
