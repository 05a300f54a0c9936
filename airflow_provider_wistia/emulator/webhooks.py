"""Webhooks sent by the emulator, as Wistia sends them (standard library only).

A registered webhook (``url``, ``secret``, event types) receives one POST per media
lifecycle event: ``{"hook": {"uuid"}, "events": [{"uuid", "type", "generated_at",
"payload": {"media", "project"}, "metadata": {"account_id"}}]}`` with ``User-Agent:
Wistia-Webhooks/<version>`` and ``X-Wistia-Signature``, the hex HMAC-SHA256 of the raw body
keyed with the secret. Delivery happens on a background thread, never under the store
lock; a non-2xx answer or a connection error is retried with exponential back-off (the same
body, so the same event ``uuid``: receivers must deduplicate, as with Wistia).

The store calls :meth:`WebhookSender.on_media_event` at each transition: upload or copy
(``media.created``), a status change (``media.processing``/``ready``/``failed``), an
update (``media.updated`` with ``previous_attributes``) and a deletion (``media.deleted``).
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import itertools
import json
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .common import ApiError, BadRequestError, Response

if TYPE_CHECKING:
    from .models import MediaRec
    from .state import Store

MEDIA_EVENT_TYPES = (
    "media.created",
    "media.processing",
    "media.ready",
    "media.failed",
    "media.updated",
    "media.deleted",
)
USER_AGENT = "Wistia-Webhooks/0.0.47"
ACCOUNT_ID = "emu1acct00"
DELIVERY_LOG_SIZE = 10_000
_URL = re.compile(r"^https?://[^\s/]+(/\S*)?$")


def signature(body: bytes, secret: str) -> str:
    """``X-Wistia-Signature`` of ``body``: hex HMAC-SHA256 keyed with the webhook's secret."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


@dataclass
class Webhook:
    id: int
    url: str
    secret: str = field(repr=False)
    events: tuple[str, ...]
    delivered: int = 0
    failed: int = 0

    def to_json(self) -> dict[str, Any]:  # never the secret
        return {
            "id": self.id,
            "url": self.url,
            "events": list(self.events),
            "delivered": self.delivered,
            "failed": self.failed,
        }


@dataclass
class _Delivery:
    webhook: Webhook
    event_uuid: str
    event_type: str
    body: bytes
    attempt: int = 0


