"""``wistia_emulator`` is empty at the start of every test: the first test below leaves one of
everything behind (data, faults, requests, settings, a webhook with a delivery in flight, a job,
a caption, analytics), the second (run right after it, on the same server) sees none of it.

The two tests share a module-level note on purpose: the second checks what the first left.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from airflow_provider_wistia.emulator import WistiaEmulator

LEFT_BEHIND: dict[str, Any] = {}
RECEIVER_DELAY = 1.0


class _SlowFailingReceiver(BaseHTTPRequestHandler):
    """A webhook receiver that takes its time and answers 500 (so the emulator would retry)."""

    hits = 0

    def do_POST(self) -> None:
        type(self).hits += 1
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(RECEIVER_DELAY)
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_first_leaves_one_of_everything(wistia_emulator: WistiaEmulator, wistia_connection: str) -> None:
    from airflow_provider_wistia.hooks.wistia import WistiaHook

    emu = wistia_emulator
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), _SlowFailingReceiver)
    threading.Thread(target=receiver.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    LEFT_BEHIND["receiver"] = receiver
    emu.register_webhook(f"http://127.0.0.1:{receiver.server_address[1]}/hook", "s3cret")

    project = emu.create_project(name="Left behind")  # data (and a media.created delivery in flight)
    media = emu.create_media(name="clip", project_id=project["hashedId"])
    hid = media["hashed_id"]
    emu.content.add_caption(hid, "eng", "WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n")  # a caption
    emu.jobs.start("archive", None)  # a background job
    visitor = emu.analytics.add_visitor(name="Ann")  # analytics
    emu.analytics.add_event(media_id=hid, visitor_key=visitor["visitor_key"])
    emu.add_fault("status", path="never-matches", times=5)  # faults, scripted and random
    emu.set_random_faults(0.5, seed=1, path="never-matches")
    emu.configure(rate_limit_per_minute=7, account_name="Changed", job_lifecycle=["queued", "failed"])
    emu.request_observers.append(lambda request: None)
    WistiaHook().get_account()  # a request in the log

    deadline = time.monotonic() + 5
    while _SlowFailingReceiver.hits == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _SlowFailingReceiver.hits >= 1  # a delivery is in flight as this test ends
    extras = emu.snapshot_v1_extras()
    assert extras["captions"] and extras["background_jobs"] and extras["event_count"] == 1
    assert emu.webhooks.describe() and emu.requests and emu.faults.describe()["scripted"]


def test_next_sees_none_of_it(wistia_emulator: WistiaEmulator, wistia_connection: str) -> None:
    emu = wistia_emulator
    receiver = LEFT_BEHIND.pop("receiver")
    try:
        hits_at_start = _SlowFailingReceiver.hits
        time.sleep(RECEIVER_DELAY + 0.5)  # the delivery in flight ends (500) and would be retried

        assert emu.list_projects() == [] and emu.store.medias == {}
        extras = emu.snapshot_v1_extras()
        assert extras["captions"] == {} and extras["background_jobs"] == []
        assert (extras["visitor_count"], extras["event_count"]) == (0, 0)
        faults = emu.faults.describe()
        assert faults["scripted"] == [] and faults["random"]["rate"] == 0.0 and faults["injected"] == {}
        assert emu.requests == [] and emu.request_observers == []
        settings = emu.config()
        assert (settings["rate_limit_per_minute"], settings["account_name"]) == (600, "Emulated Account")
        assert settings["job_lifecycle"] == ["queued", "started", "finished"]
        assert emu.webhooks.describe() == []
        assert emu.webhooks.deliveries() == []  # the earlier test's attempt is not logged here...
        assert _SlowFailingReceiver.hits == hits_at_start  # ...nor retried to its URL
    finally:
        receiver.shutdown()
        receiver.server_close()
