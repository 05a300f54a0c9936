"""Wistia webhooks against a real ``airflow api-server`` (the provider's plugin, loaded from its
entry point), sharing the session's throw-away SQLite metadata database with this process.

One server for the module (restarted once, to prove de-duplication survives a restart). The
DAG ``wistia_test_webhook_consumer`` is scheduled on the webhook assets of four connections:
one from an environment variable, one from a secrets backend (a local JSON file), two in the
metadata database. The server also loads a listener plugin that appends every asset-event
announcement to a file. Results are read from the metadata database (asset events, queued DAG
runs in ``asset_dag_run_queue``, the receipts that de-duplicate) and from that file.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from webhook_support import (
    LISTENER_ENV,
    LISTENER_PLUGIN,
    MARKER,
    ApiServer,
    FileListener,
    _sig,
    ago,
    announced,
    asset_events,
    delivery,
    event_uuids,
    queued_uris,
    receipts_of,
    sql,
    totals,
)

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.webhooks.__main__ import main as prune_command
from airflow_provider_wistia.webhooks.recorder import _manager_defers_listeners

NEW_SECRET = "whsec-new-4c1d9e7a2b"
OLD_SECRET = "whsec-old-8f3b6a0c5d"
FILE_SECRET = "whsec-file-2a7e9c4b1f"
DB_SECRET = "whsec-db-6d0f3b8e2c"
WINDOW_SECRET = "whsec-window-1e5c7a9d3b"
ENV_CONN, FILE_CONN, DB_CONN = "wistia_webhook_env", "wistia_webhook_file", "wistia_webhook_db"
WINDOW_CONN = "wistia_webhook_window"  # webhook_max_age=1: a replay window a test can outlive
DAG_ID = "wistia_test_webhook_consumer"
defers_listeners = pytest.mark.skipif(
    not _manager_defers_listeners(),
    reason="this Airflow's register_asset_change has no callback_sink: it calls listeners in the transaction",
)


def _set_db_connection(conn_id: str, extra: dict[str, Any]) -> None:
    from airflow.models.connection import Connection
    from airflow.utils.session import create_session

    with create_session() as session:
        session.query(Connection).filter(Connection.conn_id == conn_id).delete()
        session.add(Connection(conn_id=conn_id, conn_type="wistia", extra=json.dumps(extra)))


def _prepare_metadata_db() -> None:
    """The connections kept in the metadata DB, and the consumer DAG serialized and unpaused."""
    from airflow.models.dag import DagModel
    from airflow.utils.cli import get_bagged_dag
    from airflow.utils.session import create_session

    _set_db_connection(DB_CONN, {"webhook_secret": DB_SECRET})
    _set_db_connection(WINDOW_CONN, {"webhook_secret": WINDOW_SECRET, "webhook_max_age": 1})
    get_bagged_dag(None, DAG_ID)  # parses tests/dags and writes its DAGs and their assets
    with create_session() as session:
        session.query(DagModel).filter(DagModel.dag_id == DAG_ID).update({"is_paused": False})


@pytest.fixture(scope="module")
def listener_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("listener") / "announced.jsonl"


@pytest.fixture(scope="module")
def server(
    airflow_db: Path, tmp_path_factory: pytest.TempPathFactory, listener_log: Path
) -> Iterator[ApiServer]:
    _prepare_metadata_db()
    home = tmp_path_factory.mktemp("webhooks")
    secrets_file = home / "connections.json"
    secrets_file.write_text(
        json.dumps({FILE_CONN: {"conn_type": "wistia", "extra": {"webhook_secret": FILE_SECRET}}})
    )
    plugins = home / "plugins"
    plugins.mkdir()
    (plugins / "wistia_test_listener.py").write_text(LISTENER_PLUGIN)
    env = {
        **os.environ,
        f"AIRFLOW_CONN_{ENV_CONN.upper()}": json.dumps(
            {"conn_type": "wistia", "extra": {"webhook_secret": f"{NEW_SECRET}, {OLD_SECRET}"}}
        ),
        "AIRFLOW_CONN_NOT_WISTIA": json.dumps({"conn_type": "http", "extra": {"webhook_secret": NEW_SECRET}}),
        "AIRFLOW_CONN_WISTIA_NO_SECRET": json.dumps({"conn_type": "wistia", "password": "api-token"}),
        "AIRFLOW__SECRETS__BACKEND": "airflow.secrets.local_filesystem.LocalFilesystemBackend",
        "AIRFLOW__SECRETS__BACKEND_KWARGS": json.dumps({"connections_file_path": str(secrets_file)}),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(plugins),
        LISTENER_ENV: str(listener_log),
    }
    api = ApiServer(env, home / "api-server.log")
    try:
        api.start()  # inside the try: a server that never mounts the receiver is stopped too
        yield api
    finally:
        api.stop()


READY = f"wistia://{ENV_CONN}/media.ready"
FAILED = f"wistia://{ENV_CONN}/media.failed"
# Ten events, sent newest first: the asset event lists them oldest first.
FIRST = [("media.ready", f"first-{n}", ago(100 - n)) for n in reversed(range(9))] + [
    ("media.failed", "first-9", ago(50))
]
ZERO = {"recorded": 0, "duplicates": 0, "ignored": 0, "stale": 0}


def test_a_burst_is_one_asset_event_per_asset_listing_its_events_oldest_first(server: ApiServer) -> None:
    before = len(asset_events(READY))
    answer = server.post(ENV_CONN, delivery(*FIRST), secret=OLD_SECRET)  # the old secret, mid-rotation
    assert answer.status_code == 200, answer.text
    assert answer.json() == {**ZERO, "recorded": 10}
    (ready,) = asset_events(READY)[before:]
    assert [e["uuid"] for e in ready["events"]] == [f"first-{n}" for n in range(9)]
    assert ready["events"][0] == {
        "dedupe_key": "first-0",
        "uuid": "first-0",
        "type": "media.ready",
        "generated_at": FIRST[8][2],
        "payload": {"media": {"id": "abc123defg", "name": MARKER}},
    }
    assert event_uuids(FAILED) == [["first-9"]]
    assert {READY, FAILED} <= queued_uris(DAG_ID)


def test_a_repeated_uuid_records_nothing(server: ApiServer) -> None:
    events_before, receipts_before = totals()
    answer = server.post(ENV_CONN, delivery(*FIRST), secret=NEW_SECRET)
    assert answer.json() == {**ZERO, "duplicates": 10}
    mixed = server.post(
        ENV_CONN, delivery(FIRST[0], ("media.ready", "second-0"), ("media.ready", "second-0")), NEW_SECRET
    )
    assert mixed.json() == {**ZERO, "recorded": 1, "duplicates": 2}
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
    race = [uuids for uuids in event_uuids(READY) if uuids[0].startswith("race-")]
    assert race == [[f"race-{n}" for n in range(10)]]


def test_losing_a_race_for_an_event_redoes_the_delivery_and_announces_once(
    server: ApiServer, listener_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process records ``lost-1`` between our look-up and our insert (the race window is
    simulated: the look-up is made to miss it); the primary key refuses our receipt, the
    transaction is rolled back and the delivery redone. Recorded here, in the test process,
    with the same file listener as the server's."""
    from datetime import datetime, timezone

    import sqlalchemy as sa
    from airflow.listeners.listener import get_listener_manager
    from airflow.utils.session import create_session

    from airflow_provider_wistia.webhooks import recorder
    from airflow_provider_wistia.webhooks.events import parse_delivery
    from airflow_provider_wistia.webhooks.receipts import RECEIPTS

    with create_session() as session:
        receipt = {"conn_id": ENV_CONN, "event_uuid": "lost-1", "event_type": "media.ready"}
        session.execute(sa.insert(RECEIPTS).values(**receipt, received_at=datetime.now(timezone.utc)))
    real_lookup, calls = recorder.recorded_uuids, []

    def stale_first_lookup(session: Any, conn_id: str, uuids: set[str]) -> set[str]:
        calls.append(uuids)
        return set() if len(calls) == 1 else real_lookup(session, conn_id, uuids)

    monkeypatch.setattr(recorder, "recorded_uuids", stale_first_lookup)
    events = parse_delivery(delivery(("media.ready", "won-1"), ("media.ready", "lost-1")))
    listener = FileListener(listener_log)
    get_listener_manager().add_listener(listener)
    try:
        outcome = recorder.record_events(ENV_CONN, events, max_age=3600)
    finally:
        get_listener_manager().pm.unregister(listener)
    assert outcome.as_dict() == {**ZERO, "recorded": 1, "duplicates": 1}
    assert len(calls) == 2  # the delivery, then the delivery again
    assert [u for u in event_uuids(READY) if "won-1" in u or "lost-1" in u] == [["won-1"]]
    if _manager_defers_listeners():
        assert [a for a in announced(listener_log) if "won-1" in a["uuids"]] == [
            {"uri": READY, "uuids": ["won-1"]}
        ]


