"""Wistia webhooks against a real ``airflow api-server`` (the provider's plugin, loaded from its
entry point), sharing the session's throw-away SQLite metadata database with this process.

One server for the module (restarted once, to prove de-duplication survives a restart). The
DAG ``wistia_test_webhook_consumer`` is scheduled on the webhook assets of three connections:
one from an environment variable, one from a secrets backend (a local JSON file), one in the
metadata database. Results are read from the metadata database: asset events, the queued DAG
runs (``asset_dag_run_queue``) and the receipts that de-duplicate.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from airflow_provider_wistia.emulator import WistiaEmulator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from airflow_process import api_server, free_port, wait_for, webhook_receiver_mounted

NEW_SECRET = "whsec-new-4c1d9e7a2b"
OLD_SECRET = "whsec-old-8f3b6a0c5d"
FILE_SECRET = "whsec-file-2a7e9c4b1f"
DB_SECRET = "whsec-db-6d0f3b8e2c"
MARKER = "payload-marker-never-logged-93e1"  # in every payload; must not reach the server log
ENV_CONN, FILE_CONN, DB_CONN = "wistia_webhook_env", "wistia_webhook_file", "wistia_webhook_db"
DAG_ID = "wistia_test_webhook_consumer"


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


def delivery(*events: tuple[str, str]) -> bytes:
    """A Wistia delivery of ``(event_type, uuid)`` events about one media."""
    return json.dumps(
        {
            "hook": {"uuid": str(uuid.uuid4())},
            "events": [
                {
                    "uuid": event_uuid,
                    "type": event_type,
                    "payload": {"media": {"id": "abc123defg", "name": MARKER}},
                    "metadata": {"account_id": "0sxav1wj8o"},
                    "generated_at": "2026-12-01T06:00:00Z",
                }
                for event_type, event_uuid in events
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


def totals() -> tuple[int, int]:
    """(asset events, de-duplication receipts) in the whole metadata database."""
    from airflow.models.asset import AssetEvent
    from airflow.utils.session import create_session
    from sqlalchemy import func, inspect, select

    from airflow_provider_wistia.webhooks.recorder import RECEIPTS

    with create_session() as session:
        events = session.scalar(select(func.count()).select_from(AssetEvent)) or 0
        has_table = inspect(session.get_bind()).has_table(RECEIPTS.name)
        receipts = session.scalar(select(func.count()).select_from(RECEIPTS)) if has_table else 0
        return int(events), int(receipts or 0)


def queued_uris() -> set[str]:
    """Asset URIs with a run of the consumer DAG queued (``asset_dag_run_queue``)."""
    from airflow.models.asset import AssetDagRunQueue, AssetModel
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = (
            session.query(AssetModel.uri)
            .join(AssetDagRunQueue, AssetDagRunQueue.asset_id == AssetModel.id)
            .filter(AssetDagRunQueue.target_dag_id == DAG_ID)
        )
        return {row[0] for row in rows}


def _prepare_metadata_db() -> None:
    """The connection kept in the metadata DB, and the consumer DAG serialized and unpaused."""
    from airflow.models.connection import Connection
    from airflow.models.dag import DagModel
    from airflow.utils.cli import get_bagged_dag
    from airflow.utils.session import create_session

    with create_session() as session:
        session.query(Connection).filter(Connection.conn_id == DB_CONN).delete()
        session.add(
            Connection(conn_id=DB_CONN, conn_type="wistia", extra=json.dumps({"webhook_secret": DB_SECRET}))
        )
    get_bagged_dag(None, DAG_ID)  # parses tests/dags and writes its DAGs and their assets
    with create_session() as session:
        session.query(DagModel).filter(DagModel.dag_id == DAG_ID).update({"is_paused": False})


@pytest.fixture(scope="module")
def server(airflow_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    _prepare_metadata_db()
    home = tmp_path_factory.mktemp("webhooks")
    secrets_file = home / "connections.json"
    secrets_file.write_text(
        json.dumps({FILE_CONN: {"conn_type": "wistia", "extra": {"webhook_secret": FILE_SECRET}}})
    )
    env = {
        **os.environ,
        f"AIRFLOW_CONN_{ENV_CONN.upper()}": json.dumps(
            {"conn_type": "wistia", "extra": {"webhook_secret": f"{NEW_SECRET}, {OLD_SECRET}"}}
        ),
        "AIRFLOW_CONN_NOT_WISTIA": json.dumps({"conn_type": "http", "extra": {"webhook_secret": NEW_SECRET}}),
        "AIRFLOW_CONN_WISTIA_NO_SECRET": json.dumps({"conn_type": "wistia", "password": "api-token"}),
        "AIRFLOW__SECRETS__BACKEND": "airflow.secrets.local_filesystem.LocalFilesystemBackend",
        "AIRFLOW__SECRETS__BACKEND_KWARGS": json.dumps({"connections_file_path": str(secrets_file)}),
    }
    api = ApiServer(env, home / "api-server.log")
    try:
        api.start()  # inside the try: a server that never mounts the receiver is stopped too
        yield api
    finally:
        api.stop()


READY = f"wistia://{ENV_CONN}/media.ready"
FAILED = f"wistia://{ENV_CONN}/media.failed"
FIRST = [("media.ready", f"first-{n}") for n in range(9)] + [("media.failed", "first-9")]


def test_signed_delivery_records_each_event_and_queues_the_dag(server: ApiServer) -> None:
    before = len(asset_events(READY))
    answer = server.post(ENV_CONN, delivery(*FIRST), secret=OLD_SECRET)  # the old secret, mid-rotation
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"recorded": 10, "duplicates": 0, "ignored": 0}
    ready = asset_events(READY)[before:]
    assert [e["uuid"] for e in ready] == [f"first-{n}" for n in range(9)]
    assert ready[0] == {
        "uuid": "first-0",
        "type": "media.ready",
        "generated_at": "2026-12-01T06:00:00Z",
        "payload": {"media": {"id": "abc123defg", "name": MARKER}},
    }
    assert [e["uuid"] for e in asset_events(FAILED)] == ["first-9"]
    assert {READY, FAILED} <= queued_uris()


def test_a_repeated_uuid_records_nothing(server: ApiServer) -> None:
    events_before, receipts_before = totals()
    answer = server.post(ENV_CONN, delivery(*FIRST), secret=NEW_SECRET)
    assert answer.json() == {"recorded": 0, "duplicates": 10, "ignored": 0}
    mixed = server.post(
        ENV_CONN, delivery(FIRST[0], ("media.ready", "second-0"), ("media.ready", "second-0")), NEW_SECRET
    )
    assert mixed.json() == {"recorded": 1, "duplicates": 2, "ignored": 0}
    assert totals() == (events_before + 1, receipts_before + 1)


def test_concurrent_copies_of_a_delivery_record_each_event_once(server: ApiServer) -> None:
    from concurrent.futures import ThreadPoolExecutor

    body = delivery(*[("media.ready", f"race-{n}") for n in range(10)])
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: server.post(ENV_CONN, body, secret=NEW_SECRET), range(6)))
    assert {a.status_code for a in answers} <= {200, 503}  # 503: SQLite busy; Wistia would retry
    retry = server.post(ENV_CONN, body, secret=NEW_SECRET)  # as Wistia retries until a 200
    recorded = sum(a.json()["recorded"] for a in [*answers, retry] if a.status_code == 200)
    assert recorded == 10
    race = [e["uuid"] for e in asset_events(READY) if e["uuid"].startswith("race-")]
    assert sorted(race) == sorted(f"race-{n}" for n in range(10))


def test_losing_a_race_for_an_event_falls_back_to_one_by_one(
    server: ApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process records ``lost-1`` between our look-up and our insert (the race window is
    simulated: the look-up is made to miss it); the primary key refuses our insert, and the
    delivery is redone event by event."""
    from datetime import datetime, timezone

    import sqlalchemy as sa
    from airflow.utils.session import create_session

    from airflow_provider_wistia.webhooks import recorder
    from airflow_provider_wistia.webhooks.events import parse_delivery

    with create_session() as session:
        receipt = {"conn_id": ENV_CONN, "event_uuid": "lost-1", "event_type": "media.ready"}
        session.execute(
            sa.insert(recorder.RECEIPTS).values(**receipt, received_at=datetime.now(timezone.utc))
        )
    real_lookup, calls = recorder._recorded_uuids, []

    def stale_first_lookup(session: Any, conn_id: str, uuids: set[str]) -> set[str]:
        calls.append(uuids)
        return set() if len(calls) == 1 else real_lookup(session, conn_id, uuids)

    monkeypatch.setattr(recorder, "_recorded_uuids", stale_first_lookup)
    events = parse_delivery(delivery(("media.ready", "lost-1"), ("media.ready", "won-1")))
    outcome = recorder.record_events(ENV_CONN, events)
    assert outcome.as_dict() == {"recorded": 1, "duplicates": 1, "ignored": 0}
    assert len(calls) == 3  # the batch, then each event alone
    assert [e["uuid"] for e in asset_events(READY) if e["uuid"] in ("lost-1", "won-1")] == ["won-1"]


