"""Exports to the warehouse: the shared operator shape, daily stats and viewing events.

Every export writes one CSV or JSONL file atomically to any ``ObjectStoragePath``, resumes
from its checkpoint after a crash, streams (flat memory), logs progress with an ETA, and puts
``{"path", "rows"}`` on the asset events of its ``Asset`` outlets.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from airflow_provider_wistia.exports.activity import (
    DAILY_STATS_FIELDS,
    EVENT_FIELDS,
    DailyStatsExport,
    EventsExport,
    WindowExport,
    check_window_given,
    resolve_window,
    run_day,
)
from airflow_provider_wistia.exports.checkpoint import DEFAULT_MAX_CHECKPOINT_AGE, check_max_checkpoint_age
from airflow_provider_wistia.exports.engine import check_fields, check_file_format
from airflow_provider_wistia.hooks.wistia import WistiaHook
from airflow_provider_wistia.openlineage import WistiaExportLineageMixin
from airflow_provider_wistia.operators.base import WistiaLinkedOperator, blank_to_none

if TYPE_CHECKING:
    from airflow.sdk import ObjectStoragePath

EXPORT_PARAMS = """:param destination: local path or ``ObjectStoragePath`` URL (``file://``, ``s3://``,
        ``gs://``...), e.g. ``/data/wistia/{{ ds }}.csv`` (templated). For an object store
        that needs a connection, pass ``ObjectStoragePath(url, conn_id=...)``.
    :param file_format: ``csv`` (with a header line) or ``jsonl``.
    :param fields: the columns to write, in order: a list or a comma-separated string
        (templated; default: all). Checked before any request.
    :param max_workers: requests in flight at once; they share the connection's rate limit.
    :param resume: continue from an earlier attempt's checkpoint (False starts afresh).
    :param checkpoint_rows: save progress every this many rows...
    :param checkpoint_seconds: ...or every this many seconds, whichever comes first.
    :param max_checkpoint_age: a checkpoint started longer ago than this (a ``timedelta``,
        default 24 hours) is discarded. None: never expires."""
WINDOW_PARAMS = """:param start_date: first day, ``YYYY-MM-DD`` or a date (templated, e.g. ``"{{ ds }}"``;
        kept in ``window_start``). Blank or None: the run's day (its data interval's or logical
        date's day; for a run without a logical date, the day before it ran, which is also
        what ``{{ ds }}`` renders to then). A ``default_args`` ``start_date`` is the task's,
        as for any operator, never the window.
    :param end_date: last day, included (templated; kept in ``window_end``); blank or None as
        for ``start_date``."""


class WistiaExportOperator(WistiaLinkedOperator):
    """Shared shape of the export operators: where and how to write, and the asset events."""

    def __init__(
        self,
        *,
        destination: str | ObjectStoragePath,
        file_format: str = "csv",
        fields: Sequence[str] | str | None = None,
        max_workers: int = 4,
        resume: bool = True,
        checkpoint_rows: int = 50,
        checkpoint_seconds: float = 5.0,
        max_checkpoint_age: timedelta | None = DEFAULT_MAX_CHECKPOINT_AGE,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.destination = destination
        self.file_format = check_file_format(file_format)
        self.fields = fields
        self.max_workers = max_workers
        self.resume = resume
        self.checkpoint_rows = checkpoint_rows
        self.checkpoint_seconds = checkpoint_seconds
        self.max_checkpoint_age = check_max_checkpoint_age(max_checkpoint_age)

    def engine_options(self) -> dict[str, Any]:
        """The engine's options (:class:`~airflow_provider_wistia.exports.engine.Export`)."""
        return {
            "file_format": self.file_format,
            "fields": self.fields,
            "max_workers": self.max_workers,
            "resume": self.resume,
            "checkpoint_rows": self.checkpoint_rows,
            "checkpoint_seconds": self.checkpoint_seconds,
            "max_checkpoint_age": self.max_checkpoint_age,
        }

    def finish(self, context: Any, result: Any) -> Any:
        # Tell downstream (asset-scheduled) DAGs which file is fresh: the asset event carries it.
        for outlet in self.outlets or ():
            if type(outlet).__name__ == "Asset":
                context["outlet_events"][outlet].extra.update(
                    {"path": result["path"], "rows": result["rows"]}
                )
        return result


