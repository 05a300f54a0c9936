"""The webhook pieces that need no API server: assets, signatures, secrets, delivery shape, plugin."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_wistia.exceptions import WistiaConfigError
from airflow_provider_wistia.hooks.settings import (
    DEFAULT_WEBHOOK_MAX_AGE,
    webhook_max_age_from_extra,
    webhook_secrets_from_extra,
)
from airflow_provider_wistia.webhooks import WEBHOOK_EVENT_TYPES, wistia_webhook_asset
from airflow_provider_wistia.webhooks.events import MalformedDelivery, asset_event_extra, parse_delivery
from airflow_provider_wistia.webhooks.receipts import is_fresh
from airflow_provider_wistia.webhooks.signature import sign, verify


def test_the_asset_of_an_event_type() -> None:
    asset = wistia_webhook_asset("media.ready")
    assert asset.uri == asset.name == "wistia://wistia_default/media.ready"
    assert (
        wistia_webhook_asset("media.failed", wistia_conn_id="wistia_eu").uri
        == "wistia://wistia_eu/media.failed"
    )
    assert {"media.transcript_updated", "media.localization_created", "viewing_session.play"} <= set(
        WEBHOOK_EVENT_TYPES
    )
    for event_type in WEBHOOK_EVENT_TYPES:
        assert wistia_webhook_asset(event_type).uri.endswith("/" + event_type)


def test_a_typo_in_the_event_type_names_the_closest_ones() -> None:
    with pytest.raises(
        WistiaConfigError, match=r"'media\.redy' is not a Wistia webhook event.*'media\.ready'"
    ):
        wistia_webhook_asset("media.redy")
    with pytest.raises(WistiaConfigError, match="wistia_conn_id"):
        wistia_webhook_asset("media.ready", wistia_conn_id="has space")


def test_signatures_any_of_the_secrets_constant_time_shape() -> None:
    body = b'{"hook": {"uuid": "h"}, "events": []}'
    expected = hmac.new(b"new", body, hashlib.sha256).hexdigest()
    assert sign(body, "new") == expected
    assert verify(body, expected, ["old", "new"]) and verify(body, expected.upper(), ["new"])
    assert not verify(body, expected, ["old"])
    assert not verify(body + b" ", expected, ["new"])
    for bad in (None, "", "sha256=" + expected, "é" * 64, expected[:-1]):
        assert not verify(body, bad, ["new"])
    assert not verify(body, expected, [])


def test_webhook_secret_may_list_secrets_for_a_rotation() -> None:
    assert webhook_secrets_from_extra({"webhook_secret": "new, old"}) == ("new", "old")
    assert webhook_secrets_from_extra({"webhook_secret": ["a", " a ", "b"]}) == ("a", "b")
    assert webhook_secrets_from_extra({"webhook_secret": " , "}) == ()
    assert webhook_secrets_from_extra({}) == ()


def test_the_connection_form_treats_the_secret_as_a_password() -> None:
    from airflow_provider_wistia.provider_info import CONN_FIELDS, provider_info

    assert CONN_FIELDS["webhook_secret"]["schema"]["format"] == "password"
    (plugin,) = provider_info()["plugins"]
    assert plugin["plugin-class"] == "airflow_provider_wistia.webhooks.plugin.WistiaWebhooksPlugin"


def _body(**changes: object) -> bytes:
    event = {"uuid": "e1", "type": "media.ready", "generated_at": "2026-12-01T06:00:00Z", "payload": {}}
    return json.dumps({"hook": {"uuid": "h"}, "events": [{**event, **changes}]}).encode()


def test_deliveries_must_have_wistia_s_shape() -> None:
    (event,) = parse_delivery(_body(payload={"media": {"id": "abc"}}))
    assert event.generated == datetime(2026, 12, 1, 6, tzinfo=timezone.utc)
    assert event.extra() == {
        "dedupe_key": "e1",
        "uuid": "e1",
        "type": "media.ready",
        "generated_at": "2026-12-01T06:00:00Z",
        "payload": {"media": {"id": "abc"}},
    }
    bad_bodies = {
        b"\xff": "not JSON",
        b"[]": "not a JSON object",
        b'{"events": []}': "hook.uuid",
        b'{"hook": {"uuid": "h"}}': "events must be an array",
        _body(uuid=None): r"events\[0\]\.uuid",
        _body(uuid="x" * 251): r"events\[0\]\.uuid",
        _body(type="media ready"): r"events\[0\]\.type",
        _body(generated_at=1): "generated_at",
        _body(generated_at="yesterday"): r"events\[0\]\.generated_at must be an ISO-8601 time",
        _body(generated_at="0001-01-01T00:00:00+01:00"): "generated_at",
        _body(payload=[]): "payload",
    }
    for raw, message in bad_bodies.items():
        with pytest.raises(MalformedDelivery, match=message):
            parse_delivery(raw)


def test_one_asset_event_extra_lists_a_delivery_s_events_oldest_first() -> None:
    times = [
        "2026-12-01T06:00:02Z",
        "2026-12-01T07:00:00+01:00",
        "2026-12-01T06:00:01",
        "2026-12-01T06:00:02Z",
    ]
    raw = [{"uuid": f"e{n}", "type": "media.ready", "generated_at": t} for n, t in enumerate(times)]
    events = parse_delivery(json.dumps({"hook": {"uuid": "h"}, "events": raw}).encode())
    extra = asset_event_extra(events)
    assert [item["dedupe_key"] for item in extra["events"]] == ["e1", "e2", "e0", "e3"]  # ties: as sent
    assert list(extra) == ["events"] and extra["events"][1]["generated_at"] == "2026-12-01T06:00:01"


def test_the_example_dag_reads_the_receiver_s_extra() -> None:
    from types import SimpleNamespace

    import wistia_webhook_media_ready as example

    raw = [
        {"uuid": f"e{n}", "type": "media.ready", "generated_at": f"2026-12-01T06:00:0{n}Z", "payload": p}
        for n, p in enumerate(({"media": {"id": "m2"}}, {"media": {"id": "m1"}}, {"media": {"id": "m2"}}, {}))
    ]
    extra = asset_event_extra(parse_delivery(json.dumps({"hook": {"uuid": "h"}, "events": raw}).encode()))
    task = example.dag.get_task("ready_media_ids")
    asset_events = {"wistia://wistia_default/media.ready": [SimpleNamespace(extra=extra)]}
    assert task.python_callable(triggering_asset_events=asset_events, params={"media_ids": ["m0"]}) == [
        "m0",
        "m2",
        "m1",
    ]


def test_webhook_max_age_is_read_and_checked() -> None:
    assert webhook_max_age_from_extra({}, "c") == 604800 == DEFAULT_WEBHOOK_MAX_AGE
    assert webhook_max_age_from_extra({"webhook_max_age": "3600"}, "c") == 3600
    for bad in (0, "a week", "1.5", 10**12):
        with pytest.raises(WistiaConfigError, match=r"Connection 'c': extra webhook_max_age"):
            webhook_max_age_from_extra({"webhook_max_age": bad}, "c")


def test_freshness_is_the_window_and_five_minutes_ahead() -> None:
    now = datetime(2026, 12, 7, 12, tzinfo=timezone.utc)
    start = now - timedelta(seconds=3600)
    raw = [
        {"uuid": f"e{n}", "type": "media.ready", "generated_at": (now + offset).isoformat()}
        for n, offset in enumerate(
            (timedelta(seconds=-3600), timedelta(seconds=-3601), timedelta(minutes=5), timedelta(seconds=301))
        )
    ]
    events = parse_delivery(json.dumps({"hook": {"uuid": "h"}, "events": raw}).encode())
    assert [is_fresh(event, start, now) for event in events] == [True, False, True, False]


def test_the_plugin_is_found_through_its_entry_point() -> None:
    from airflow import plugins_manager

    from airflow_provider_wistia.webhooks.plugin import WistiaWebhooksPlugin

    if hasattr(plugins_manager, "get_fastapi_plugins"):  # Airflow 3.2+
        apps, _ = plugins_manager.get_fastapi_plugins()
    else:  # Airflow 3.1
        plugins_manager.initialize_fastapi_plugins()
        apps = plugins_manager.fastapi_apps
    (ours,) = [a for a in apps if a["url_prefix"] == "/wistia"]
    assert ours is WistiaWebhooksPlugin.fastapi_apps[0] and ours["name"] == "Wistia webhooks"


def _post_in_process(conn_id: str, body: bytes, secret: str) -> Any:
    """POST a signed ``body`` to the receiver app in this process (no API server)."""
    import httpx

    from airflow_provider_wistia.webhooks import app as webhook_app

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=webhook_app.create_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://receiver") as client:
            headers = {"X-Wistia-Signature": sign(body, secret)}
            return await client.post(f"/webhooks/{conn_id}", content=body, headers=headers)

    return asyncio.run(post())


def test_a_delivery_that_cannot_be_recorded_is_answered_503_without_the_payload(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A database failure (which the emulator cannot produce) is the one thing mocked here."""
    from sqlalchemy.exc import OperationalError

    from airflow_provider_wistia.webhooks import app as webhook_app

    secret = "unit-webhook-secret-5b2e"
    conn = {"conn_type": "wistia", "extra": {"webhook_secret": secret}}
    monkeypatch.setenv("AIRFLOW_CONN_WISTIA_UNIT", json.dumps(conn))

    def database_down(conn_id: str, events: object, max_age: int) -> None:
        raise OperationalError(
            "INSERT INTO asset_event (extra) VALUES (?)", ["payload-marker-7"], Exception()
        )

    monkeypatch.setattr(webhook_app, "record_events", database_down)
    caplog.set_level("INFO")
    body = _body(payload={"media": {"id": "payload-marker-7"}})

    answer = _post_in_process("wistia_unit", body, secret)
    assert (answer.status_code, answer.json()) == (503, {"detail": "Not recorded; retry later."})
    assert "recording failed (OperationalError)" in caplog.text
    assert "payload-marker-7" not in caplog.text and secret not in caplog.text


