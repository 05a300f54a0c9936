"""Helpers of ``tests/test_webhooks.py``: the API server, deliveries, and what the database holds.

Also the listener plugin the API server loads (``LISTENER_PLUGIN``): it appends one JSON line
per asset-event announcement to the file ``$WISTIA_TEST_LISTENER_LOG``; ``FileListener`` does the
same in the test process, so the file is every announcement of the module.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import requests
from airflow.listeners import hookimpl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from airflow_process import api_server, free_port, wait_for, webhook_receiver_mounted

MARKER = "payload-marker-never-logged-93e1"  # in every payload; must not reach the server log
LISTENER_ENV = "WISTIA_TEST_LISTENER_LOG"
LISTENER_PLUGIN = '''
import json, os

from airflow.listeners import hookimpl
try:
    from airflow.sdk.plugins_manager import AirflowPlugin
except ImportError:
    from airflow.plugins_manager import AirflowPlugin


class FileListener:
    """Appends one line per asset event announced: its asset and the uuids its extra lists."""

    @hookimpl
    def on_asset_event_emitted(self, asset_event):
        events = (asset_event.extra or {}).get("events") or []
        line = {"uri": asset_event.asset.uri, "uuids": [e.get("uuid") for e in events]}
        with open(os.environ["WISTIA_TEST_LISTENER_LOG"], "a") as out:
            out.write(json.dumps(line) + "\\n")


class WistiaTestListenerPlugin(AirflowPlugin):
    name = "wistia_test_listener"
    listeners = [FileListener()]
'''


def _sig(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class ApiServer:
    """``airflow api-server`` with the provider's plugin, its output appended to ``log_path``."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self.port = free_port()
        self.process = api_server(env, self.port, log_path)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process.start()

        def mounted() -> bool | None:
            assert self.process.running, self.log_path.read_text()[-3000:]
            return webhook_receiver_mounted(self.url)

        wait_for("the API server with the webhook receiver", mounted, timeout=240)

    def stop(self) -> None:
        self.process.stop()

    def post(self, conn_id: str, body: bytes, secret: str | None = None, **headers: str) -> requests.Response:
        if secret is not None:
            headers["X-Wistia-Signature"] = _sig(body, secret)
        headers.setdefault("Content-Type", "application/json")
        return requests.post(f"{self.url}/wistia/webhooks/{conn_id}", data=body, headers=headers, timeout=30)


def ago(seconds: float) -> str:
    """``generated_at`` of an event generated ``seconds`` ago (negative: in the future)."""
    moment = datetime.now(timezone.utc) - timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def delivery(*events: tuple[str, ...]) -> bytes:
    """A Wistia delivery of ``(event_type, uuid[, generated_at])`` events about one media.

    Without a ``generated_at``, events are a minute old, each a millisecond older than the next.
    """
    now = datetime.now(timezone.utc) - timedelta(seconds=60)
    return json.dumps(
        {
            "hook": {"uuid": str(uuid.uuid4())},
            "events": [
                {
                    "uuid": event[1],
                    "type": event[0],
                    "payload": {"media": {"id": "abc123defg", "name": MARKER}},
                    "metadata": {"account_id": "0sxav1wj8o"},
                    "generated_at": event[2]
                    if len(event) > 2
                    else (now + timedelta(milliseconds=n)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                }
                for n, event in enumerate(events)
            ],
        }
    ).encode()


def asset_events(uri: str) -> list[dict[str, Any]]:
    """The ``extra`` of every asset event on ``uri``, oldest first."""
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = (
            session.query(AssetEvent.extra)
            .join(AssetModel, AssetEvent.asset_id == AssetModel.id)
            .filter(AssetModel.uri == uri)
            .order_by(AssetEvent.id)
        )
        return [row[0] for row in rows]


def event_uuids(uri: str) -> list[list[str]]:
    """Per asset event on ``uri``, the uuids its ``extra["events"]`` lists."""
    return [[item["uuid"] for item in extra["events"]] for extra in asset_events(uri)]


def totals() -> tuple[int, int]:
    """(asset events, de-duplication receipts) in the whole metadata database."""
    from airflow.models.asset import AssetEvent
    from airflow.utils.session import create_session
    from sqlalchemy import func, inspect, select

    from airflow_provider_wistia.webhooks.receipts import RECEIPTS

    with create_session() as session:
        events = session.scalar(select(func.count()).select_from(AssetEvent)) or 0
        has_table = inspect(session.get_bind()).has_table(RECEIPTS.name)
        receipts = session.scalar(select(func.count()).select_from(RECEIPTS)) if has_table else 0
        return int(events), int(receipts or 0)


def receipts_of(conn_id: str) -> dict[str, datetime]:
    """``{event_uuid: received_at}`` of connection ``conn_id``."""
    from airflow.utils.session import create_session
    from sqlalchemy import select

    from airflow_provider_wistia.webhooks.receipts import RECEIPTS

    with create_session() as session:
        query = select(RECEIPTS.c.event_uuid, RECEIPTS.c.received_at).where(RECEIPTS.c.conn_id == conn_id)
        return {row[0]: row[1] for row in session.execute(query)}


def queued_uris(dag_id: str) -> set[str]:
    """Asset URIs with a run of ``dag_id`` queued (``asset_dag_run_queue``)."""
    from airflow.models.asset import AssetDagRunQueue, AssetModel
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = (
            session.query(AssetModel.uri)
            .join(AssetDagRunQueue, AssetDagRunQueue.asset_id == AssetModel.id)
            .filter(AssetDagRunQueue.target_dag_id == dag_id)
        )
        return {row[0] for row in rows}


def sql(statement: str, **params: Any) -> None:
    """Run one SQL statement on the metadata database (test set-up: triggers, back-dated rows)."""
    from airflow.utils.session import create_session
    from sqlalchemy import text

    with create_session() as session:
        session.execute(text(statement), params)


class FileListener:
    """The plugin's listener, for recordings made in the test process itself."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @hookimpl
    def on_asset_event_emitted(self, asset_event: Any) -> None:
        events = (asset_event.extra or {}).get("events") or []
        line = {"uri": asset_event.asset.uri, "uuids": [e.get("uuid") for e in events]}
        with self.path.open("a") as out:
            out.write(json.dumps(line) + "\n")


def announced(path: Path) -> list[dict[str, Any]]:
    """Every announcement the listeners wrote, in order."""
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
