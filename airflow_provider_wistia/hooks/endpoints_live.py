"""Hook methods for live stream events (``/live_stream_events``) and their registrations.

Bodies are JSON as Wistia's v1 OpenAPI models them: create sends the fields at the top level,
update wraps them in ``live_stream_event``. ``scheduled_for`` is a W3C date-time with a timezone
and ``event_duration`` at least 15 minutes; both are checked before any request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from airflow_provider_wistia.exceptions import WistiaConfigError
from airflow_provider_wistia.hooks.endpoints_base import EndpointMixin, with_extra_fields
from airflow_provider_wistia.validation import require_id, require_text

MIN_EVENT_MINUTES = 15
LIVE_EVENT_SORTS = ("scheduled_for", "id")


def scheduled_time(value: Any) -> str:
    """``scheduled_for`` as Wistia takes it: an aware datetime, or an ISO string with a timezone."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise WistiaConfigError("scheduled_for must carry a timezone (an aware datetime).")
        return value.isoformat()
    text = require_text("scheduled_for", value)
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise WistiaConfigError(
            f"scheduled_for {value!r} is not a date-time with a timezone, e.g. '2026-03-20T15:30:00-05:00'."
        )
    return text


def event_minutes(value: Any) -> int:
    """``event_duration`` in whole minutes, at least 15 (Wistia refuses shorter events)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < MIN_EVENT_MINUTES:
        raise WistiaConfigError(
            f"event_duration must be a whole number of minutes, at least {MIN_EVENT_MINUTES}; got {value!r}."
        )
    return value


class WistiaLiveStreamMixin(EndpointMixin):
    """Live stream events: list, show, create, update, delete, and registering a person."""

    def iter_live_stream_events(
        self,
        *,
        sort_by: str | None = None,
        descending: bool = False,
        hashed_ids: list[str] | None = None,
        started: bool | None = None,
        per_page: int = 100,
    ) -> Iterator[dict[str, Any]]:
        """Lazily page through the account's live stream events (sorted by ``id`` or
        ``scheduled_for``; ``started`` keeps only events whose time has, or has not, come)."""
        if sort_by is not None and sort_by not in LIVE_EVENT_SORTS:
            raise WistiaConfigError(f"sort_by must be one of {', '.join(LIVE_EVENT_SORTS)}, got {sort_by!r}.")
        filters = {
            "sort_by": sort_by,
            "sort_direction": "-1" if descending else None,  # the spec's enum is "1" / "-1"
            "hashed_ids": None if hashed_ids is None else [require_id("hashed_ids", h) for h in hashed_ids],
            "started": None if started is None else ("true" if started else "false"),
            "per_page": per_page,
        }
        return self.paginate("live_stream_events", {k: v for k, v in filters.items() if v is not None})

    def list_live_stream_events(self, **filters: Any) -> list[dict[str, Any]]:
        """Every live stream event across all pages (same filters as :meth:`iter_live_stream_events`)."""
        return list(self.iter_live_stream_events(**filters))

    def get_live_stream_event(self, event_id: str) -> dict[str, Any]:
        return self.request("GET", f"live_stream_events/{require_id('event_id', event_id)}")

    def create_live_stream_event(
        self,
        title: str,
        scheduled_for: Any,
        event_duration: int,
        *,
        description: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Create a live stream event (201); returns it with its audience, host and panelist links.

        ``fields``: more JSON body fields, sent as given. Not retried after it may have reached Wistia.
        """
        named = {
            "title": require_text("title", title),
            "description": description,
            "scheduled_for": scheduled_time(scheduled_for),
            "event_duration": event_minutes(event_duration),
        }
        body = with_extra_fields("create_live_stream_event", named, fields)
        return self.request("POST", "live_stream_events", json=body)

    def update_live_stream_event(
        self,
        event_id: str,
        *,
        title: str | None = None,
        description: str | None = None,
        scheduled_for: Any = None,
        event_duration: int | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Change an event's title, description, time or duration (sent as ``live_stream_event``)."""
        named = {
            "title": None if title is None else require_text("title", title),
            "description": description,
            "scheduled_for": None if scheduled_for is None else scheduled_time(scheduled_for),
            "event_duration": None if event_duration is None else event_minutes(event_duration),
        }
        changes = with_extra_fields("update_live_stream_event", named, fields)
        if not changes:
            raise WistiaConfigError("update_live_stream_event: give at least one field to change.")
        path = f"live_stream_events/{require_id('event_id', event_id)}"
        return self.request("PUT", path, json={"live_stream_event": changes})

    def delete_live_stream_event(self, event_id: str) -> dict[str, Any]:
        """Delete an event; returns the deleted event."""
        return self.request("DELETE", f"live_stream_events/{require_id('event_id', event_id)}")

    def register_for_live_stream_event(
        self, event_id: str, email: str, first_name: str, last_name: str, **fields: Any
    ) -> dict[str, Any]:
        """Register a person (201): ``{"visitor_key", "personalized_event_url"}``."""
        named = {
            "email": require_text("email", email),
            "first_name": require_text("first_name", first_name),
            "last_name": require_text("last_name", last_name),
        }
        if "@" not in named["email"]:
            raise WistiaConfigError(f"email {email!r} is not an email address.")
        body = with_extra_fields("register_for_live_stream_event", named, fields)
        path = f"live_stream_events/{require_id('event_id', event_id)}/registrations"
        return self.request("POST", path, json=body)
