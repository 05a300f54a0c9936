"""The stats export operator: one row per media of an account or project, to a file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_wistia.export import EXPORT_FIELDS, StatsExport, check_fields, check_file_format
from airflow_provider_wistia.openlineage import WistiaExportLineageMixin
from airflow_provider_wistia.operators.base import WistiaLinkedOperator

if TYPE_CHECKING:
    from airflow.sdk import ObjectStoragePath


class WistiaExportStatsOperator(WistiaExportLineageMixin, WistiaLinkedOperator):
    """Export every media's stats of the account (or one project) to a CSV or JSONL file.

    Columns: ``hashed_id, name, project_hashed_id, type, plays, visitors, page_loads,
    percent_of_visitors_clicking_play, average_percent_watched, exported_at``. Medias that are
    not videos get empty stats (Wistia has none) and are counted in ``skipped_non_video``.
    The file appears whole; progress is checkpointed in ``<destination>.partial/`` so a retry
    fetches only the medias still missing, and each media is in the file exactly once.
    Returns ``{"path", "rows", "skipped_non_video", "requests"}``. Pass ``outlets=[Asset(...)]``
    to schedule downstream DAGs on fresh stats.

    :param destination: local path or ``ObjectStoragePath`` URL (``file://``, ``s3://``,
        ``gs://``...), e.g. ``/data/wistia/stats/{{ ds }}.csv`` (templated). For an object
        store that needs a connection, pass ``ObjectStoragePath(url, conn_id=...)``.
    :param project_id: export only this project's medias (hashed id; templated).
    :param file_format: ``csv`` (with a header line) or ``jsonl``.
    :param fields: the columns to write, in order: a list or a comma-separated string
        (templated; default: all). Checked before any request.
    :param max_workers: stats requests in flight at once; they share the connection's rate limit.
    :param resume: continue from an earlier attempt's checkpoint (False starts afresh).
    :param checkpoint_rows: save progress every this many rows...
    :param checkpoint_seconds: ...or every this many seconds, whichever comes first.
    :param wistia_conn_id: Airflow connection of type ``wistia``.
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
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.destination = destination
        self.project_id = project_id
        self.file_format = check_file_format(file_format)
        self.fields = fields
        self.max_workers = max_workers
        self.resume = resume
        self.checkpoint_rows = checkpoint_rows
        self.checkpoint_seconds = checkpoint_seconds

    def call(self, hook: Any) -> Any:
        export = StatsExport(
            hook,
            self.destination,
            project_id=self.project_id,
            file_format=self.file_format,
            fields=self.fields,
            max_workers=self.max_workers,
            resume=self.resume,
            checkpoint_rows=self.checkpoint_rows,
            checkpoint_seconds=self.checkpoint_seconds,
        )
        return export.run()

    def lineage_columns(self) -> Sequence[str]:
        return check_fields(self.fields)

    def execute(self, context: Any) -> Any:
        result = super().execute(context)
        # Tell downstream (asset-scheduled) DAGs which file is fresh: the asset event carries it.
        for outlet in self.outlets or ():
            if type(outlet).__name__ == "Asset":
                context["outlet_events"][outlet].extra.update(
                    {"path": result["path"], "rows": result["rows"]}
                )
        return result


__all__ = ["EXPORT_FIELDS", "WistiaExportStatsOperator"]
