"""Wistia's webhook event types, the asset each one maps to, and the shape of a delivery.

Import-light on purpose: DAG files call :func:`wistia_webhook_asset` at parse time.
Wistia POSTs ``{"hook": {"uuid"}, "events": [{"uuid", "type", "generated_at", "payload",
"metadata": {"account_id"}}]}``; :func:`parse_delivery` checks exactly that shape. A delivery
becomes one asset event per asset, its ``extra`` ``{"events": [...]}`` (:func:`asset_event_extra`).
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from airflow_provider_wistia.exceptions import WistiaConfigError

if TYPE_CHECKING:
    from airflow.sdk import Asset

# Wistia's documented webhook events (docs.wistia.com/docs/webhooks): the media lifecycle,
# transcript/translation/localization orders, viewing sessions and live-event registration.
WEBHOOK_EVENT_TYPES: tuple[str, ...] = (
    "media.created",
    "media.processing",
    "media.ready",
    "media.failed",
    "media.updated",
    "media.deleted",
    "media.transcript_updated",
    "media.transcript_failed",
    "media.translation_created",
    "media.localization_created",
    "media.localization_failed",
    "viewing_session.play",
    "viewing_session.percent_watched",
    "viewing_session.turnstile.converted",
    "viewing_session.call_to_action.converted",
    "viewing_session.annotation.converted",
    "live_event.registration",
)
ASSET_SCHEME = "wistia"
DEFAULT_CONN_ID = "wistia_default"
# Airflow connection ids are letters, digits, '_', '-', '.': all of them legal in a URI authority.
_CONN_ID = re.compile(r"^[A-Za-z0-9_.-]{1,250}$")
# Anything Wistia might add later must still be a safe URI path segment and asset name.
_EVENT_TYPE = re.compile(r"^[a-z0-9_]+(?:\.[a-z0-9_]+)+$")
_MAX_UUID_CHARS = 250


def webhook_asset_uri(event_type: str, conn_id: str) -> str:
    """``wistia://{conn_id}/{event_type}``: the asset a received event is recorded on."""
    return f"{ASSET_SCHEME}://{conn_id}/{event_type}"


def wistia_webhook_asset(event_type: str, wistia_conn_id: str = DEFAULT_CONN_ID) -> Asset:
    """The ``Asset`` that webhook events of ``event_type`` received on ``wistia_conn_id`` update.

    ``schedule=[wistia_webhook_asset("media.ready")]`` runs a DAG once per ``media.ready``
    event Wistia pushes to ``POST /wistia/webhooks/wistia_default``. A type Wistia does not
    send (a typo) is refused here, at parse time, with the closest valid names.
    """
    from airflow.sdk import Asset

    if event_type not in WEBHOOK_EVENT_TYPES:
        close = difflib.get_close_matches(str(event_type), WEBHOOK_EVENT_TYPES, n=3, cutoff=0.5)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise WistiaConfigError(
            f"event_type {event_type!r} is not a Wistia webhook event type.{hint} "
            f"Valid types: {', '.join(WEBHOOK_EVENT_TYPES)}."
        )
    if not isinstance(wistia_conn_id, str) or not _CONN_ID.match(wistia_conn_id):
        raise WistiaConfigError(
            f"wistia_conn_id {wistia_conn_id!r} is not a usable connection id "
            "(letters, digits, '_', '-' and '.' only)."
        )
    uri = webhook_asset_uri(event_type, wistia_conn_id)
    return Asset(name=uri, uri=uri)


@dataclass(frozen=True)
class WebhookEvent:
    """One event of a delivery; ``generated`` is ``generated_at`` parsed (UTC)."""

    uuid: str
    type: str
    generated_at: str
    payload: dict[str, Any]
    generated: datetime

    def extra(self) -> dict[str, Any]:
        """The event as one item of an asset event's ``extra["events"]``.

        ``dedupe_key`` is the event's uuid: Wistia sends each event with one uuid however often
        it delivers it, as the polling trigger's ``medias`` items carry theirs.
        """
        return {
            "dedupe_key": self.uuid,
            "uuid": self.uuid,
            "type": self.type,
            "generated_at": self.generated_at,
            "payload": self.payload,
        }


def asset_event_extra(events: list[WebhookEvent]) -> dict[str, Any]:
    """The ``extra`` of the one asset event a delivery makes on an asset: its events, oldest first."""
    ordered = sorted(events, key=lambda event: event.generated)  # stable: delivery order on ties
    return {"events": [event.extra() for event in ordered]}


class MalformedDelivery(ValueError):
    """The body is not JSON or not Wistia's delivery shape (answered 400, saying which part)."""


def _event(index: int, raw: Any) -> WebhookEvent:
    where = f"events[{index}]"
    if not isinstance(raw, dict):
        raise MalformedDelivery(f"{where} is not an object")
    uuid, event_type = raw.get("uuid"), raw.get("type")
    if not isinstance(uuid, str) or not uuid.strip() or len(uuid) > _MAX_UUID_CHARS:
        raise MalformedDelivery(f"{where}.uuid must be a non-empty string of at most {_MAX_UUID_CHARS}")
    if not isinstance(event_type, str) or not _EVENT_TYPE.match(event_type):
        raise MalformedDelivery(f"{where}.type must be a dotted event name such as 'media.ready'")
    generated_at = raw.get("generated_at")
    generated = _parse_time(generated_at)
    if not isinstance(generated_at, str) or generated is None:
        raise MalformedDelivery(f"{where}.generated_at must be an ISO-8601 time")
    payload = raw.get("payload", {})
    if not isinstance(payload, dict):
        raise MalformedDelivery(f"{where}.payload must be an object")
    return WebhookEvent(
        uuid=uuid, type=event_type, generated_at=generated_at, payload=payload, generated=generated
    )


def _parse_time(value: Any) -> datetime | None:
    """An ISO-8601 time as an aware UTC datetime (no offset: UTC); None if it is not one."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed.astimezone(timezone.utc)
    except (ValueError, OverflowError):  # not a time, or out of datetime's range once in UTC
        return None


def parse_delivery(body: bytes) -> list[WebhookEvent]:
    """The events of a (signature-checked) delivery body; :class:`MalformedDelivery` if it is not one."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise MalformedDelivery("the body is not JSON") from None
    if not isinstance(data, dict):
        raise MalformedDelivery("the body is not a JSON object")
    hook = data.get("hook")
    if not isinstance(hook, dict) or not isinstance(hook.get("uuid"), str):
        raise MalformedDelivery("hook.uuid is missing")
    events = data.get("events")
    if not isinstance(events, list):
        raise MalformedDelivery("events must be an array")
    return [_event(index, raw) for index, raw in enumerate(events)]
