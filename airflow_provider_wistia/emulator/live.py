"""Live stream events (``/live_stream_events``) and their registrations, as Wistia's v1 OpenAPI
describes them (``LiveStreamEvent``, ``CreateLiveStreamEvent``, ``UpdateLiveStreamEvent``,
``CreateRegistration``, ``RegistrationResponse``).

Create takes the fields at the top level, update wraps them in ``live_stream_event``; both
answer the whole event. Validation errors are 422 ``{"errors": [...]}``; an unknown event is
an empty 404, as the spec's "Live stream event not found" response has no body (``{"error": ...}``
when registering, where the spec documents that shape).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from .common import ApiError, NotFoundError, Response, numeric_id, paging
from .models import account_slug
from .state import Store

MIN_DURATION_MINUTES = 15
MAX_DURATION_MINUTES = 2**31 - 1  # the spec sets no maximum; a 32-bit integer column holds this
_SORTS = ("scheduled_for", "id")
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", re.ASCII)


def _utc(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(text: str) -> dt.datetime | None:
    """A W3C (RFC 3339) date-time with a timezone (``Z`` or an offset), else None: the event
    answers it as given, so ``20240320T1530Z`` (which ``fromisoformat`` takes) is refused."""
    if _RFC3339.match(text.strip()) is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _end(start: dt.datetime, minutes: int) -> dt.datetime:
    """When an event that starts at ``start`` ends; the end of the calendar if past it (year 9999)."""
    try:
        return start + dt.timedelta(minutes=minutes)
    except OverflowError:
        return dt.datetime.max.replace(tzinfo=dt.timezone.utc)


def _invalid(*messages: str) -> ApiError:
    return ApiError(422, {"errors": list(messages)})


class LiveStreamApi:
    """State and routes of the live stream events of the account."""

    def __init__(self, store: Store) -> None:
        self.store = store
        store.on_reset(self.reset)

    def reset(self) -> None:
        self.events: dict[str, dict[str, Any]] = {}
        self.registrations: dict[str, list[dict[str, Any]]] = {}

    def routes(self) -> list[tuple[str, dict[str, Callable[..., Response]]]]:
        return [
            (r"live_stream_events", {"GET": self.events_list, "POST": self.event_create}),
            (
                r"live_stream_events/([^/]+)",
                {"GET": self.event_show, "PUT": self.event_update, "DELETE": self.event_delete},
            ),
            (r"live_stream_events/([^/]+)/registrations", {"POST": self.registration_create}),
        ]

    # -- the records ---------------------------------------------------------------------------
    def _event(self, hid: str, *, say_why: bool = False) -> dict[str, Any]:
        """The event; else a 404, empty for the event's own routes and ``{"error": ...}`` for its
        registrations, as the spec documents each."""
        event = self.events.get(hid)
        if event is None:
            raise NotFoundError(f"Live stream event with ID '{hid}' not found." if say_why else None)
        return event

    def event_json(self, event: dict[str, Any]) -> dict[str, Any]:
        """The ``LiveStreamEvent`` shape; ``lifecycle_status`` follows the clock."""
        start = _parse_time(event["scheduled_for"]) if event["scheduled_for"] else None
        now = dt.datetime.now(dt.timezone.utc)
        if start is None or now < start:
            lifecycle = "scheduled"
        elif now < _end(start, event["event_duration"] or 0):
            lifecycle = "live"
        else:
            lifecycle = "ended"
        hid, base = event["id"], f"https://{account_slug(self.store.account_name)}.wistia.com"
        return {
            "id": hid,
            "title": event["title"],
            "description": event["description"],
            "scheduled_for": event["scheduled_for"],
            "event_duration": event["event_duration"],
            "lifecycle_status": lifecycle,
            "registration_status": "published",
            "created_at": _utc(event["_created"]),
            "updated_at": _utc(event["_updated"]),
            "audience_link": f"{base}/live/events/{hid}",
            "host_link": f"{base}/live/events/{hid}/onair",
            "panelist_link": f"{base}/live/events/{hid}/onair/{event['_panelist']}",
        }

    @staticmethod
    def _checked(fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        """The fields of a create or an update, validated as Wistia does (422 with every problem)."""
        problems: list[str] = []
        out: dict[str, Any] = {}
        title = fields.get("title")
        if title is not None or creating:
            if not isinstance(title, str) or not title.strip():
                problems.append("Title is required")
            else:
                out["title"] = title
        if "description" in fields:
            out["description"] = None if fields["description"] is None else str(fields["description"])
        scheduled = fields.get("scheduled_for")
        if scheduled is not None or creating:
            if not isinstance(scheduled, str) or _parse_time(scheduled) is None:
                problems.append("Scheduled for must be a date-time with a timezone")
            else:
                out["scheduled_for"] = scheduled
        duration = fields.get("event_duration")
        if duration is not None or creating:
            number = duration if isinstance(duration, int) and not isinstance(duration, bool) else None
            if number is None and isinstance(duration, str):
                number = numeric_id(duration.strip())  # ASCII digits only: "²³" is no number
            if number is None or number < MIN_DURATION_MINUTES:
                problems.append(f"Event duration must be at least {MIN_DURATION_MINUTES} minutes")
            elif number > MAX_DURATION_MINUTES:
                problems.append(f"Event duration must be at most {MAX_DURATION_MINUTES} minutes")
            else:
                out["event_duration"] = number
        if problems:
            raise _invalid(*problems)
        return out

    def create_event(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Python API and ``POST /live_stream_events``: the new event's JSON."""
        values = self._checked(fields, creating=True)
        now = time.time()
        with self.store.lock:
            hid = self.store._new_hid()
            self.events[hid] = {
                "id": hid,
                "description": None,
                **values,
                "_created": now,
                "_updated": now,
                "_panelist": str(uuid.UUID(bytes=secrets.token_bytes(16))),
            }
            return self.event_json(self.events[hid])

    # -- routes --------------------------------------------------------------------------------
    def events_list(self, call: Any) -> Response:
        p = call.params
        wanted = set(p.get_list("hashed_ids"))
        started = p.get_str("started")
        with self.store.lock:
            items = [self.event_json(e) for e in self.events.values() if not wanted or e["id"] in wanted]
        if started in ("true", "false"):  # started: the scheduled time has come (live or ended)
            items = [
                item for item in items if (started == "true") == (item["lifecycle_status"] != "scheduled")
            ]
        sort_by = p.get_str("sort_by") or "id"
        sort_by = sort_by if sort_by in _SORTS else "id"
        descending = (p.get_str("sort_direction") or "1").strip() == "-1"
        items.sort(key=lambda item: (item[sort_by] is None, item[sort_by] or ""), reverse=descending)
        return Response(body=paging(p).slice(items), xml_root="live_stream_events")

    def event_show(self, call: Any, hid: str) -> Response:
        with self.store.lock:
            return Response(body=self.event_json(self._event(hid)), xml_root="live_stream_event")

    def event_create(self, call: Any) -> Response:
        body = call.json_body if isinstance(call.json_body, dict) else call.params.last_values()
        event = self.create_event(body)
        location = f"{call.base}/v1/live_stream_events/{event['id']}.json"
        return Response(201, event, {"Location": location}, xml_root="live_stream_event")

    def event_update(self, call: Any, hid: str) -> Response:
        if isinstance(call.json_body, dict):
            wrapped = call.json_body.get("live_stream_event")
            fields = wrapped if isinstance(wrapped, dict) else {}
        else:  # a form body: live_stream_event[title]=...
            prefix = "live_stream_event["
            fields = {
                key[len(prefix) : -1]: value
                for key, value in call.params.last_values().items()
                if key.startswith(prefix) and key.endswith("]")
            }
        with self.store.lock:
            event = self._event(hid)
            event.update(self._checked(fields, creating=False))
            event["_updated"] = time.time()
            return Response(body=self.event_json(event), xml_root="live_stream_event")

    def event_delete(self, call: Any, hid: str) -> Response:
        with self.store.lock:
            event = self._event(hid)
            body = self.event_json(event)
            del self.events[hid]
            self.registrations.pop(hid, None)
        return Response(body=body, xml_root="live_stream_event")

    def registration_create(self, call: Any, hid: str) -> Response:
        p = call.params
        email, first, last = p.get_str("email"), p.get_str("first_name"), p.get_str("last_name")
        problems = {
            name: [f"{name} can't be blank"]
            for name, value in (("email", email), ("first_name", first), ("last_name", last))
            if not value or not value.strip()
        }
        if email and "@" not in email:
            problems["email"] = ["email is invalid"]
        with self.store.lock:
            self._event(hid, say_why=True)
            if problems:
                raise ApiError(422, {"errors": problems})
            visitor_key = f"iv_{secrets.token_hex(8)}"
            self.registrations.setdefault(hid, []).append(
                {"visitor_key": visitor_key, "email": email, "first_name": first, "last_name": last}
            )
        url = f"https://wistia.com/webinars/registration?vk={visitor_key}&uid={quote(str(email), safe='@')}"
        return Response(
            201, {"visitor_key": visitor_key, "personalized_event_url": url}, xml_root="registration"
        )