def test_types_no_dag_schedules_on_are_acknowledged_ignored_and_receipted(server: ApiServer) -> None:
    events_before, receipts_before = totals()
    body = delivery(
        ("viewing_session.play", "vs-1"), ("media.created", "created-1"), ("media.future_kind", "f-1")
    )
    answer = server.post(ENV_CONN, body, secret=NEW_SECRET)
    assert (answer.status_code, answer.json()) == (200, {**ZERO, "ignored": 3})
    assert totals() == (events_before, receipts_before + 3)
    assert server.post(ENV_CONN, body, secret=NEW_SECRET).json() == {**ZERO, "duplicates": 3}


def test_an_ignored_event_stays_a_duplicate_once_a_dag_uses_its_asset(server: ApiServer) -> None:
    """The asset's ``asset_active`` row is what a DAG referencing it writes: removed, the asset
    is unused (events ignored); put back, a DAG uses it again."""
    uri = f"wistia://{DB_CONN}/media.ready"
    body = delivery(("media.ready", "late-1"))
    sql("DELETE FROM asset_active WHERE uri = :uri", uri=uri)
    try:
        assert server.post(DB_CONN, body, secret=DB_SECRET).json() == {**ZERO, "ignored": 1}
    finally:
        sql("INSERT INTO asset_active (name, uri) VALUES (:uri, :uri)", uri=uri)
    assert server.post(DB_CONN, body, secret=DB_SECRET).json() == {**ZERO, "duplicates": 1}
    fresh = server.post(DB_CONN, delivery(("media.ready", "late-2")), secret=DB_SECRET)
    assert fresh.json() == {**ZERO, "recorded": 1}  # the asset is in use again
    assert [u for u in event_uuids(uri) if u[0].startswith("late-")] == [["late-2"]]


