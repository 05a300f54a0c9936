"""Command line: run the Wistia emulator until SIGINT/SIGTERM.

``python -m airflow_provider_wistia.emulator --port 0 --token T --seed demo`` prints one
line ``Wistia emulator listening on http://127.0.0.1:<port>`` (never the token).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from types import FrameType

from .emulator import WistiaEmulator
from .faults import DEFAULT_RANDOM_KINDS, FAULT_KINDS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m airflow_provider_wistia.emulator",
        description="Local emulator of the Wistia v1 Data/Upload API.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    parser.add_argument(
        "--token",
        action="append",
        default=None,
        help="accepted API token (repeatable; default $WISTIA_EMULATOR_TOKEN or test-token)",
    )
    parser.add_argument("--seed", choices=("demo", "none"), default="none")
    parser.add_argument("--rate-limit", type=int, default=600, help="requests per window per token")
    parser.add_argument("--rate-limit-window", type=float, default=60.0, help="window in seconds")
    parser.add_argument("--rate-limit-status", type=int, choices=(429, 503), default=429)
    parser.add_argument("--fault-rate", type=float, default=0.0, help="probability of a random fault")
    parser.add_argument(
        "--fault-kinds",
        default=",".join(DEFAULT_RANDOM_KINDS),
        help=f"comma-separated subset of {','.join(FAULT_KINDS)}",
    )
    parser.add_argument("--fault-seed", type=int, default=None)
    parser.add_argument("--polls-per-step", type=int, default=1)
    parser.add_argument("--account-name", default="Emulated Account")
    parser.add_argument(
        "--no-newer-media-fields",
        action="store_true",
        help="omit media 'tags'/'subfolder' (for strict pre-2024 clients such as wystia 1.2)",
    )
    parser.add_argument("--webhook-url", default=None, help="POST signed media events here (as Wistia)")
    parser.add_argument("--webhook-secret", default=None, help="the webhook's secret (HMAC-SHA256 key)")
    parser.add_argument("--webhook-events", default="", help="comma-separated event types (default: all)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    tokens = args.token or [os.environ.get("WISTIA_EMULATOR_TOKEN") or "test-token"]
    kinds = tuple(k.strip() for k in args.fault_kinds.split(",") if k.strip())
    unknown = [k for k in kinds if k not in FAULT_KINDS]
    if unknown:
        print(f"unknown fault kinds: {', '.join(unknown)}", file=sys.stderr)
        return 2
    emu = WistiaEmulator(
        host=args.host,
        port=args.port,
        tokens=tokens,
        rate_limit_per_minute=args.rate_limit,
        rate_limit_window_seconds=args.rate_limit_window,
        rate_limit_status=args.rate_limit_status,
        polls_per_step=args.polls_per_step,
        account_name=args.account_name,
        newer_media_fields=not args.no_newer_media_fields,
    )
    if args.seed == "demo":
        emu.seed_demo()
    if bool(args.webhook_url) != bool(args.webhook_secret):
        print("--webhook-url and --webhook-secret go together", file=sys.stderr)
        return 2
    if args.webhook_url:
        events = [e.strip() for e in args.webhook_events.split(",") if e.strip()]
        try:
            emu.register_webhook(args.webhook_url, args.webhook_secret, events or None)
        except ValueError as exc:
            print(f"bad webhook: {exc}", file=sys.stderr)
            return 2
    if args.fault_rate > 0:
        emu.set_random_faults(args.fault_rate, kinds, seed=args.fault_seed)
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    emu.start()
    print(f"Wistia emulator listening on {emu.base_url}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        emu.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