class _WindowExportOperator(WistiaExportLineageMixin, WistiaExportOperator):
    """An export over a window of days; blank dates are resolved from the run in :meth:`prepare`.

    ``start_date`` and ``end_date`` are also ``BaseOperator``'s own arguments (the task's
    schedule bounds, often set in ``default_args``). Here they are the export's window, kept in
    ``window_start``/``window_end`` (the templated attributes); a value that came from
    ``default_args`` is handed to ``BaseOperator`` instead, so it never becomes the window.
    """

    export_class: ClassVar[type[WindowExport]]  # narrowed to the object its link_field names

    def __init__(self, *, start_date: Any = None, end_date: Any = None, **kwargs: Any) -> None:
        defaults = kwargs.get("default_args") or {}
        task_dates: dict[str, Any] = {
            name: value
            for name, value in (("start_date", start_date), ("end_date", end_date))
            if value is not None and value is defaults.get(name)
        }
        super().__init__(**task_dates, **kwargs)
        self.window_start = None if "start_date" in task_dates else start_date
        self.window_end = None if "end_date" in task_dates else end_date
        check_window_given(self.window_start, self.window_end)
        self.window: tuple[Any, Any] = (self.window_start, self.window_end)

    def render_template_fields(self, context: Any, jinja_env: Any = None) -> None:
        """A run without a logical date (manual or asset-triggered, in Airflow 3) has no ``ds``,
        so ``"{{ ds }}"`` would fail to render: here it renders the run's day instead (the day
        before the run), the same day blank dates default to."""
        if context.get("ds") is None:
            day = run_day(context)
            context = {**context, "ds": day.isoformat(), "ds_nodash": day.strftime("%Y%m%d")}
        super().render_template_fields(context, jinja_env)

    def prepare(self, context: Any) -> None:
        self.window = resolve_window(self.window_start, self.window_end, context)

    def lineage_columns(self) -> Sequence[str]:
        return check_fields(self.fields, self.export_class.FIELDS)

    def call(self, hook: WistiaHook) -> Any:
        start, end = self.window
        narrowed_to = (
            {self.link_field: blank_to_none(getattr(self, self.link_field))} if self.link_field else {}
        )
        export = self.export_class(
            hook, self.destination, start_date=start, end_date=end, **narrowed_to, **self.engine_options()
        )
        return export.run()


class WistiaExportDailyStatsOperator(_WindowExportOperator):
    __doc__ = f"""Export one row per media per day to a CSV or JSONL file, from the Stats API's
    ``/stats/medias/<id>/by_date``: ``{", ".join(DAILY_STATS_FIELDS)}``.

    One request per audio or video media of the account (or project), in a bounded pool;
    other medias have no plays and no rows. The nightly incremental load is
    ``start_date=end_date="{{{{ ds }}}}"`` (or no dates at all). Returns ``{{"path", "rows",
    "requests", "start_date", "end_date", "deleted_during_export"}}``; links to the project.

    {EXPORT_PARAMS}
    {WINDOW_PARAMS}
    :param project_id: only this project's medias (hashed id; templated).
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        daily = WistiaExportDailyStatsOperator(
            task_id="daily_stats",
            destination="s3://warehouse/wistia/daily-stats-january.csv",
            start_date="2026-01-01",
            end_date="2026-01-31",
        )
    """

    template_fields: Sequence[str] = ("destination", "window_start", "window_end", "project_id", "fields")
    link_kind = "projects"
    link_field = "project_id"
    export_class = DailyStatsExport
    lineage_column_types = {
        "date": "date",
        **dict.fromkeys(("load_count", "play_count"), "integer"),
        "hours_watched": "float",
    }

    def __init__(
        self,
        *,
        destination: str | ObjectStoragePath,
        start_date: Any = None,
        end_date: Any = None,
        project_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(destination=destination, start_date=start_date, end_date=end_date, **kwargs)
        self.project_id = project_id


class WistiaExportEventsOperator(_WindowExportOperator):
    __doc__ = f"""Export one row per viewing event to a CSV or JSONL file, from the paged
    ``/stats/events`` list: ``{", ".join(EVENT_FIELDS)}`` (nested objects are JSON text in
    CSV). Wistia keeps events for two years: an older ``start_date`` fails before any request.
    Returns ``{{"path", "rows", "requests", "start_date", "end_date"}}``; links to the media.

    {EXPORT_PARAMS}
    {WINDOW_PARAMS}
    :param media_id: only this media's events (hashed id; templated).
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        events = WistiaExportEventsOperator(
            task_id="viewing_events",
            destination="gs://warehouse/wistia/events.jsonl",
            file_format="jsonl",
            media_id="xyz987wvut",
        )
    """

    template_fields: Sequence[str] = ("destination", "window_start", "window_end", "media_id", "fields")
    link_kind = "medias"
    link_field = "media_id"
    export_class = EventsExport
    lineage_column_types = {
        "received_at": "timestamp",
        **dict.fromkeys(("percent_viewed", "lat", "lon"), "float"),
    }

    def lineage_input_name(self) -> str:
        return f"medias/{self.media_id}/events" if blank_to_none(self.media_id) else "events"

    def __init__(
        self,
        *,
        destination: str | ObjectStoragePath,
        start_date: Any = None,
        end_date: Any = None,
        media_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(destination=destination, start_date=start_date, end_date=end_date, **kwargs)
        self.media_id = media_id
