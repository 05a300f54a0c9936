"""The push path of ``make demo``: Wistia webhook -> asset event -> DAG run, with no polling.

Starts ``airflow api-server`` (which mounts the provider's webhook receiver at ``/wistia``)
and ``airflow scheduler`` on the demo's throw-away home, registers a webhook on the emulator
pointing at ``/wistia/webhooks/wistia_default``, uploads a media and lets the emulator
process it. The emulator signs and POSTs ``media.ready``; the receiver records it as an asset
event (one per delivery and asset, its ``extra["events"]`` the delivery's events); the
scheduler starts ``wistia_webhook_media_ready``. Prints that run, the delay from
the event to the run, and what the run changed (a copy in the review project).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

from airflow_process import AirflowProcess, api_server, free_port, wait_for, webhook_receiver_mounted

DAG_ID = "wistia_webhook_media_ready"
WEBHOOK_SECRET = "demo-webhook-secret-not-a-secret"
REVIEW_PROJECT = "Ready for review"


def _say(text: str) -> None:
    print(text, flush=True)


def _http(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
    """JSON in, JSON out; form-encoded when ``body`` is a str."""
    data, all_headers = None, dict(headers or {})
    if isinstance(body, str):
        data = body.encode()
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = json.dumps(body).encode()
        all_headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def webhook_conn_extra() -> dict[str, str]:
    """What ``wistia_default`` needs to receive the demo's webhooks."""
    return {"webhook_secret": WEBHOOK_SECRET}


def run_webhook_demo(env: dict[str, str], emulator_url: str, token: str, home: Path, root: Path) -> int:
    """Run the push path; 0 if the ``media.ready`` webhook started a successful DAG run."""
    _say(f"\n{DAG_ID}: the push path (webhook -> asset event -> DAG run)")
    port = free_port()
    api = f"http://127.0.0.1:{port}"
    env = {
        **env,
        "AIRFLOW__API__BASE_URL": api,
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{api}/execution/",
        "AIRFLOW__API_AUTH__JWT_SECRET": "demo-jwt-secret-not-a-secret-0123456789",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",  # loopback demo: REST without login
        "AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME": "0.2",
    }
    airflow = str(Path(sys.executable).parent / "airflow")
    for args in (["dags", "reserialize"], ["dags", "unpause", DAG_ID]):
        subprocess.run(
            [airflow, *args], env=env, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    logs = home / "logs"
    components = [
        api_server(env, port, logs / "api-server.log", root).start(),
        AirflowProcess(["scheduler"], env, logs / "scheduler.log", root).start(),
    ]
    try:
        return _push_and_watch(api, emulator_url, token, logs)
    finally:
        for component in components:
            component.stop()
        _say("    API server and scheduler stopped.")


def _push_and_watch(api: str, emulator_url: str, token: str, logs: Path) -> int:
    started = time.monotonic()
    wait_for("the API server", lambda: webhook_receiver_mounted(api), timeout=240)
    _say(f"    API server with the Wistia plugin up at {api} ({time.monotonic() - started:.1f} s)")
    hook_url = f"{api}/wistia/webhooks/wistia_default"
    events = ["media.created", "media.processing", "media.ready"]
    _http(
        "POST",
        f"{emulator_url}/__emulator__/webhooks",
        {"url": hook_url, "secret": WEBHOOK_SECRET, "events": events},
    )
    _say(f"    emulator webhook registered: {', '.join(events)} -> {hook_url}")
    form = urllib.parse.urlencode({"url": "https://example.com/videos/launch-cut.mp4", "name": "Launch cut"})
    media = _http("POST", f"{emulator_url}/", form, {"Authorization": f"Bearer {token}"})
    hid = media["hashed_id"]
    _say(f"    uploaded media {hid} ({media['name']!r}, status {media['status']}) through the Upload API")
    admin = f"{emulator_url}/__emulator__/medias/{hid}/status"
    _http("POST", admin, {"status": "processing"})
    ready_at = time.time()
    _http("POST", admin, {"status": "ready"})
    _say("    the emulator processed it: media.processing, then media.ready (signed webhooks)")

    def asset_triggered_run() -> dict[str, Any] | None:
        runs = _http("GET", f"{api}/api/v2/dags/{DAG_ID}/dagRuns?run_type=asset_triggered")["dag_runs"]
        return runs[0] if runs else None

    run = wait_for("the asset-triggered DAG run", asset_triggered_run, timeout=120)
    _say(f"    DAG run {run['dag_run_id']} (run_type {run['run_type']}, {run['state']})")

    def finished() -> dict[str, Any] | None:
        now = _http("GET", f"{api}/api/v2/dags/{DAG_ID}/dagRuns/{run['dag_run_id']}")
        return now if now["state"] in ("success", "failed") else None

    final = wait_for("the DAG run to finish", finished, timeout=240)
    # Read once the run has started: Airflow 3.3.2's upstreamAssetEvents answers 500 while a
    # run it lists is still queued (its start_date is null).
    consumed = _http("GET", f"{api}/api/v2/dags/{DAG_ID}/dagRuns/{run['dag_run_id']}/upstreamAssetEvents")
    event = consumed["asset_events"][0]
    recorded, queued = _parse_time(event["timestamp"]), _parse_time(run["queued_at"])
    # One asset event per delivery and asset; its extra lists the delivery's events, oldest first.
    items = event["extra"]["events"]
    listed = ", ".join(f"{e['type']} {e['dedupe_key']} (media {e['payload']['media']['id']})" for e in items)
    _say(f"    it consumed the asset event on {event['uri']}, listing {len(items)} event(s): {listed}")
    delay, end_to_end = (queued - recorded).total_seconds(), queued.timestamp() - ready_at
    _say(f"      queued {delay:.2f} s after the asset event, {end_to_end:.2f} s after the media became ready")
    state = _http("GET", f"{emulator_url}/__emulator__/state")
    review = [p["hashedId"] for p in state["projects"] if p["name"] == REVIEW_PROJECT]
    copies = [m["name"] for m in state["medias"] if m["project"] and m["project"]["hashed_id"] in review]
    _say(f"    DAG run finished: {final['state']}; {REVIEW_PROJECT!r} now holds {copies}")
    _say(f"    (logs: {logs / 'api-server.log'}, {logs / 'scheduler.log'})")
    return 0 if final["state"] == "success" and copies == [media["name"]] else 1
