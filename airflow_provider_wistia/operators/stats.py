"""The stats export operator: one row per media of an account or project, to a file."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from airflow_provider_wistia.exports.stats import (
    DEFAULT_MAX_CHECKPOINT_AGE,
    EXPORT_FIELDS,
    StatsExport,
    check_fields,
    check_on_stats_error,
)
from airflow_provider_wistia.openlineage import WistiaExportLineageMixin
from airflow_provider_wistia.operators.exports import WistiaExportOperator

if TYPE_CHECKING:
    from airflow.sdk import ObjectStoragePath


class WistiaExportStatsOperator(WistiaExportLineageMixin, WistiaExportOperator):
    """Export every media's stats of the account (or one project) to a CSV or JSONL file.

    Columns: ``hashed_id, name, project_hashed_id, type, plays, visitors, page_loads,
    percent_of_visitors_clicking_play, average_percent_watched, exported_at``. Medias that are
    not videos get empty stats (Wistia has none) and are counted in ``skipped_non_video``.
    The file appears whole; progress is checkpointed in ``<destination>.partial/`` so a retry
    fetches only the medias still missing, and each media is in the file exactly once. The media
    list is paged with Wistia's cursors: every media that exists from the export's start to its
    end is in the file once, whatever is added or deleted meanwhile.
    Returns ``{"path", "rows", "skipped_non_video", "requests", "deleted_during_export",
    "stats_errors"}`` (medias deleted during the export, seen by a 404 on their stats or by a
    last listing at the end, are left out and counted; ``stats_errors`` lists
    ``{"hashed_id", "error"}`` of rows written with empty stats under
    ``on_stats_error="skip"``). In CSV, text cells that a spreadsheet would run as a
    formula (starting with ``= + - @``, a tab or a carriage return) get a leading ``'``.
    Pass ``outlets=[Asset(...)]`` to schedule downstream DAGs on fresh stats.

    :param destination: local path or ``ObjectStoragePath`` URL (``file://``, ``s3://``,
        ``gs://``...), e.g. ``/data/wistia/stats/{{ dag_run.run_after | ds }}.csv`` (templated;
        a bare ``{{ ds }}`` fails in runs without a logical date). For an object
        store that needs a connection, pass ``ObjectStoragePath(url, conn_id=...)``.
    :param project_id: export only this project's medias (hashed id; templated).
    :param file_format: ``csv`` (with a header line) or ``jsonl``.
    :param fields: the columns to write, in order: a list or a comma-separated string
        (templated; default: all). Checked before any request.
    :param max_workers: stats requests in flight at once; they share the connection's rate limit.
    :param resume: continue from an earlier attempt's checkpoint (False starts afresh).
    :param checkpoint_rows: save progress every this many rows...
    :param checkpoint_seconds: ...or every this many seconds, whichever comes first.
    :param on_stats_error: ``"fail"`` (default): a media whose stats still fail after the hook's
        retries fails the task (a retry resumes at that media). ``"skip"``: the media gets a row
        with empty stats, a warning and an entry in ``stats_errors``; a resume tries it again.
        Auth errors always fail.
    :param max_checkpoint_age: a checkpoint started longer ago than this (a ``timedelta``,
        default 24 hours) is discarded, with a log line, so one file never mixes stats read on
        different days. None: never expires.
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        export = WistiaExportStatsOperator(
            task_id="export_stats",
            destination="s3://analytics/wistia/{{ dag_run.run_after | ds }}.csv",
            fields=["hashed_id", "name", "plays", "visitors"],
        )
    """

    template_fields: Sequence[str] = ("destination", "project_id", "fields")
    link_kind = "projects"
    link_field = "project_id"
    lineage_column_types = {
        **dict.fromkeys(("plays", "visitors", "page_loads"), "integer"),
        **dict.fromkeys(("percent_of_visitors_clicking_play", "average_percent_watched"), "float"),
        "exported_at": "timestamp",
    }

    def __init__(
        self,
        *,
        destination: str | ObjectStoragePath,
        project_id: str | None = None,
        file_format: str = "csv",
        fields: Sequence[str] | None = None,
        max_workers: int = 4,
        resume: bool = True,
        checkpoint_rows: int = 50,
        checkpoint_seconds: float = 5.0,
        on_stats_error: str = "fail",
        max_checkpoint_age: timedelta | None = DEFAULT_MAX_CHECKPOINT_AGE,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            destination=destination,
            file_format=file_format,
            fields=fields,
            max_workers=max_workers,
            resume=resume,
            checkpoint_rows=checkpoint_rows,
            checkpoint_seconds=checkpoint_seconds,
            max_checkpoint_age=max_checkpoint_age,
            **kwargs,
        )
        self.project_id = project_id
        self.on_stats_error = check_on_stats_error(on_stats_error)

    def call(self, hook: Any) -> Any:
        options = self.engine_options()
        export = StatsExport(
            hook, self.destination, project_id=self.project_id, on_stats_error=self.on_stats_error, **options
        )
        return export.run()

    def lineage_columns(self) -> Sequence[str]:
        return check_fields(self.fields)


__all__ = ["EXPORT_FIELDS", "WistiaExportStatsOperator"]
