"""Shared plumbing of the benchmarks: the emulator subprocess, Airflow's environment, results.

The emulator runs in its own process (``python -m airflow_provider_wistia.emulator``) so that
its server threads do not compete with the measured client for the GIL; the machine has two
cores, one for each side. Everything here is standard library only, so it can be imported
before Airflow (whose configuration is read from the environment on first import).
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from airflow_provider_wistia.emulator.process import WistiaEmulatorProcess

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-token-3c9e51a7"
UNLIMITED = 100_000_000


def prepare_airflow_env(home: str) -> None:
    """Point Airflow at a throw-away home (call before anything imports airflow)."""
    os.environ["AIRFLOW_HOME"] = home
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{home}/airflow.db"
    os.environ["AIRFLOW__LOGGING__BASE_LOG_FOLDER"] = str(Path(home) / "logs")


def wistia_conn(base_url: str, rate_limit_per_minute: int = 1_000_000) -> str:
    """``AIRFLOW_CONN_WISTIA_DEFAULT`` for the emulator at ``base_url``."""
    extra = {
        "rate_limit_per_minute": rate_limit_per_minute,
        "upload_url": base_url + "/",
        "oembed_url": base_url + "/oembed",
    }
    return json.dumps({"conn_type": "wistia", "host": base_url, "password": TOKEN, "extra": extra})


def http_conn(base_url: str) -> str:
    """``AIRFLOW_CONN_WISTIA_HTTP``: an HTTP-provider connection as a user would write it
    (the token as a header in the extras, which ``HttpHook`` turns into session headers)."""
    extra = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}
    return json.dumps({"conn_type": "http", "host": base_url, "extra": extra})


class EmulatorProcess(WistiaEmulatorProcess):
    """The emulator in a child process, with the benchmark's own admin shortcuts."""

    def __init__(self, rate_limit: int = UNLIMITED, window: float = 60.0) -> None:
        super().__init__("--rate-limit", str(rate_limit), "--rate-limit-window", str(window), token=TOKEN)

    def reset(self, rate_limit: int = UNLIMITED, window: float = 60.0) -> None:
        """Empty the account, counters and log; set the rate limit."""
        self.admin("POST", "reset", {})
        self.admin(
            "POST", "config", {"rate_limit_per_minute": rate_limit, "rate_limit_window_seconds": window}
        )

    def seed(self, count: int) -> list[str]:
        """``count`` ready videos; returns their hashed ids."""
        ids: list[str] = []
        while len(ids) < count:  # in chunks, to keep each admin answer small
            ids += self.admin("POST", "seed", {"medias": min(5000, count - len(ids))})["medias"]
        return ids

    def stats(self) -> dict[str, Any]:
        """``request_count``, ``rate_limited_count``, ``max_requests_in_any_window``..."""
        return self.admin("GET", "stats")


@dataclass
class Row:
    """One line of the results table."""

    item: str
    name: str
    value: str
    target: str = ""
    ok: bool | None = None  # None: informational, no target
    note: str = ""

    @property
    def verdict(self) -> str:
        return {True: "ok", False: "MISSED", None: ""}[self.ok]


@dataclass
class Timings:
    """Repeated timings (seconds) of several contenders, interleaved."""

    samples: dict[str, list[float]] = field(default_factory=dict)

    def median(self, name: str) -> float:
        return statistics.median(self.samples[name])

    def ratio(self, num: str, den: str) -> float:
        """Median over repetitions of ``num``'s time / ``den``'s time in the same repetition.

        Pairing the two runs of one repetition (run back to back) cancels slow drift of the
        machine's speed; the median discards the repetitions that a neighbour disturbed.
        """
        pairs = zip(self.samples[num], self.samples[den], strict=True)
        return statistics.median(a / b for a, b in pairs)


def interleave(contenders: Mapping[str, Callable[[], object]], repetitions: int) -> Timings:
    """Time every contender once per repetition, rotating the order each time to cancel drift.

    Each sample starts after a full garbage collection (untimed), so one contender does not pay
    for the garbage another left behind; the collector stays on while timing, as in real use.
    """
    timings = Timings({name: [] for name in contenders})
    names = list(contenders)
    for rep in range(repetitions):
        shift = rep % len(names)
        order = names[shift:] + names[:shift]
        if rep % 2:
            order.reverse()
        for name in order:
            gc.collect()
            start = time.perf_counter()
            contenders[name]()
            timings.samples[name].append(time.perf_counter() - start)
    return timings


def run_python(code: str, env: dict[str, str] | None = None, timeout: float = 900) -> str:
    """Run ``code`` in a fresh interpreter (same venv); return its stdout, raising on failure."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"subprocess failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def fmt_table(rows: Sequence[Row]) -> str:
    headers = ("#", "measure", "value", "target", "verdict", "notes")
    cells = [(r.item, r.name, r.value, r.target, r.verdict, r.note) for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    lines = [
        "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    lines += [
        "| " + " | ".join(c.ljust(w) for c, w in zip(cell, widths, strict=True)) + " |" for cell in cells
    ]
    return "\n".join(lines)