def test_a_bad_webhook_max_age_is_answered_503_naming_the_extra(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "unit-webhook-secret-8c1f"
    conn = {"conn_type": "wistia", "extra": {"webhook_secret": secret, "webhook_max_age": "a week"}}
    monkeypatch.setenv("AIRFLOW_CONN_WISTIA_UNIT_AGE", json.dumps(conn))
    caplog.set_level("INFO")
    body = _body()

    answer = _post_in_process("wistia_unit_age", body, secret)
    assert answer.status_code == 503
    assert "extra webhook_max_age must be an integer, got 'a week'" in caplog.text
    assert secret not in caplog.text


def test_the_receipts_table_of_0_2_0_gets_its_index_and_the_window_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    import sqlalchemy as sa

    from airflow_provider_wistia.webhooks import receipts

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as conn:  # the table as 0.2.0 created it, with one receipt
        conn.execute(
            sa.text(
                "CREATE TABLE wistia_webhook_event (conn_id VARCHAR(250), event_uuid VARCHAR(250), "
                "event_type VARCHAR(250) NOT NULL, received_at DATETIME NOT NULL, "
                "PRIMARY KEY (conn_id, event_uuid))"
            )
        )
        conn.execute(
            sa.text("INSERT INTO wistia_webhook_event VALUES ('c', 'u', 'media.ready', '2026-12-01')")
        )
    monkeypatch.setattr(receipts, "_tables_ready", threading.Event())
    receipts.ensure_tables(engine)
    inspector = sa.inspect(engine)
    assert [i["name"] for i in inspector.get_indexes("wistia_webhook_event")] == [
        "idx_wistia_webhook_event_received"
    ]
    assert inspector.has_table("wistia_webhook_window")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT event_uuid FROM wistia_webhook_event")).all() == [("u",)]


def test_the_prune_command_refuses_an_unknown_connection(
    airflow_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from airflow_provider_wistia.webhooks.__main__ import main

    assert main(["prune", "--conn-id", "no_such_wistia_connection"]) == 2
    assert "no_such_wistia_connection: no such connection; nothing pruned" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["prune"])  # --conn-id is required
