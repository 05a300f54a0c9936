"""The modern Analytics API of the emulator: per-media summaries, time series and breakdowns.

The numbers come from the same deterministic daily stats as ``/v1/stats/medias/<id>/by_date``
(:meth:`.analytics.AnalyticsApi.daily`), so a media's plays agree on both tracks. Shapes follow
the 2026-03 description (``/analytics/medias/{mediaId}...``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from .analytics import AnalyticsApi, _date_param
from .common import ApiError, Response
from .state import Store

GRANULARITIES = ("daily", "weekly", "monthly")
TRAFFIC_GROUPS = ("utm_campaign", "utm_source", "utm_medium", "referrer_domain", "viewer_screen_size")


def _window(call: Any) -> tuple[dt.date, dt.date]:
    start, end = _date_param(call, "start_date", None), _date_param(call, "end_date", None)
    for name, value in (("start_date", start), ("end_date", end)):
        if value is None:
            raise ApiError(400, {"error": f"param is missing or the value is empty: {name}"})
    assert start is not None and end is not None
    if start > end:
        raise ApiError(422, {"error": "start_date must be on or before end_date."})
    return start, end


def _bucket(day: dt.date, granularity: str) -> dt.date:
    if granularity == "weekly":
        return day - dt.timedelta(days=day.weekday())
    if granularity == "monthly":
        return day.replace(day=1)
    return day


def metrics(loads: int, plays: int, hours: float, visitors: int) -> dict[str, Any]:
    """The ``media_metrics`` object of the description from plain counts."""
    return {
        "unique_loads": loads,
        "unique_plays": plays,
        "plays": plays,
        "play_rate": round(plays / loads, 4) if loads else 0.0,
        "played_time": int(hours * 3600),
        "unique_visitors": visitors,
        "engagement_rate": 0.5 if plays else 0.0,
        "cta_impressions": 0,
        "cta_conversions": 0,
        "cta_conversion_rate": 0.0,
        "form_conversions": 0,
    }


class ModernAnalytics:
    """Routes of ``/analytics/medias/<id>`` and its breakdowns."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def routes(self) -> list[tuple[str, dict[str, Callable[..., Response]]]]:
        media = r"analytics/medias/([^/]+)"
        return [
            (media, {"GET": self.summary}),
            (rf"{media}/timeseries", {"GET": self.timeseries}),
            (rf"{media}/traffic", {"GET": self.traffic}),
            (rf"{media}/conversions", {"GET": self.conversions}),
            (rf"{media}/embed_locations", {"GET": self.embed_locations}),
            (rf"{media}/languages", {"GET": self.languages}),
        ]

    def _days(self, call: Any, media_id: str) -> list[tuple[dt.date, dict[str, Any]]]:
        start, end = _window(call)
        with self.store.lock:
            media = self.store.media(media_id)
            days, day = [], start
            while day <= end:
                days.append((day, AnalyticsApi.daily(media, day)))
                day += dt.timedelta(days=1)
        return days

    @staticmethod
    def _total(days: list[tuple[dt.date, dict[str, Any]]]) -> dict[str, Any]:
        loads = sum(d["load_count"] for _, d in days)
        plays = sum(d["play_count"] for _, d in days)
        hours = sum(d["hours_watched"] for _, d in days)
        return metrics(loads, plays, hours, loads)

    def summary(self, call: Any, media_id: str) -> Response:
        return Response(body=self._total(self._days(call, media_id)))

    def timeseries(self, call: Any, media_id: str) -> Response:
        granularity = call.params.get_str("granularity")
        if granularity not in GRANULARITIES:
            raise ApiError(400, {"error": f"granularity must be one of {', '.join(GRANULARITIES)}."})
        buckets: dict[dt.date, list[tuple[dt.date, dict[str, Any]]]] = {}
        for day, values in self._days(call, media_id):
            buckets.setdefault(_bucket(day, granularity), []).append((day, values))
        rows = [
            {"timestamp": f"{start.isoformat()}T00:00:00Z", **self._total(days)}
            for start, days in sorted(buckets.items())
        ]
        return Response(body=rows)

    def traffic(self, call: Any, media_id: str) -> Response:
        group_by = call.params.get_str("group_by")
        if group_by not in TRAFFIC_GROUPS:
            raise ApiError(400, {"error": f"group_by must be one of {', '.join(TRAFFIC_GROUPS)}."})
        total = self._total(self._days(call, media_id))
        row = {group_by: "(direct)", "loads": total["unique_loads"], "plays": total["plays"]}
        return Response(body=[{**row, "engagement_rate": total["engagement_rate"]}] if total["plays"] else [])

    def conversions(self, call: Any, media_id: str) -> Response:
        self._days(call, media_id)
        page_info = {
            "has_next_page": False,
            "has_previous_page": False,
            "end_cursor": None,
            "start_cursor": None,
        }
        return Response(body={"data": [], "page_info": page_info})

    def embed_locations(self, call: Any, media_id: str) -> Response:
        total = self._total(self._days(call, media_id))
        if not total["unique_loads"]:
            return Response(body=[])
        row = {
            "embed_domain": "example.com",
            "embed_path": "/",
            "embed_url": "https://example.com/",
            "page_title": "Example",
            "loads": total["unique_loads"],
            "plays": total["plays"],
            "play_rate": total["play_rate"],
            "played_time": float(total["played_time"]),
            "engagement_rate": total["engagement_rate"],
            "unique_visitors": total["unique_visitors"],
            "cta_conversion_rate": 0.0,
        }
        return Response(body=[row])

    def languages(self, call: Any, media_id: str) -> Response:
        total = self._total(self._days(call, media_id))
        if not total["plays"]:
            return Response(body=[])
        row = {
            "language": "en",
            "plays": total["plays"],
            "percent_of_total_plays": 100.0,
            "captions_support": False,
        }
        return Response(body=[row])
