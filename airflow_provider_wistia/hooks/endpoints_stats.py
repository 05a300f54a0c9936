"""Hook methods for the Stats API's daily stats, engagement graphs, visitors and events.

Dates are ``datetime.date`` objects or ``YYYY-MM-DD`` strings (what a ``{{ ds }}`` template
renders); a start after the end, or an events window starting more than two years back (Wistia
keeps events for two years), is refused with :class:`WistiaConfigError` before any request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from airflow_provider_wistia.exceptions import WistiaConfigError
from airflow_provider_wistia.hooks.endpoints_base import EndpointMixin, path_segment
from airflow_provider_wistia.validation import require_id

VISITOR_FILTERS = ("has_name", "has_email", "identified_by_email_gate")


def as_date(field: str, value: Any) -> dt.date:
    """A date from a ``date``/``datetime`` or a ``YYYY-MM-DD`` string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise WistiaConfigError(f"{field} must be a date or a 'YYYY-MM-DD' string, got {value!r}.")


def date_window(start_date: Any, end_date: Any) -> tuple[dt.date | None, dt.date | None]:
    """The parsed window (either end may be None); start after end is an error."""
    start = None if start_date is None else as_date("start_date", start_date)
    end = None if end_date is None else as_date("end_date", end_date)
    if start is not None and end is not None and start > end:
        raise WistiaConfigError(f"start_date {start} is after end_date {end}.")
    return start, end


def two_years_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 2)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 2, day=28)


def _window_params(start: dt.date | None, end: dt.date | None) -> dict[str, str]:
    out = {}
    if start is not None:
        out["start_date"] = start.isoformat()
    if end is not None:
        out["end_date"] = end.isoformat()
    return out


class WistiaStatsApiMixin(EndpointMixin):
    """``/stats/...`` beyond the totals: ``by_date``, engagement, visitors and events."""

    def get_media_stats_by_date(self, media_id: str, start_date: Any, end_date: Any) -> list[dict[str, Any]]:
        """One ``{date, load_count, play_count, hours_watched}`` per day, both dates included."""
        start, end = date_window(start_date, end_date)
        mid = require_id("media_id", media_id)
        return self.request("GET", f"stats/medias/{mid}/by_date", params=_window_params(start, end))

    def get_account_stats_by_date(self, start_date: Any, end_date: Any) -> list[dict[str, Any]]:
        """Account-wide daily stats (in Wistia's 2016 Stats API docs; absent from the v1 OpenAPI)."""
        start, end = date_window(start_date, end_date)
        return self.request("GET", "stats/account/by_date", params=_window_params(start, end))

    def get_project_stats_by_date(
        self, project_id: str, start_date: Any, end_date: Any
    ) -> list[dict[str, Any]]:
        """A project's daily stats (in Wistia's 2016 Stats API docs; absent from the v1 OpenAPI)."""
        start, end = date_window(start_date, end_date)
        pid = require_id("project_id", project_id)
        return self.request("GET", f"stats/projects/{pid}/by_date", params=_window_params(start, end))

    def get_media_engagement(self, media_id: str) -> dict[str, Any]:
        """``{engagement, engagement_data, rewatch_data}``: the engagement graph (a cell per second,
        scaled to 1000 cells for longer videos)."""
        return self.request("GET", f"stats/medias/{require_id('media_id', media_id)}/engagement")

    def iter_visitors(self, **filters: Any) -> Iterator[dict[str, Any]]:
        """Lazily page through visitors; filters: ``filter`` (has_name, has_email,
        identified_by_email_gate), ``search`` (name or email), ``per_page``."""
        wanted = filters.get("filter")
        if wanted is not None and wanted not in VISITOR_FILTERS:
            raise WistiaConfigError(f"filter must be one of {', '.join(VISITOR_FILTERS)}, got {wanted!r}.")
        return self.paginate("stats/visitors", {k: v for k, v in filters.items() if v is not None})

    def get_visitor(self, visitor_key: str) -> dict[str, Any]:
        return self.request("GET", f"stats/visitors/{path_segment('visitor_key', visitor_key)}")

    def iter_events(
        self,
        *,
        media_id: str | None = None,
        visitor_key: str | None = None,
        start_date: Any = None,
        end_date: Any = None,
        per_page: int = 100,
    ) -> Iterator[dict[str, Any]]:
        """Lazily page through viewing events, newest first, optionally for one media or visitor
        and within a date window (both ends included)."""
        start, end = date_window(start_date, end_date)
        if start is not None:
            oldest = two_years_before(dt.datetime.now(dt.timezone.utc).date())
            if start < oldest:
                raise WistiaConfigError(
                    f"start_date {start} is more than two years back (before {oldest}): "
                    "Wistia keeps viewing events for two years only."
                )
        params: dict[str, Any] = {**_window_params(start, end), "per_page": per_page}
        if media_id is not None:
            params["media_id"] = require_id("media_id", media_id)
        if visitor_key is not None:
            params["visitor_key"] = require_id("visitor_key", visitor_key)
        return self.paginate("stats/events", params)

    def get_event(self, event_key: str) -> dict[str, Any]:
        return self.request("GET", f"stats/events/{path_segment('event_key', event_key)}")
