"""Stats API beyond the totals: daily stats (``by_date``), engagement graphs, visitors and events.

Daily numbers are derived deterministically from the media's hashed id and the date (zero
before the media existed and after today), so an export can be checked against them.
Visitors and viewing events are records: seeded for the demo account or added with
:meth:`AnalyticsApi.add_event`. Like Wistia, events older than two years are not served.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .common import ApiError, NotFoundError, Response, paging
from .models import MediaRec
from .state import Store

EVENT_RETENTION_DAYS = 730
MAX_BY_DATE_DAYS = 3653  # ten years of daily rows
VISITOR_FILTERS = ("has_name", "has_email", "identified_by_email_gate")


def utc_today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def stamp(ts: float) -> str:
    """Stats API timestamps: ``2012-12-12T01:51:36Z``."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def _key(*parts: object) -> str:
    return hashlib.sha1(":".join(str(p) for p in parts).encode()).hexdigest()[:24]


def _date_param(call: Any, name: str, default: dt.date | None) -> dt.date | None:
    value = call.params.get_str(name)
    if not value:
        return default
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ApiError(
            422, {"error": f"{name} must be a date formatted YYYY-MM-DD, got '{value}'."}
        ) from None


@contextmanager
def empty_not_found() -> Iterator[None]:
    """The Stats API answers an unknown project or media with an EMPTY 404 (reference §5 standard
    errors: "Some 404s are empty (captions, stats, background job)"; the v1 spec gives those 404s no
    content), where the Data API answers ``{"error": ...}``."""
    try:
        yield
    except NotFoundError:
        raise NotFoundError(None) from None


def _name_parts(visitor: dict[str, Any]) -> dict[str, str]:
    """``first_name``/``last_name`` of a converted visitor, only those that are known."""
    first, _, last = (visitor["visitor_identity"]["name"] or "").partition(" ")
    return {key: value for key, value in (("first_name", first), ("last_name", last)) if value}