class WebhookSender:
    """Registered webhooks and the thread that delivers (and retries) their events."""

    def __init__(
        self, store: Store, max_attempts: int = 5, retry_backoff: float = 0.5, timeout: float = 10.0
    ) -> None:
        self.store = store
        self.max_attempts = max_attempts
        self.retry_backoff = retry_backoff
        self.timeout = timeout
        self._hooks: dict[int, Webhook] = {}
        self._ids = itertools.count(1)
        self._queue: list[tuple[float, int, _Delivery]] = []
        self._order = itertools.count()
        self._cond = threading.Condition()
        self._log: deque[dict[str, Any]] = deque(maxlen=DELIVERY_LOG_SIZE)
        self._in_flight = 0
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._generation = 0  # bumped by reset: a delivery begun before it is forgotten

    # -- registration ----------------------------------------------------------------------
    def register(self, url: str, secret: str, events: list[str] | None = None) -> dict[str, Any]:
        """Send the ``events`` (default: every media event) to ``url``, signed with ``secret``."""
        if not isinstance(url, str) or not _URL.match(url):
            raise BadRequestError({"error": f"webhook url must be an http(s) URL, got {url!r}"})
        if not isinstance(secret, str) or not secret:
            raise BadRequestError({"error": "webhook secret must be a non-empty string"})
        wanted = tuple(events) if events else MEDIA_EVENT_TYPES
        unknown = [e for e in wanted if e not in MEDIA_EVENT_TYPES]
        if unknown:
            raise BadRequestError(
                {"error": f"unknown event types {unknown}; the emulator sends {list(MEDIA_EVENT_TYPES)}"}
            )
        with self._cond:
            hook = Webhook(next(self._ids), url, secret, wanted)
            self._hooks[hook.id] = hook
        return hook.to_json()

    def clear(self) -> None:
        """Remove every webhook and drop pending deliveries."""
        with self._cond:
            self._hooks.clear()
            self._queue.clear()

    def describe(self) -> list[dict[str, Any]]:
        with self._cond:
            return [hook.to_json() for hook in self._hooks.values()]

    def deliveries(self) -> list[dict[str, Any]]:
        """Every delivery attempt so far: webhook id, event uuid and type, attempt, status."""
        with self._cond:
            return list(self._log)

    def reset(self) -> None:
        """Forget every webhook, pending delivery and logged attempt; a delivery in flight
        now is neither logged nor retried."""
        with self._cond:
            self._hooks.clear()
            self._queue.clear()
            self._log.clear()
            self._generation += 1

    def reset_log(self) -> None:
        with self._cond:
            self._queue.clear()
            self._log.clear()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is queued or being sent (scheduled retries count as queued)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._queue or self._in_flight:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.05))
        return True

    # -- events (called by the store, under its lock) ---------------------------------------
    def on_media_event(self, event_type: str, media: MediaRec, before: dict[str, Any] | None = None) -> None:
        """Queue ``event_type`` about ``media`` for every webhook that wants it (``before``: the
        media's JSON before an update, for ``previous_attributes``)."""
        if event_type not in MEDIA_EVENT_TYPES:
            return
        with self._cond:
            targets = [h for h in self._hooks.values() if event_type in h.events]
        if not targets:
            return
        payload = self._payload(media, before)
        generated_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        for hook in targets:
            event_uuid = uuid.uuid4().hex
            body = json.dumps(
                {
                    "hook": {"uuid": str(uuid.uuid4())},
                    "events": [
                        {
                            "uuid": event_uuid,
                            "type": event_type,
                            "payload": payload,
                            "metadata": {"account_id": ACCOUNT_ID},
                            "generated_at": generated_at,
                        }
                    ],
                }
            ).encode("utf-8")
            self._schedule(_Delivery(hook, event_uuid, event_type, body), delay=0.0)

    def _payload(self, media: MediaRec, before: dict[str, Any] | None) -> dict[str, Any]:
        slug = re.sub(r"[^a-z0-9]+", "-", self.store.account_name.lower()).strip("-") or "account"
        described: dict[str, Any] = {
            "id": media.hashed_id,
            "name": media.name,
            "url": f"https://{slug}.wistia.com/medias/{media.hashed_id}",
            "duration": media.duration,
            "status": media.status,
            "thumbnail": {"url": media.thumbnail()["url"]},
        }
        payload: dict[str, Any] = {"media": described}
        project = self.store.projects.get(media.project_hid)
        if project is not None:
            payload["project"] = {"id": project.hashed_id, "name": project.name}
        if before is not None:
            previous = {
                "name": before["name"],
                "description": before["description"],
                "thumbnail": {"url": before["thumbnail"]["url"]},
            }
            now = {**described, "description": media.description}
            payload["previous_attributes"] = {k: v for k, v in previous.items() if now[k] != v}
        return payload

    # -- delivery thread -------------------------------------------------------------------
    def _schedule(self, delivery: _Delivery, delay: float) -> None:
        with self._cond:
            if self._stopping:
                return
            heapq.heappush(self._queue, (time.monotonic() + delay, next(self._order), delivery))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="emulator-webhooks", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def _next_due(self) -> _Delivery | None:
        with self._cond:
            while not self._stopping:
                if self._queue:
                    due = self._queue[0][0] - time.monotonic()
                    if due <= 0:
                        self._in_flight += 1
                        return heapq.heappop(self._queue)[2]
                    self._cond.wait(due)
                else:
                    self._cond.wait()
            return None

    def _run(self) -> None:
        while (delivery := self._next_due()) is not None:
            try:
                self._attempt(delivery)
            finally:
                with self._cond:
                    self._in_flight -= 1
                    self._cond.notify_all()

    def _attempt(self, delivery: _Delivery) -> None:
        generation = self._generation
        delivery.attempt += 1
        hook = delivery.webhook
        request = urllib.request.Request(
            hook.url,
            data=delivery.body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                "X-Wistia-Signature": signature(delivery.body, hook.secret),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status: int | None = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except (OSError, ValueError):
            status = None  # connection refused, reset, timed out
        ok = status is not None and 200 <= status < 300
        with self._cond:
            if generation != self._generation:
                return  # the emulator was reset meanwhile
            self._log.append(
                {
                    "webhook_id": hook.id,
                    "event_uuid": delivery.event_uuid,
                    "event_type": delivery.event_type,
                    "attempt": delivery.attempt,
                    "status": status,
                }
            )
            if ok:
                hook.delivered += 1
            elif delivery.attempt >= self.max_attempts or hook.id not in self._hooks:
                hook.failed += 1
                return
        if not ok:
            self._schedule(delivery, delay=self.retry_backoff * 2 ** (delivery.attempt - 1))

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._queue.clear()
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=self.timeout + 1)
        with self._cond:
            self._thread, self._stopping = None, False


def handle_admin(sender: WebhookSender, method: str, route: str, data: dict[str, Any]) -> Response:
    """``/__emulator__/webhooks``: POST registers, GET lists, DELETE removes all;
    ``GET /__emulator__/webhooks/deliveries`` lists the delivery attempts."""
    if route == "/__emulator__/webhooks/deliveries" and method == "GET":
        return Response(body=sender.deliveries())
    if route != "/__emulator__/webhooks":
        raise ApiError(404, {"error": f"Unknown admin call {method} {route}"})
    if method == "POST":
        return Response(201, sender.register(data.get("url", ""), data.get("secret", ""), data.get("events")))
    if method == "GET":
        return Response(body=sender.describe())
    if method == "DELETE":
        sender.clear()
        return Response(body={"ok": True})
    raise ApiError(405, {"error": f"Unknown admin call {method} {route}"})