def test_types_no_dag_schedules_on_are_acknowledged_and_ignored(server: ApiServer) -> None:
    before = totals()
    body = delivery(
        ("viewing_session.play", "vs-1"), ("media.created", "created-1"), ("media.future_kind", "f-1")
    )
    answer = server.post(ENV_CONN, body, secret=NEW_SECRET)
    assert answer.status_code == 200
    assert answer.json() == {"recorded": 0, "duplicates": 0, "ignored": 3}
    assert totals() == before


def test_a_delivery_of_thousands_of_events_is_answered(server: ApiServer) -> None:
    events = [("viewing_session.play", f"bulk-{n}") for n in range(2500)] + [("media.ready", "bulk-ready")]
    body = delivery(*events)
    assert len(body) < 1024 * 1024
    answer = server.post(ENV_CONN, body, secret=NEW_SECRET)
    assert answer.json() == {"recorded": 1, "duplicates": 0, "ignored": 2500}
    assert server.post(ENV_CONN, body, secret=NEW_SECRET).json() == {
        "recorded": 0,
        "duplicates": 1,
        "ignored": 2500,
    }


def _raw_exchange(port: int, head: bytes, body_parts: list[bytes]) -> bytes:
    """Send a request as raw bytes (stopping as soon as the server may answer); its status line."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head)
        for part in body_parts:
            sock.sendall(part)
        return sock.recv(65536).split(b"\r\n", 1)[0]


def test_refused_deliveries_say_nothing_and_record_nothing(server: ApiServer) -> None:
    before = totals()
    body = delivery(("media.ready", "refused-1"))
    unauthorized = {"detail": "Unauthorized"}
    for answer in (
        server.post(ENV_CONN, body),  # unsigned
        server.post(ENV_CONN, body, secret="not-the-secret"),
        server.post(ENV_CONN, body, **{"X-Wistia-Signature": "0" * 64}),
        server.post(ENV_CONN, body + b" ", secret=None, **{"X-Wistia-Signature": _sig(body, NEW_SECRET)}),
        server.post(FILE_CONN, body, secret=NEW_SECRET),  # another connection's secret
    ):
        assert (answer.status_code, answer.json()) == (401, unauthorized)
    for conn_id in ("no_such_connection", "not_wistia", "wistia_no_secret"):
        assert server.post(conn_id, body, secret=NEW_SECRET).status_code == 404
    for bad in (b"not json", b"[]", b'{"hook": {"uuid": "h"}, "events": {}}', delivery(("media.ready", ""))):
        answer = server.post(ENV_CONN, bad, secret=NEW_SECRET)
        assert answer.status_code == 400, (bad, answer.text)
    path = f"POST /wistia/webhooks/{ENV_CONN} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode()
    declared = path + b"Content-Type: application/json\r\nContent-Length: 2097152\r\n\r\n"
    assert _raw_exchange(server.port, declared, []).split(b" ")[1] == b"413"
    chunk = b" " * 65536
    chunked = path + b"Transfer-Encoding: chunked\r\nX-Wistia-Signature: 00\r\n\r\n"
    parts = [b"%x\r\n%s\r\n" % (len(chunk), chunk)] * 17  # 1 MiB + 64 KiB, no terminating chunk
    assert _raw_exchange(server.port, chunked, parts).split(b" ")[1] == b"413"
    assert totals() == before


def _sig(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_connections_from_a_secrets_backend_and_the_metadata_db(server: ApiServer) -> None:
    for conn_id, secret in ((FILE_CONN, FILE_SECRET), (DB_CONN, DB_SECRET)):
        answer = server.post(conn_id, delivery(("media.ready", f"{conn_id}-1")), secret=secret)
        assert answer.json() == {"recorded": 1, "duplicates": 0, "ignored": 0}, conn_id
        assert [e["uuid"] for e in asset_events(f"wistia://{conn_id}/media.ready")] == [f"{conn_id}-1"]
    assert {f"wistia://{FILE_CONN}/media.ready", f"wistia://{DB_CONN}/media.ready"} <= queued_uris()


def test_the_emulator_s_deliveries_verify(server: ApiServer) -> None:
    from airflow_provider_wistia.emulator.webhooks import signature
    from airflow_provider_wistia.webhooks.signature import verify

    assert verify(b'{"a": 1}', signature(b'{"a": 1}', NEW_SECRET), [OLD_SECRET, NEW_SECRET])
    with WistiaEmulator() as emu:
        emu.register_webhook(f"{server.url}/wistia/webhooks/{ENV_CONN}", NEW_SECRET)
        media = emu.create_media(f"{MARKER}.mp4", status="queued")
        emu.set_media_status(media["hashed_id"], "processing")
        emu.set_media_status(media["hashed_id"], "ready")
        assert emu.webhooks.wait_idle(timeout=60)
        attempts = emu.webhooks.deliveries()
    assert [(a["event_type"], a["status"]) for a in attempts] == [
        ("media.created", 200),
        ("media.processing", 200),
        ("media.ready", 200),
    ]
    (event,) = [e for e in asset_events(READY) if e["uuid"] == attempts[2]["event_uuid"]]
    assert event["payload"]["media"]["id"] == media["hashed_id"]
    assert event["payload"]["media"]["status"] == "ready"


def test_duplicates_are_still_refused_after_a_restart(server: ApiServer) -> None:
    before = totals()
    server.stop()
    server.start()
    answer = server.post(ENV_CONN, delivery(*FIRST), secret=NEW_SECRET)
    assert answer.json() == {"recorded": 0, "duplicates": 10, "ignored": 0}
    assert totals() == before


def test_no_payload_or_secret_reaches_the_server_log(server: ApiServer) -> None:
    log = server.log_path.read_text()
    assert "Wistia webhook on 'wistia_webhook_env': 10 recorded" in log  # the log is captured
    for secret in (NEW_SECRET, OLD_SECRET, FILE_SECRET, DB_SECRET, MARKER, "abc123defg"):
        assert secret not in log