class AnalyticsApi:
    """State and routes of the detailed Stats API endpoints."""

    def __init__(self, store: Store) -> None:
        self.store = store
        store.on_reset(self.reset)

    def reset(self) -> None:
        self.visitors: dict[str, dict[str, Any]] = {}
        self.events: dict[str, dict[str, Any]] = {}

    def routes(self) -> list[tuple[str, dict[str, Callable[..., Response]]]]:
        return [
            (r"stats/account/by_date", {"GET": self.account_by_date}),
            (r"stats/projects/([^/]+)/by_date", {"GET": self.project_by_date}),
            (r"stats/medias/([^/]+)/by_date", {"GET": self.media_by_date}),
            (r"stats/medias/([^/]+)/engagement", {"GET": self.engagement}),
            (r"stats/visitors", {"GET": self.visitors_list}),
            (r"stats/visitors/([^/]+)", {"GET": self.visitor_show}),
            (r"stats/events", {"GET": self.events_list}),
            (r"stats/events/([^/]+)", {"GET": self.event_show}),
        ]

    # -- daily stats ---------------------------------------------------------------------------
    @staticmethod
    def daily(media: MediaRec, day: dt.date) -> dict[str, Any]:
        """One media's loads, plays and hours for one day (zeros outside its lifetime)."""
        created = dt.datetime.fromtimestamp(media.created, dt.timezone.utc).date()
        if day < created or day > utc_today() or media.type != "Video":
            return {"load_count": 0, "play_count": 0, "hours_watched": 0.0}
        stats = media.stats()
        rng = random.Random(f"daily:{media.hashed_id}:{day.isoformat()}")
        loads = rng.randint(0, max(1, stats["page_loads"] // 20))
        plays = rng.randint(0, loads)
        duration = media.fixed_duration or media.natural_duration()
        hours = plays * duration * stats["average_percent_watched"] / 100 / 3600
        return {"load_count": loads, "play_count": plays, "hours_watched": round(hours, 3)}

    def _by_date(self, call: Any, medias: list[MediaRec]) -> Response:
        today = utc_today()
        start = _date_param(call, "start_date", today - dt.timedelta(days=1))
        end = _date_param(call, "end_date", today)
        assert start is not None and end is not None
        if start > end:
            raise ApiError(422, {"error": "start_date must be on or before end_date."})
        if (end - start).days >= MAX_BY_DATE_DAYS:  # one row a day: a bound keeps an answer small and quick
            raise ApiError(
                422, {"error": f"end_date must be less than {MAX_BY_DATE_DAYS} days after start_date."}
            )
        rows = []
        day = start
        while day <= end:
            totals = {"load_count": 0, "play_count": 0, "hours_watched": 0.0}
            for media in medias:
                for key, value in self.daily(media, day).items():
                    totals[key] += value
            rows.append(
                {"date": day.isoformat(), **totals, "hours_watched": round(totals["hours_watched"], 3)}
            )
            day += dt.timedelta(days=1)
        return Response(body=rows, xml_root="stats")

    def account_by_date(self, call: Any) -> Response:
        with self.store.lock:
            return self._by_date(call, list(self.store.medias.values()))

    def project_by_date(self, call: Any, ident: str) -> Response:
        with self.store.lock, empty_not_found():
            project = self.store.project(ident)
            return self._by_date(call, [self.store.medias[h] for h in project.medias])

    def media_by_date(self, call: Any, ident: str) -> Response:
        with self.store.lock, empty_not_found():
            return self._by_date(call, [self.store.video_stats(ident, numeric=True)])

    def engagement(self, call: Any, ident: str) -> Response:
        with self.store.lock, empty_not_found():
            media = self.store.video_stats(ident, numeric=True)
            stats = media.stats()
            duration = media.fixed_duration or media.natural_duration()
        cells = max(1, min(1000, math.ceil(duration)))  # one per second, at most 1000
        plays, watched = stats["plays"], stats["engagement"]
        curve = [round(plays * (1 - (1 - watched) * i / max(1, cells - 1))) for i in range(cells)]
        rng = random.Random(f"rewatch:{media.hashed_id}")
        rewatch = [rng.randint(0, max(0, value // 10)) for value in curve]
        body = {"engagement": watched, "engagement_data": curve, "rewatch_data": rewatch}
        return Response(body=body, xml_root="engagement")

    # -- visitors and events (Python API too) --------------------------------------------------
    def add_visitor(
        self,
        *,
        name: str | None = None,
        email: str | None = None,
        email_gate: bool = False,
        browser: str = "Chrome",
        platform: str = "mac",
        mobile: bool = False,
        created: float | None = None,
    ) -> dict[str, Any]:
        """Create a visitor; returns its JSON (``visitor_key`` identifies it)."""
        with self.store.lock:
            now = time.time() if created is None else created
            key = f"v{_key('visitor', len(self.visitors), now, name, email)}"
            self.visitors[key] = {
                "visitor_key": key,
                "created_at": stamp(now),
                "last_active_at": stamp(now),
                "last_event_key": None,
                "load_count": 0,
                "play_count": 0,
                "identifying_event_key": None,
                "visitor_identity": {
                    "name": name or "",
                    "email": email,
                    "org": {"name": None, "title": None},
                },
                "user_agent_details": {
                    "browser": browser,
                    "browser_version": "120",
                    "platform": platform,
                    "mobile": mobile,
                },
                "_email_gate": email_gate,
            }
            return self._public(self.visitors[key])

    def add_event(
        self,
        media_id: str,
        visitor_key: str | None = None,
        *,
        received_at: float | None = None,
        percent_viewed: float = 0.5,
        country: str = "US",
        city: str = "Boston",
        embed_url: str = "https://example.com/watch",
    ) -> dict[str, Any]:
        """Record a viewing event of ``media_id`` (a new visitor unless ``visitor_key`` is given)."""
        with self.store.lock:
            media = self.store.media(media_id)
            if visitor_key is None:
                visitor_key = self.add_visitor()["visitor_key"]
            visitor = self.visitors.get(visitor_key)
            if visitor is None:
                raise NotFoundError(f"Visitor '{visitor_key}' not found.")
            when = time.time() if received_at is None else received_at
            key = _key("event", media_id, visitor_key, when, len(self.events))
            thumb = media.thumbnail(200, 120)
            email = visitor["visitor_identity"]["email"]
            event = {
                "received_at": stamp(when),
                "event_key": key,
                "visitor_key": visitor_key,
                "embed_url": embed_url,
                "percent_viewed": round(max(0.0, min(1.0, percent_viewed)), 3),
                "ip": f"203.0.113.{len(self.events) % 250 + 1}",
                "org": "Example Org",
                "country": country,
                "region": "Massachusetts" if country == "US" else "",
                "city": city,
                "lat": 42.36,
                "lon": -71.06,
                "email": email,
                "media_id": media.hashed_id,
                "media_url": f"https://home.wistia.com/medias/{media.hashed_id}",
                "media_name": media.name,
                "iframe_heatmap_url": f"https://home.wistia.com/stats/heatmap/{key}",
                "thumbnail": {
                    **thumb,
                    "fileSize": 18_000,
                    "contentType": "image/jpeg",
                    "type": "StillImageFile",
                },
                "user_agent_details": dict(visitor["user_agent_details"]),
                "_ts": when,
            }
            if email:  # a conversion (an email gate); the v1 spec allows no null conversion fields
                event["conversion_type"] = "pre-roll-email"
                event["conversion_data"] = {"email": email, **_name_parts(visitor), "is_new_lead": False}
            self.events[key] = event
            visitor["load_count"] += 1
            visitor["play_count"] += 1 if percent_viewed > 0 else 0
            if visitor["last_event_key"] is None or when >= self._ts(visitor["last_active_at"]):
                visitor["last_active_at"], visitor["last_event_key"] = stamp(when), key
            visitor["identifying_event_key"] = visitor["identifying_event_key"] or (key if email else None)
            return self._public(event)

    @staticmethod
    def _ts(text: str) -> float:
        return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc).timestamp()

    @staticmethod
    def _public(record: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in record.items() if not k.startswith("_")}

    def visitors_list(self, call: Any) -> Response:
        p = call.params
        wanted = p.get_str("filter")
        if wanted and wanted not in VISITOR_FILTERS:
            raise ApiError(422, {"error": f"filter must be one of {', '.join(VISITOR_FILTERS)}."})
        search = (p.get_str("search") or "").lower()
        with self.store.lock:
            items = []
            for visitor in self.visitors.values():
                identity = visitor["visitor_identity"]
                if wanted == "has_name" and not identity["name"]:
                    continue
                if wanted == "has_email" and not identity["email"]:
                    continue
                if wanted == "identified_by_email_gate" and not visitor["_email_gate"]:
                    continue
                if search and search not in f"{identity['name']} {identity['email'] or ''}".lower():
                    continue
                items.append(self._public(visitor))
        items.sort(key=lambda v: (v["last_active_at"], v["visitor_key"]), reverse=True)
        return Response(body=paging(p).slice(items), xml_root="visitors")

    def visitor_show(self, call: Any, key: str) -> Response:
        with self.store.lock:
            visitor = self.visitors.get(key)
            if visitor is None:
                raise NotFoundError(None)
            return Response(
                body={k: v for k, v in self._public(visitor).items() if k != "identifying_event_key"},
                xml_root="visitor",
            )

    def events_list(self, call: Any) -> Response:
        p = call.params
        start = _date_param(call, "start_date", None)
        end = _date_param(call, "end_date", None)
        if start and end and start > end:
            raise ApiError(422, {"error": "start_date must be on or before end_date."})
        oldest = utc_today() - dt.timedelta(days=EVENT_RETENTION_DAYS)
        media, visitor = p.get_str("media_id"), p.get_str("visitor_key")
        with self.store.lock:
            items = []
            for event in self.events.values():
                day = dt.datetime.fromtimestamp(event["_ts"], dt.timezone.utc).date()
                if day < oldest or (start and day < start) or (end and day > end):
                    continue
                if (media and event["media_id"] != media) or (visitor and event["visitor_key"] != visitor):
                    continue
                items.append(event)
            items.sort(key=lambda e: (e["_ts"], e["event_key"]), reverse=True)
            body = [self._public(e) for e in paging(p).slice(items)]
        return Response(body=body, xml_root="events")

    def event_show(self, call: Any, key: str) -> Response:
        with self.store.lock:
            event = self.events.get(key)
            oldest = time.time() - EVENT_RETENTION_DAYS * 86_400
            if event is None or event["_ts"] < oldest:
                raise NotFoundError(None)
            return Response(body=self._public(event), xml_root="event")