def test_stale_and_future_events_are_refused_and_counted(server: ApiServer) -> None:
    before = totals()
    week = 7 * 24 * 3600
    mixed = delivery(
        ("media.ready", "old-1", ago(week + 60)),
        ("media.ready", "ahead-1", ago(-330)),  # 30 s of margin for a slow post
        ("media.ready", "edge-1", ago(week - 60)),
        ("media.ready", "soon-1", ago(-240)),
    )
    answer = server.post(ENV_CONN, mixed, secret=NEW_SECRET)
    assert (answer.status_code, answer.json()) == (200, {**ZERO, "recorded": 2, "stale": 2})
    assert event_uuids(READY)[-1] == ["edge-1", "soon-1"]
    assert set(receipts_of(ENV_CONN)) & {"old-1", "ahead-1"} == set()
    only_stale = server.post(
        ENV_CONN,
        delivery(("media.ready", "old-2", ago(week + 1)), ("media.failed", "ahead-2", ago(-600))),
        NEW_SECRET,
    )
    assert only_stale.status_code == 400
    assert only_stale.json()["stale"] == 2 and "webhook_max_age=604800" in only_stale.json()["detail"]
    assert totals() == (before[0] + 1, before[1] + 2)


def test_a_replay_after_pruning_is_refused_even_with_a_longer_window(
    server: ApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """``WINDOW_CONN`` keeps events 1 s. An event is recorded; its receipt is back-dated an hour
    (as if received then); the prune command deletes it and leaves a young one alone; the
    replay is refused (400), also after ``webhook_max_age`` is raised to an hour."""
    uri = f"wistia://{WINDOW_CONN}/media.ready"
    generated = time.monotonic() + 2  # two seconds ahead: fresh however slow the first post is
    body = delivery(("media.ready", "kept-1", ago(-2)))
    assert server.post(WINDOW_CONN, body, secret=WINDOW_SECRET).json() == {**ZERO, "recorded": 1}
    young = server.post(WINDOW_CONN, delivery(("media.ready", "young-1", ago(-60))), secret=WINDOW_SECRET)
    assert young.json() == {**ZERO, "recorded": 1}
    back_date = "UPDATE wistia_webhook_event SET received_at = :t WHERE conn_id = :c AND event_uuid = :u"
    sql(back_date, t=_db_time(3600), c=WINDOW_CONN, u="kept-1")
    time.sleep(max(0.0, generated + 1.5 - time.monotonic()))  # kept-1 is now older than the window
    assert prune_command(["prune", "--conn-id", WINDOW_CONN]) == 0  # as `python -m ...webhooks prune`
    assert f"{WINDOW_CONN}: pruned 1 receipts" in capsys.readouterr().out
    assert set(receipts_of(WINDOW_CONN)) == {"young-1"}
    for max_age in (1, 3600):
        _set_db_connection(WINDOW_CONN, {"webhook_secret": WINDOW_SECRET, "webhook_max_age": max_age})
        replay = server.post(WINDOW_CONN, body, secret=WINDOW_SECRET)
        assert (replay.status_code, replay.json()["stale"]) == (400, 1), max_age
    assert event_uuids(uri) == [["kept-1"], ["young-1"]]


def _db_time(seconds_ago: float) -> Any:
    from datetime import datetime, timedelta, timezone

    return datetime.now(timezone.utc) - timedelta(seconds=seconds_ago)


def test_the_receiver_prunes_a_bounded_batch_per_delivery(server: ApiServer) -> None:
    """2,500 receipts received 8 days ago, 10 received 6 days ago, 10 received 7 days + 4 minutes
    ago (past the window, not past its 5-minute margin): each delivery prunes at most 1,000."""
    from airflow_provider_wistia.webhooks.receipts import PRUNE_BATCH, RECEIPTS

    day = 24 * 3600
    rows = [(f"expired-{n}", 8 * day) for n in range(2500)]
    rows += [(f"young-{n}", 6 * day) for n in range(10)] + [(f"margin-{n}", 7 * day + 240) for n in range(10)]
    from airflow.utils.session import create_session

    with create_session() as session:
        session.execute(
            RECEIPTS.insert(),
            [
                {
                    "conn_id": FILE_CONN,
                    "event_uuid": u,
                    "event_type": "media.ready",
                    "received_at": _db_time(age),
                }
                for u, age in rows
            ],
        )
    left, timings = [], []
    for n in range(4):
        started = time.monotonic()
        answer = server.post(FILE_CONN, delivery(("media.ready", f"prune-{n}")), secret=FILE_SECRET)
        timings.append(time.monotonic() - started)
        assert answer.json() == {**ZERO, "recorded": 1}
        left.append(sum(u.startswith("expired-") for u in receipts_of(FILE_CONN)))
    assert PRUNE_BATCH == 1000 and left == [1500, 500, 0, 0]
    kept = set(receipts_of(FILE_CONN))
    assert {f"young-{n}" for n in range(10)} | {f"margin-{n}" for n in range(10)} <= kept
    print(f"deliveries that pruned 1000/1000/500/0 receipts answered in {[round(t, 3) for t in timings]} s")


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
    bad_bodies = (
        b"not json",
        b"[]",
        b'{"hook": {"uuid": "h"}, "events": {}}',
        delivery(("media.ready", "")),
        delivery(("media.ready", "no-time", "last tuesday")),
    )
    for bad in bad_bodies:
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


def test_connections_from_a_secrets_backend_and_the_metadata_db(server: ApiServer) -> None:
    for conn_id, secret in ((FILE_CONN, FILE_SECRET), (DB_CONN, DB_SECRET)):
        answer = server.post(conn_id, delivery(("media.ready", f"{conn_id}-1")), secret=secret)
        assert answer.json() == {**ZERO, "recorded": 1}, conn_id
        assert event_uuids(f"wistia://{conn_id}/media.ready")[-1] == [f"{conn_id}-1"]
    assert {f"wistia://{FILE_CONN}/media.ready", f"wistia://{DB_CONN}/media.ready"} <= queued_uris(DAG_ID)


@defers_listeners
def test_a_rolled_back_or_503_delivery_announces_nothing(server: ApiServer, listener_log: Path) -> None:
    """A SQLite trigger refuses the ``media.failed`` asset event after the ``media.ready`` one was
    written: first with a constraint error (IntegrityError: the delivery is redone, twice, then
    answered 503), then with an OperationalError (503 at once). The listener hears nothing; once
    the trigger is gone, Wistia's retry of the same bytes is recorded and announced once."""
    body = delivery(("media.ready", "won-A"), ("media.ready", "won-B"), ("media.failed", "poison-1"))
    heard_before = len(announced(listener_log))
    events_before = totals()
    for n, action in enumerate(("SELECT RAISE(ABORT, 'forced')", "SELECT no_such_function()")):
        sql(
            f"CREATE TRIGGER wistia_test_poison_{n} BEFORE INSERT ON asset_event "
            f"WHEN NEW.extra LIKE '%poison-1%' BEGIN {action}; END"
        )
        try:
            answer = server.post(ENV_CONN, body, secret=NEW_SECRET)
        finally:
            sql(f"DROP TRIGGER wistia_test_poison_{n}")
        assert (answer.status_code, answer.json()) == (503, {"detail": "Not recorded; retry later."})
    assert totals() == events_before
    assert announced(listener_log)[heard_before:] == []
    assert server.log_path.read_text().count("recorded concurrently; redoing") >= 2
    retry = server.post(ENV_CONN, body, secret=NEW_SECRET)
    assert retry.json() == {**ZERO, "recorded": 3}
    assert announced(listener_log)[heard_before:] == [
        {"uri": READY, "uuids": ["won-A", "won-B"]},
        {"uri": FAILED, "uuids": ["poison-1"]},
    ]


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
    (event,) = [e for e in asset_events(READY) if e["events"][0]["uuid"] == attempts[2]["event_uuid"]]
    assert event["events"][0]["payload"]["media"]["id"] == media["hashed_id"]
    assert event["events"][0]["payload"]["media"]["status"] == "ready"


def test_duplicates_are_still_refused_after_a_restart(server: ApiServer) -> None:
    before = totals()
    server.stop()
    server.start()
    answer = server.post(ENV_CONN, delivery(*FIRST), secret=NEW_SECRET)
    assert answer.json() == {**ZERO, "duplicates": 10}
    assert totals() == before


@defers_listeners
def test_listeners_heard_exactly_the_committed_asset_events(listener_log: Path) -> None:
    """Over the whole module (races, redo, 503s, restart): one announcement per asset event in
    the database, with the same uuids, and none for anything else."""
    uris = {
        f"wistia://{conn_id}/{event_type}"
        for conn_id in (ENV_CONN, FILE_CONN, DB_CONN, WINDOW_CONN)
        for event_type in ("media.ready", "media.failed")
    }
    committed = Counter((uri, tuple(uuids)) for uri in uris for uuids in event_uuids(uri))
    heard = Counter((a["uri"], tuple(a["uuids"])) for a in announced(listener_log))
    assert heard == committed and sum(heard.values()) >= 10


def test_no_payload_or_secret_reaches_the_server_log(server: ApiServer) -> None:
    log = server.log_path.read_text()
    assert "Wistia webhook on 'wistia_webhook_env': 10 recorded" in log  # the log is captured
    for secret in (NEW_SECRET, OLD_SECRET, FILE_SECRET, DB_SECRET, WINDOW_SECRET, MARKER, "abc123defg"):
        assert secret not in log
