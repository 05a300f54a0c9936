"""Exports of the Stats API's activity data, on the shared engine (:mod:`.engine`).

* :class:`MediaDaysExport`: the shape of every export with one row per media per day (this one
  and the Analytics export); :class:`DailyStatsExport`: from ``/stats/medias/<id>/by_date``
  (requests in a bounded pool, one per audio or video media; other medias have no plays).
* :class:`EventsExport`: one row per viewing event, from the paged ``/stats/events`` list.

Both are atomic, resumable (a retry re-lists and skips the medias or events already in the
checkpoint), streaming, and write CSV or JSONL to any ``ObjectStoragePath``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from abc import abstractmethod
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from airflow_provider_wistia.exceptions import WistiaError, WistiaNotFoundError
from airflow_provider_wistia.exports.engine import Export, MediaExport
from airflow_provider_wistia.hooks.endpoints_stats import as_date, date_window
from airflow_provider_wistia.hooks.tracks import container_hashed_id
from airflow_provider_wistia.validation import require_id

if TYPE_CHECKING:
    from airflow.sdk import ObjectStoragePath

    from airflow_provider_wistia.hooks.wistia import WistiaHook

DAILY_STATS_FIELDS = (
    "date",
    "hashed_id",
    "name",
    "project_hashed_id",
    "load_count",
    "play_count",
    "hours_watched",
)
# The fields of a viewing event, as the Stats API documents them; nested objects (thumbnail,
# conversion_data, user_agent_details) are JSON text in CSV and objects in JSONL.
EVENT_FIELDS = (
    "received_at",
    "event_key",
    "visitor_key",
    "embed_url",
    "percent_viewed",
    "ip",
    "org",
    "country",
    "region",
    "city",
    "lat",
    "lon",
    "email",
    "media_id",
    "media_url",
    "media_name",
    "iframe_heatmap_url",
    "thumbnail",
    "conversion_type",
    "conversion_data",
    "user_agent_details",
)
PLAYABLE_TYPES = ("Video", "Audio")
_GONE = object()  # the media disappeared between the listing and its by_date request

log = logging.getLogger("airflow_provider_wistia.export")


def export_day(field: str, value: Any) -> dt.date:
    """A day from a ``date``, a ``datetime``, ``YYYY-MM-DD`` or an ISO-8601 timestamp string."""
    if isinstance(value, str) and "T" in value.strip():
        try:
            return dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
        except ValueError:
            pass
    return as_date(field, value)


def export_window(start_date: Any, end_date: Any) -> tuple[dt.date, dt.date]:
    """Both days of an export's window (start after end is an error)."""
    start, end = export_day("start_date", start_date), export_day("end_date", end_date)
    date_window(start, end)  # start after end is a WistiaConfigError
    return start, end


