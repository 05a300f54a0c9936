"""Webinars (the modern track's successor of v1 live stream events) and their analytics.

Shapes follow the 2026-03 description: ``/webinars`` (create takes ``title``, ``scheduled_for``,
``event_duration`` >= 15; update wraps its fields in ``webinar``), ``/webinars/<id>/registrations``
and ``/analytics/webinars/<id>...``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from .common import ApiError, NotFoundError, Response, iso, numeric_id, paging
from .state import Store

MIN_DURATION = 15


def _duration(value: Any) -> int:
    text = str(value).strip()
    minutes = numeric_id(text[1:]) if text.startswith("-") else numeric_id(text)  # ASCII digits only
    if minutes is None:
        raise ApiError(422, {"errors": [f"event_duration must be an integer, got '{value}'."]})
    if text.startswith("-") or minutes < MIN_DURATION:
        raise ApiError(422, {"errors": [f"event_duration must be at least {MIN_DURATION} minutes."]})
    return minutes


def _instant(value: Any) -> str:
    """``value`` as a UTC date-time, ``YYYY-MM-DDThh:mm:ssZ`` (the year always four digits: ``%Y``
    writes year 313 as ``313``, no RFC 3339 date-time)."""
    try:
        when = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        utc = when.astimezone(dt.timezone.utc)  # OverflowError past year 1 or 9999 in UTC
    except (ValueError, OverflowError):
        raise ApiError(
            422, {"errors": [f"scheduled_for must be an ISO 8601 date-time, got '{value}'."]}
        ) from None
    return utc.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


class ModernWebinars:
    """Webinar state (reset with the account) and its routes."""

    def __init__(self, store: Store) -> None:
        self.store = store
        store.on_reset(self.reset)
        self.reset()

    def reset(self) -> None:
        self.webinars: dict[str, dict[str, Any]] = {}
        self.registrations: dict[str, list[dict[str, Any]]] = {}

    def routes(self) -> list[tuple[str, dict[str, Callable[..., Response]]]]:
        one = r"webinars/([^/]+)"
        stats = r"analytics/webinars/([^/]+)"
        return [
            (r"webinars", {"GET": self.index, "POST": self.create}),
            (one, {"GET": self.show, "PUT": self.update, "DELETE": self.delete}),
            (rf"{one}/registrations", {"POST": self.register}),
            (stats, {"GET": self.analytics}),
            (rf"{stats}/registration", {"GET": self.registration_series}),
            (rf"{stats}/traffic", {"GET": self.traffic}),
            (rf"{stats}/audience", {"GET": self.audience}),
            (rf"{stats}/histograms", {"GET": self.histograms}),
        ]

    def _webinar(self, webinar_id: str) -> dict[str, Any]:
        webinar = self.webinars.get(webinar_id)
        if webinar is None:
            raise NotFoundError(f"Webinar with ID '{webinar_id}' not found.")
        return webinar

    def index(self, call: Any) -> Response:
        wanted = set(call.params.get_list("hashed_ids"))
        with self.store.lock:
            items = [dict(w) for w in self.webinars.values() if not wanted or w["id"] in wanted]
        return Response(body=paging(call.params).slice(items))

    def create(self, call: Any) -> Response:
        p = call.params
        missing = [name for name in ("title", "scheduled_for", "event_duration") if not p.get_str(name)]
        if missing:
            raise ApiError(400, {"error": f"param is missing or the value is empty: {missing[0]}"})
        with self.store.lock:
            hid = self.store._new_hid()
            now = iso(time.time())
            webinar = {
                "id": hid,
                "title": p.get_str("title"),
                "scheduled_for": _instant(p.get_str("scheduled_for")),
                "event_duration": _duration(p.get_str("event_duration")),
                "lifecycle_status": "upcoming",
                "registration_status": "open",
                "created_at": now,
                "updated_at": now,
                "audience_link": f"https://home.wistia.com/live/events/{hid}",
                "host_link": f"https://home.wistia.com/live/events/{hid}/host",
                "panelist_link": f"https://home.wistia.com/live/events/{hid}/panelist",
            }
            self.webinars[hid] = webinar
            self.registrations[hid] = []
            return Response(201, dict(webinar))

    def show(self, call: Any, webinar_id: str) -> Response:
        with self.store.lock:
            return Response(body=dict(self._webinar(webinar_id)))

    def update(self, call: Any, webinar_id: str) -> Response:
        p = call.params
        with self.store.lock:
            webinar = self._webinar(webinar_id)
            changes: dict[str, Any] = {}
            if (title := p.get_str("webinar[title]", "title")) is not None:
                changes["title"] = title
            if (when := p.get_str("webinar[scheduled_for]", "scheduled_for")) is not None:
                changes["scheduled_for"] = _instant(when)
            if (minutes := p.get_str("webinar[event_duration]", "event_duration")) is not None:
                changes["event_duration"] = _duration(minutes)
            webinar.update(changes, updated_at=iso(time.time()))
            return Response(body=dict(webinar))

    def delete(self, call: Any, webinar_id: str) -> Response:
        with self.store.lock:
            webinar = self._webinar(webinar_id)
            del self.webinars[webinar_id]
            self.registrations.pop(webinar_id, None)
            return Response(body=webinar)

    def register(self, call: Any, webinar_id: str) -> Response:
        p = call.params
        missing = [name for name in ("email", "first_name", "last_name") if not p.get_str(name)]
        if missing:
            raise ApiError(400, {"error": f"param is missing or the value is empty: {missing[0]}"})
        with self.store.lock:
            self._webinar(webinar_id)
            key = f"v{self.store._new_hid()}"
            self.registrations[webinar_id].append(
                {
                    "email": p.get_str("email"),
                    "first_name": p.get_str("first_name"),
                    "last_name": p.get_str("last_name"),
                    "visitor_key": key,
                    "registered_at": iso(time.time()),
                }
            )
        url = f"https://home.wistia.com/live/events/{webinar_id}?visitor_key={key}"
        return Response(201, {"visitor_key": key, "personalized_event_url": url})

    # -- analytics -------------------------------------------------------------------------
    def _registered(self, webinar_id: str) -> list[dict[str, Any]]:
        with self.store.lock:
            self._webinar(webinar_id)
            return [dict(r) for r in self.registrations.get(webinar_id, [])]

    def analytics(self, call: Any, webinar_id: str) -> Response:
        count = len(self._registered(webinar_id))
        body = {"registrations": count, "attendance": 0, "impressions": count, "engagement_rate": 0.0}
        return Response(body=body)

    def registration_series(self, call: Any, webinar_id: str) -> Response:
        if call.params.get_str("granularity") not in ("daily", "weekly", "monthly"):
            raise ApiError(400, {"error": "granularity must be one of daily, weekly, monthly."})
        days: dict[str, int] = {}
        for reg in self._registered(webinar_id):
            day = reg["registered_at"][:10]
            days[day] = days.get(day, 0) + 1
        rows = [{"timestamp": f"{day}T00:00:00Z", "registrations": n} for day, n in sorted(days.items())]
        return Response(body=rows)

    def traffic(self, call: Any, webinar_id: str) -> Response:
        group_by = call.params.get_str("group_by")
        if group_by not in ("utm_campaign", "utm_source", "utm_medium", "referrer_domain"):
            raise ApiError(
                400,
                {"error": "group_by must be one of utm_campaign, utm_source, utm_medium, referrer_domain."},
            )
        count = len(self._registered(webinar_id))
        rows = [{group_by: "(direct)", "registrations": count, "attendees": 0, "impressions": count}]
        return Response(body=rows if count else [])

    def audience(self, call: Any, webinar_id: str) -> Response:
        members = [
            {key: reg[key] for key in ("first_name", "last_name", "email", "registered_at")}
            for reg in self._registered(webinar_id)
        ]
        page_info = {
            "has_next_page": False,
            "has_previous_page": False,
            "end_cursor": None,
            "start_cursor": None,
        }
        return Response(body={"data": members, "page_info": page_info})

    def histograms(self, call: Any, webinar_id: str) -> Response:
        self._registered(webinar_id)
        return Response(
            body={"attendees_histogram": [], "chat_histogram": [], "visual_focus_played_histogram": []}
        )
