"""The modern track's Analytics API: per-media summaries, time series and breakdowns, webinar analytics.

Modern only: on a v1 connection each method raises a :class:`WistiaConfigError` naming
``api_version`` before any request. Dates are ``YYYY-MM-DD`` strings or dates (the Stats API
methods' rules, :func:`.endpoints_stats.as_date`), checked (and ``start_date <= end_date``)
before any request.
"""

from __future__ import annotations

from typing import Any

from airflow_provider_wistia.exceptions import WistiaConfigError
from airflow_provider_wistia.hooks.endpoints_base import EndpointMixin
from airflow_provider_wistia.hooks.endpoints_stats import as_date, date_window
from airflow_provider_wistia.validation import require_choice, require_id

GRANULARITIES = ("daily", "weekly", "monthly")
MEDIA_TRAFFIC_GROUPS = ("utm_campaign", "utm_source", "utm_medium", "referrer_domain", "viewer_screen_size")


def require_date(field: str, value: Any) -> str:
    """A required date (``date`` or ``YYYY-MM-DD``), as the Analytics API takes it."""
    if value is None:
        raise WistiaConfigError(f"{field} is required: a date or a 'YYYY-MM-DD' string.")
    return as_date(field, value).isoformat()


def analytics_window(start_date: Any, end_date: Any) -> dict[str, str]:
    """``{"start_date", "end_date"}``: both required, valid and in order."""
    start, end = date_window(require_date("start_date", start_date), require_date("end_date", end_date))
    return {"start_date": str(start), "end_date": str(end)}


class WistiaAnalyticsMixin(EndpointMixin):
    """``/analytics/medias/<id>...`` and ``/analytics/webinars/<id>...`` (modern only)."""

    def _media_analytics(
        self, what: str, media_id: str, suffix: str, start_date: Any, end_date: Any, **query: Any
    ) -> Any:
        self.track.require_modern(what)
        mid = require_id("media_id", media_id)
        params = {
            **analytics_window(start_date, end_date),
            **{k: v for k, v in query.items() if v is not None},
        }
        return self.request("GET", f"analytics/medias/{mid}{suffix}", params=params)

    def get_media_analytics(self, media_id: str, start_date: Any, end_date: Any) -> dict[str, Any]:
        """A media's totals for the window: plays, unique_loads, play_rate, engagement_rate..."""
        return self._media_analytics("get_media_analytics", media_id, "", start_date, end_date)

    def get_media_analytics_timeseries(
        self, media_id: str, start_date: Any, end_date: Any, granularity: str
    ) -> list[dict[str, Any]]:
        """The same metrics per ``daily``/``weekly``/``monthly`` bucket (each with a ``timestamp``)."""
        choice = require_choice("granularity", granularity, GRANULARITIES)
        return self._media_analytics(
            "get_media_analytics_timeseries",
            media_id,
            "/timeseries",
            start_date,
            end_date,
            granularity=choice,
        )

    def get_media_traffic(
        self, media_id: str, start_date: Any, end_date: Any, group_by: str, **options: Any
    ) -> list[dict[str, Any]]:
        """Loads, plays and engagement per ``group_by`` (utm_*, referrer_domain, viewer_screen_size);
        ``options``: sort_by, sort_direction, per_page."""
        group = require_choice("group_by", group_by, MEDIA_TRAFFIC_GROUPS)
        return self._media_analytics(
            "get_media_traffic", media_id, "/traffic", start_date, end_date, group_by=group, **options
        )

    def get_media_conversions(
        self, media_id: str, start_date: Any, end_date: Any, **options: Any
    ) -> dict[str, Any]:
        """Form conversions: ``{"data": [...], "page_info": {...}}`` (``options``: per_page, cursor)."""
        return self._media_analytics(
            "get_media_conversions", media_id, "/conversions", start_date, end_date, **options
        )

    def get_media_embed_locations(
        self, media_id: str, start_date: Any, end_date: Any, **options: Any
    ) -> list[dict[str, Any]]:
        """Where the media is embedded, with loads and plays per page."""
        return self._media_analytics(
            "get_media_embed_locations", media_id, "/embed_locations", start_date, end_date, **options
        )

    def get_media_languages(
        self, media_id: str, start_date: Any, end_date: Any, **options: Any
    ) -> list[dict[str, Any]]:
        """Plays per viewer language."""
        return self._media_analytics(
            "get_media_languages", media_id, "/languages", start_date, end_date, **options
        )

    # ------------------------------------------------------------------ webinars
    def _webinar_analytics(self, what: str, webinar_id: str, suffix: str, options: dict[str, Any]) -> Any:
        self.track.require_modern(what)
        wid = require_id("webinar_id", webinar_id)
        for field in ("post_event_start_date", "post_event_end_date"):
            if options.get(field) is not None:
                options[field] = require_date(field, options[field])
        params = {k: v for k, v in options.items() if v is not None}
        return self.request("GET", f"analytics/webinars/{wid}{suffix}", params=params)

    def get_webinar_analytics(self, webinar_id: str, **options: Any) -> dict[str, Any]:
        """A webinar's totals (``options``: include_post_event, post_event_start_date/end_date)."""
        return self._webinar_analytics("get_webinar_analytics", webinar_id, "", options)

    def get_webinar_registration_analytics(
        self, webinar_id: str, granularity: str, **options: Any
    ) -> list[dict[str, Any]]:
        """Registrations per ``daily``/``weekly``/``monthly`` bucket."""
        options["granularity"] = require_choice("granularity", granularity, GRANULARITIES)
        return self._webinar_analytics(
            "get_webinar_registration_analytics", webinar_id, "/registration", options
        )

    def get_webinar_traffic(self, webinar_id: str, group_by: str, **options: Any) -> list[dict[str, Any]]:
        """Registrations and attendees per ``group_by`` (utm_campaign/source/medium, referrer_domain)."""
        options["group_by"] = require_choice("group_by", group_by, MEDIA_TRAFFIC_GROUPS[:4])
        return self._webinar_analytics("get_webinar_traffic", webinar_id, "/traffic", options)

    def get_webinar_audience(self, webinar_id: str, **options: Any) -> dict[str, Any]:
        """Registrants and attendees: ``{"data": [...], "page_info": {...}}``."""
        return self._webinar_analytics("get_webinar_audience", webinar_id, "/audience", options)

    def get_webinar_histograms(self, webinar_id: str) -> dict[str, Any]:
        """Attendee, chat and focus histograms over the webinar's duration."""
        return self._webinar_analytics("get_webinar_histograms", webinar_id, "/histograms", {})