class WindowExport(Export):
    """An export of a window of days (both included), optionally narrowed to one object.

    :param start_date: the first day (a ``date``, ``YYYY-MM-DD`` or an ISO timestamp).
    :param end_date: the last day.
    :param filter_id: the hashed id named by :attr:`filter_field` (None: the whole account).
    :param kwargs: the engine's options (``file_format``, ``fields``, ``max_workers``,
        ``resume``, ``checkpoint_rows``, ``checkpoint_seconds``, ``max_checkpoint_age``).
    """

    kind: ClassVar[str]
    filter_field: ClassVar[str]

    def __init__(
        self,
        hook: WistiaHook,
        destination: str | os.PathLike[str] | ObjectStoragePath,
        *,
        start_date: Any,
        end_date: Any,
        filter_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.start_date, self.end_date = export_window(start_date, end_date)
        self.filter_id = require_id(self.filter_field, filter_id) if filter_id is not None else None
        scope = {
            "export": self.kind,
            self.filter_field: self.filter_id,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat(),
        }
        super().__init__(hook, destination, scope=scope, row_key=self.row_key, **kwargs)

    @staticmethod
    @abstractmethod
    def row_key(row: dict[str, Any]) -> str:
        """What identifies a row (written once however often it was fetched)."""

    def summary(self) -> dict[str, Any]:
        return {"start_date": self.start_date.isoformat(), "end_date": self.end_date.isoformat()}


class MediaDaysExport(WindowExport, MediaExport):
    """One row per media per day of the window, from one request per audio or video media
    answering its days. Subclasses name the request (:meth:`fetch_days`), a day's date
    (:meth:`day_of`), its columns (:attr:`day_columns`) and the column naming the media's
    project or folder (:attr:`container_field`)."""

    container_field: ClassVar[str]
    day_columns: ClassVar[tuple[str, ...]]

    def __init__(self, hook: WistiaHook, destination: Any, **kwargs: Any) -> None:
        super().__init__(hook, destination, **kwargs)
        self.project_id = self.filter_id  # the engine's name for the project or folder listed

    @abstractmethod
    def fetch_days(self, hashed_id: str) -> Any:
        """The media's days in the window (one request)."""

    @staticmethod
    @abstractmethod
    def day_of(day: dict[str, Any]) -> Any:
        """The ``date`` column of one day of the answer."""

    @staticmethod
    def row_key(row: dict[str, Any]) -> str:
        return f"{row['hashed_id']}/{row.get('date')}"

    def needs_fetch(self, unit: dict[str, Any]) -> bool:
        return unit.get("type") in PLAYABLE_TYPES

    def fetch(self, unit: dict[str, Any]) -> Any:
        """The media's days; None when Wistia has none for it (400); _GONE if deleted."""
        try:
            return self.fetch_days(unit["hashed_id"])
        except WistiaNotFoundError:
            return _GONE
        except WistiaError as exc:
            if exc.status_code == 400:
                return None
            raise

    def record(self, unit: dict[str, Any], fetched: Any) -> None:
        hid = unit["hashed_id"]
        if fetched is _GONE:
            log.warning("Media %s was deleted during the export; it is left out.", hid)
            self.checkpoint.add({"hashed_id": hid}, non_video=False, unit=hid, deleted=True)
            return
        identity = {
            "hashed_id": hid,
            "name": unit.get("name"),
            self.container_field: container_hashed_id(unit),  # a folder's, on the modern track
        }
        days = [day for day in fetched or () if isinstance(day, dict)]
        for day in days:
            row = {"date": self.day_of(day), **identity}
            row.update({column: day.get(column) for column in self.day_columns})
            self.checkpoint.add(row, non_video=False, unit=hid)
        if not days:  # mark the media done, so a resume does not ask again
            self.checkpoint.add({"hashed_id": hid}, non_video=fetched is None, unit=hid, empty=True)

    def summary(self) -> dict[str, Any]:
        return {**super().summary(), "deleted_during_export": self.checkpoint.deleted}


class DailyStatsExport(MediaDaysExport):
    """One row per media per day, from ``by_date``; ``project_id``: only this project's medias."""

    FIELDS = DAILY_STATS_FIELDS
    kind = "daily_stats"
    filter_field = "project_id"
    container_field = "project_hashed_id"
    day_columns = ("load_count", "play_count", "hours_watched")

    def __init__(
        self, hook: WistiaHook, destination: Any, *, project_id: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(hook, destination, filter_id=project_id, **kwargs)

    def fetch_days(self, hashed_id: str) -> Any:
        return self.hook.get_media_stats_by_date(hashed_id, self.start_date, self.end_date)

    @staticmethod
    def day_of(day: dict[str, Any]) -> Any:
        return day.get("date")


class EventsExport(WindowExport):
    """One row per viewing event, newest first; ``media_id``: only this media's events."""

    FIELDS = EVENT_FIELDS
    unit_name = "events"
    kind = "events"
    filter_field = "media_id"

    def __init__(
        self, hook: WistiaHook, destination: Any, *, media_id: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(hook, destination, filter_id=media_id, **kwargs)
        self.media_id = self.filter_id
        # Checked here, before the checkpoint or any request (e.g. the two-year window).
        self._events = hook.iter_events(
            media_id=self.media_id, start_date=self.start_date, end_date=self.end_date
        )

    def units(self) -> Iterable[dict[str, Any]]:
        return self._events

    def unit_key(self, unit: dict[str, Any]) -> str | None:
        key = unit.get("event_key")
        return str(key) if key else None

    @staticmethod
    def row_key(row: dict[str, Any]) -> str:
        return str(row["event_key"])

    def record(self, unit: dict[str, Any], fetched: Any) -> None:
        self.checkpoint.add({field: unit.get(field) for field in EVENT_FIELDS}, non_video=False)


def resolve_window(start_date: Any, end_date: Any, context: Any) -> tuple[Any, Any]:
    """Blank dates default to the run's day: the data interval's (or logical date's) day, or,
    for a run without a logical date (manual, asset-triggered), the day before it ran."""
    if not _blank(start_date) and not _blank(end_date):
        return start_date, end_date
    day = run_day(context)
    return (day if _blank(start_date) else start_date), (day if _blank(end_date) else end_date)


def run_day(context: Any) -> dt.date:
    """The day a run covers: ``data_interval_start`` or the logical date, else yesterday of ``run_after``."""
    for key in ("data_interval_start", "logical_date"):
        value = context.get(key) if context else None
        if value:
            return value.date()
    dag_run = context.get("dag_run") if context else None
    ran = getattr(dag_run, "run_after", None) or dt.datetime.now(dt.timezone.utc)
    return ran.date() - dt.timedelta(days=1)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_window_given(start_date: Any, end_date: Any) -> None:
    """At construction: dates that are not templates must parse (templates are checked at run)."""
    for field, value in (("start_date", start_date), ("end_date", end_date)):
        if not _blank(value) and not (isinstance(value, str) and "{" in value):
            export_day(field, value)
