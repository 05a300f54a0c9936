"""Item 7: how fast the webhook receiver answers Wistia, on a real ``airflow api-server``.

The benchmark's throw-away Airflow home (SQLite) gets a DAG scheduled on
``wistia_webhook_asset("media.ready", "wistia_bench")``; an API server (one worker) runs the
provider's plugin. Each sample is one signed 10-event delivery over a keep-alive session,
timed from sending to the answer: new events (10 receipts and one asset event written, the
DAG's run queued), the same delivery again (all duplicates) and events no DAG uses (all ignored). The
target is Wistia's need: well under a second, so it never retries a delivery we took.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests
from harness import ROOT, Row, fmt_ms

sys.path.insert(0, str(ROOT / "scripts"))
from airflow_process import api_server, free_port, wait_for, webhook_receiver_mounted

TARGET_S = 1.0
CONN_ID = "wistia_bench"
SECRET = "bench-webhook-secret-6e1f"
DAG_ID = "wistia_bench_webhook_consumer"
_DAG = f'''
import pendulum
from airflow.sdk import DAG, task
from airflow_provider_wistia.webhooks import wistia_webhook_asset

with DAG(dag_id="{DAG_ID}", schedule=[wistia_webhook_asset("media.ready", "{CONN_ID}")],
         start_date=pendulum.datetime(2026, 1, 1, tz="UTC"), catchup=False):
    task(lambda: None, task_id="noop")()
'''


def _delivery(event_type: str, uuids: list[str]) -> bytes:
    events = [
        {
            "uuid": event_uuid,
            "type": event_type,
            "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),  # inside the replay window
            "payload": {"media": {"id": "abc123defg", "name": "Bench video", "duration": 42.0}},
            "metadata": {"account_id": "0sxav1wj8o"},
        }
        for event_uuid in uuids
    ]
    return json.dumps({"hook": {"uuid": "bench"}, "events": events}).encode()


def _timed(session: requests.Session, url: str, body: bytes, expected: dict[str, int]) -> float:
    headers = {
        "Content-Type": "application/json",
        "X-Wistia-Signature": hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest(),
    }
    start = time.perf_counter()
    answer = session.post(url, data=body, headers=headers, timeout=30)
    elapsed = time.perf_counter() - start
    if answer.status_code != 200 or answer.json() != expected:
        raise RuntimeError(f"unexpected answer {answer.status_code}: {answer.text[:200]}")
    return elapsed


def _p95(samples: list[float]) -> float:
    return sorted(samples)[max(0, round(0.95 * len(samples)) - 1)]


def acknowledgement(repetitions: int) -> list[Row]:
    home = Path(os.environ["AIRFLOW_HOME"])
    dags = home / "webhook_dags"
    dags.mkdir(exist_ok=True)
    (dags / "bench_webhook_consumer.py").write_text(_DAG)
    conn = {"conn_type": "wistia", "extra": {"webhook_secret": SECRET}}
    env = {
        **os.environ,
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        f"AIRFLOW_CONN_{CONN_ID.upper()}": json.dumps(conn),
    }
    airflow = str(Path(sys.executable).parent / "airflow")
    for args in (["db", "migrate"], ["dags", "reserialize"], ["dags", "unpause", DAG_ID]):
        subprocess.run([airflow, *args], env=env, check=True, capture_output=True, timeout=600)
    port = free_port()
    server = api_server(env, port, home / "bench-api-server.log").start()
    api = f"http://127.0.0.1:{port}"
    samples: dict[str, list[float]] = {"recorded": [], "duplicates": [], "ignored": []}
    try:
        wait_for("the API server", lambda: webhook_receiver_mounted(api), timeout=240)
        url = f"{api}/wistia/webhooks/{CONN_ID}"
        with requests.Session() as session:
            _timed(
                session, url, _delivery("media.ready", ["warm-up"]), _answer(recorded=1)
            )  # creates the table
            for rep in range(repetitions):
                body = _delivery("media.ready", [f"r{rep}-e{n}" for n in range(10)])
                samples["recorded"].append(_timed(session, url, body, _answer(recorded=10)))
                samples["duplicates"].append(_timed(session, url, body, _answer(duplicates=10)))
                ignored = _delivery("viewing_session.play", [f"i{rep}-e{n}" for n in range(10)])
                samples["ignored"].append(_timed(session, url, ignored, _answer(ignored=10)))
    finally:
        server.stop()
    recorded = samples["recorded"]
    note = f"median {fmt_ms(statistics.median(recorded))}; 10 receipts, 1 asset event, the DAG queued"
    return [
        Row(
            "7",
            f"webhook: 10 new events, answer time p95 (x {repetitions})",
            fmt_ms(_p95(recorded)),
            "< 1000 ms",
            _p95(recorded) < TARGET_S,
            note + "; SQLite, 1 API server worker",
        ),
        Row(
            "7",
            "webhook: the same 10 again (duplicates), median",
            fmt_ms(statistics.median(samples["duplicates"])),
        ),
        Row(
            "7",
            "webhook: 10 events no DAG uses (ignored), median",
            fmt_ms(statistics.median(samples["ignored"])),
        ),
    ]


def _answer(recorded: int = 0, duplicates: int = 0, ignored: int = 0) -> dict[str, Any]:
    return {"recorded": recorded, "duplicates": duplicates, "ignored": ignored, "stale": 0}
