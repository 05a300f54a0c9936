"""Run the provider's performance benchmarks against the bundled emulator; print one table.

``python benchmarks/run.py`` (what ``make bench`` runs) measures every item of the
benchmark issue at full size; ``--quick`` scales the slow ones down (a 20-second rate-limit
window, fewer medias, fewer repetitions) for a run of about a minute. Exits 1 when a target is
missed, so a regression is visible. See ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import EmulatorProcess, Row, fmt_table, prepare_airflow_env

ITEMS = ("1", "2", "3", "4", "5", "6", "7", "8", "9")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import version

    return (
        f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, "
        f"Airflow {version('apache-airflow')}, {platform.system()} {platform.release()}"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="scaled-down run (about a minute)")
    parser.add_argument(
        "--only", default=",".join(ITEMS), help="comma-separated items to run (default: all, 1-9)"
    )
    parser.add_argument("--markdown", type=Path, help="also write the table, with a header, to this file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    only = {item.strip() for item in args.only.split(",") if item.strip()}
    unknown = only - set(ITEMS)
    if unknown:
        print(f"unknown items: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="wistia-bench-airflow-home-") as home:
        prepare_airflow_env(home)
        return run(only, args.quick, args.markdown)


def run(only: set[str], quick: bool, markdown: Path | None) -> int:
    import export_bench
    import import_bench
    import requests_bench
    import triggers_bench
    import webhook_bench

    started = time.monotonic()
    rows: list[Row] = []

    def section(title: str, job: Callable[[], list[Row]]) -> None:
        t0 = time.monotonic()
        print(f"... {title}", file=sys.stderr, flush=True)
        try:
            new = job()
        except Exception as exc:  # one broken item must not hide the others
            new = [Row(title.split(":")[0], title, "error", "", False, f"{type(exc).__name__}: {exc}")]
        rows.extend(new)
        for row in new:
            print(f"    {row.name}: {row.value} {row.verdict}", file=sys.stderr, flush=True)
        print(f"    ({time.monotonic() - t0:.0f} s)", file=sys.stderr, flush=True)

    with EmulatorProcess() as emu:
        if only & {"1", "2"}:
            # Many short repetitions: the median of their paired ratios shrugs off the ones a
            # neighbouring process disturbed.
            n, reps = (50, 11) if quick else (100, 21)
            section("1-2: per-request cost", lambda: requests_bench.per_request(emu, n, reps))
        if "1" in only:
            section("1: client overhead", lambda: requests_bench.client_overhead(1000, 5 if quick else 9))
        if "3" in only:
            section("3: listing 10,000 medias", lambda: requests_bench.listing(emu, 7 if quick else 15))
        if "4" in only:
            section(
                "4: rate-limit utilisation (about 3 minutes; 40 s with --quick)",
                lambda: export_bench.utilisation(emu, quick),
            )
        if "8" in only:
            section("8: status triggers at scale", lambda: triggers_bench.status_triggers(emu, quick))
        if "9" in only:
            section("9: new-media watchers", lambda: triggers_bench.new_media_watchers(emu, quick))
    if "5" in only:
        section("5: export memory", lambda: export_bench.memory(quick))
    if "6" in only:
        section("6: import cost", lambda: import_bench.import_cost(5 if quick else 9))
    if "7" in only:
        section(
            "7: webhook answer time (a real API server)",
            lambda: webhook_bench.acknowledgement(15 if quick else 40),
        )

    elapsed = time.monotonic() - started
    when = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    header = f"{'Quick' if quick else 'Full'} run, {when}, {elapsed:.0f} s. Machine: {machine()}."
    table = fmt_table(rows)
    print()
    print(header)
    print()
    print(table)
    missed = [row for row in rows if row.ok is False]
    print()
    print(f"{len(missed)} target(s) missed." if missed else "All targets met.")
    if markdown:
        markdown.write_text(f"{header}\n\n{table}\n")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
