"""The emulator's webhooks, received by a small local HTTP server: what is sent, signed, retried."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from airflow_provider_wistia.emulator import WistiaEmulator, WistiaEmulatorProcess
from airflow_provider_wistia.webhooks.signature import verify

SECRET = "emulator-webhook-secret"


class Receiver:
    """Records each POST; answers ``failures`` 503s first."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.failures = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    status = 503 if receiver.failures > 0 else 200
                    receiver.failures -= 1
                    receiver.received.append({"headers": dict(self.headers), "body": body, "status": status})
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def events(self) -> list[dict[str, Any]]:
        """The events of the deliveries answered 200, in arrival order."""
        with self.lock:
            return [e for r in self.received if r["status"] == 200 for e in json.loads(r["body"])["events"]]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rec = Receiver()
    yield rec
    rec.server.shutdown()
    rec.server.server_close()


@pytest.fixture
def emu(receiver: Receiver) -> Iterator[WistiaEmulator]:
    with WistiaEmulator() as emulator:
        emulator.webhooks.retry_backoff = 0.02
        yield emulator


def test_every_media_lifecycle_change_is_delivered_signed(emu: WistiaEmulator, receiver: Receiver) -> None:
    emu.register_webhook(receiver.url, SECRET)
    project = emu.create_project("Launch")
    form = urllib.parse.urlencode(
        {"url": "https://example.com/teaser.mp4", "project_id": project["hashedId"]}
    )
    upload = urllib.request.Request(
        emu.upload_url, data=form.encode(), headers={"Authorization": "Bearer test-token"}, method="POST"
    )
    with urllib.request.urlopen(upload, timeout=10) as response:  # the Upload API: a queued media
        hid = json.loads(response.read())["hashed_id"]
    emu.set_media_status(hid, "processing")
    emu.set_media_status(hid, "processing")  # no change, no event
    emu.set_media_status(hid, "failed")
    emu.script_media_lifecycle(hid, ["processing", "ready"])
    emu.store.show_media(hid)  # a read advances the scripted lifecycle: processing -> ready
    emu.store.update_media(hid, "Teaser v2", None, None)
    emu.store.delete_media(hid)
    assert emu.webhooks.wait_idle(timeout=30)
    events = receiver.events()
    assert [e["type"] for e in events] == [
        "media.created",
        "media.processing",
        "media.failed",
        "media.processing",
        "media.ready",
        "media.updated",
        "media.deleted",
    ]
    assert all(e["payload"]["media"]["id"] == hid for e in events)
    assert events[0]["payload"]["project"] == {"id": project["hashedId"], "name": "Launch"}
    assert events[5]["payload"]["previous_attributes"] == {"name": "teaser.mp4"}
    assert len({e["uuid"] for e in events}) == len(events)
    for request in receiver.received:
        headers = request["headers"]
        assert headers["User-Agent"].startswith("Wistia-Webhooks/")
        assert verify(request["body"], headers["X-Wistia-Signature"], [SECRET])


def test_a_failed_delivery_is_retried_with_the_same_event(emu: WistiaEmulator, receiver: Receiver) -> None:
    emu.register_webhook(receiver.url, SECRET, ["media.ready"])
    receiver.failures = 2
    media = emu.create_media("clip.mp4", status="processing")  # media.created: not subscribed
    emu.set_media_status(media["hashed_id"], "ready")
    assert emu.webhooks.wait_idle(timeout=30)
    attempts = emu.webhooks.deliveries()
    assert [(a["event_type"], a["attempt"], a["status"]) for a in attempts] == [
        ("media.ready", 1, 503),
        ("media.ready", 2, 503),
        ("media.ready", 3, 200),
    ]
    assert len({a["event_uuid"] for a in attempts}) == 1
    bodies = {r["body"] for r in receiver.received}
    assert len(bodies) == 1  # the same signed body each time
    assert emu.webhooks.describe()[0]["delivered"] == 1


def test_a_receiver_that_never_answers_2xx_is_given_up(emu: WistiaEmulator, receiver: Receiver) -> None:
    emu.webhooks.max_attempts = 3
    emu.register_webhook(receiver.url, SECRET, ["media.created"])
    receiver.failures = 10
    emu.create_media("a.mp4")
    assert emu.webhooks.wait_idle(timeout=30)
    assert [a["status"] for a in emu.webhooks.deliveries()] == [503, 503, 503]
    assert emu.webhooks.describe()[0]["failed"] == 1


def _admin(base_url: str, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{base_url}/__emulator__/{path}", data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_admin_api_registers_lists_and_refuses(emu: WistiaEmulator, receiver: Receiver) -> None:
    status, hook = _admin(emu.base_url, "POST", "webhooks", {"url": receiver.url, "secret": SECRET})
    assert status == 201 and hook["url"] == receiver.url and "secret" not in hook
    assert SECRET not in json.dumps(_admin(emu.base_url, "GET", "webhooks")[1])
    assert _admin(emu.base_url, "POST", "webhooks", {"url": "ftp://x", "secret": SECRET})[0] == 400
    assert _admin(emu.base_url, "POST", "webhooks", {"url": receiver.url, "secret": ""})[0] == 400
    bad_type = {"url": receiver.url, "secret": SECRET, "events": ["media.redy"]}
    assert _admin(emu.base_url, "POST", "webhooks", bad_type)[0] == 400
    emu.create_media("b.mp4")
    assert emu.webhooks.wait_idle(timeout=30)
    deliveries = _admin(emu.base_url, "GET", "webhooks/deliveries")[1]
    assert [(d["event_type"], d["status"]) for d in deliveries] == [("media.created", 200)]
    assert _admin(emu.base_url, "DELETE", "webhooks") == (200, {"ok": True})
    assert _admin(emu.base_url, "GET", "webhooks") == (200, [])


def test_command_line_options_register_the_webhook(receiver: Receiver) -> None:
    with WistiaEmulatorProcess("--webhook-url", receiver.url, "--webhook-secret", SECRET) as proc:
        media = proc.admin("POST", "medias", {"name": "cli.mp4", "status": "queued"})
        proc.admin("POST", f"medias/{media['hashed_id']}/status", {"status": "ready"})
        deliveries: list[dict[str, Any]] = []
        for _ in range(200):
            deliveries = proc.admin("GET", "webhooks/deliveries")
            if len(deliveries) >= 2:
                break
            threading.Event().wait(0.05)
    assert [(d["event_type"], d["status"]) for d in deliveries] == [
        ("media.created", 200),
        ("media.ready", 200),
    ]
    for request in receiver.received:
        assert verify(request["body"], request["headers"]["X-Wistia-Signature"], [SECRET])
