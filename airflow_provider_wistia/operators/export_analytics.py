"""``WistiaExportAnalyticsOperator``: the modern Analytics API's daily series, to the warehouse."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_wistia.exports.analytics import ANALYTICS_FIELDS, ANALYTICS_METRICS, AnalyticsExport
from airflow_provider_wistia.hooks.wistia import WistiaHook
from airflow_provider_wistia.operators.base import blank_to_none
from airflow_provider_wistia.operators.exports import EXPORT_PARAMS, WINDOW_PARAMS, _WindowExportOperator
from airflow_provider_wistia.validation import parse_id_list

if TYPE_CHECKING:
    from airflow.sdk import ObjectStoragePath


class WistiaExportAnalyticsOperator(_WindowExportOperator):
    __doc__ = f"""Export one row per media and day to a CSV or JSONL file, from the modern Analytics
    API's daily ``/analytics/medias/<id>/timeseries``: ``{", ".join(ANALYTICS_FIELDS)}``.

    Needs a connection with a modern ``api_version`` (on v1 the task fails before any request).
    One request per audio or video media of the account, of ``folder_id`` or of ``media_ids``,
    in a bounded pool at the connection's rate limit. Returns ``{{"path", "rows", "requests",
    "start_date", "end_date", "deleted_during_export"}}``; links to the folder.

    {EXPORT_PARAMS}
    {WINDOW_PARAMS}
    :param folder_id: only this folder's medias (hashed id; templated).
    :param media_ids: only these medias (templated; a list, or its text).
    :param wistia_conn_id: Airflow connection of type ``wistia`` with a modern ``api_version``.

    Example::

        analytics = WistiaExportAnalyticsOperator(
            task_id="media_analytics",
            destination="s3://warehouse/wistia/analytics/{{{{ ds }}}}.csv",
            start_date="{{{{ ds }}}}",
            end_date="{{{{ ds }}}}",
        )
    """

    template_fields: Sequence[str] = (
        "destination",
        "window_start",
        "window_end",
        "folder_id",
        "media_ids",
        "fields",
    )
    link_kind = "projects"
    link_field = "folder_id"
    export_class = AnalyticsExport
    lineage_column_types = {
        "date": "date",
        **dict.fromkeys(ANALYTICS_METRICS, "integer"),
        **dict.fromkeys(("play_rate", "engagement_rate", "cta_conversion_rate"), "float"),
    }

    def __init__(
        self,
        *,
        destination: str | ObjectStoragePath,
        start_date: Any = None,
        end_date: Any = None,
        folder_id: str | None = None,
        media_ids: Sequence[str] | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(destination=destination, start_date=start_date, end_date=end_date, **kwargs)
        self.folder_id = folder_id
        self.media_ids = media_ids

    def lineage_input_name(self) -> str:
        return f"folders/{self.folder_id}/analytics" if blank_to_none(self.folder_id) else "analytics"

    def call(self, hook: WistiaHook) -> Any:
        start, end = self.window
        export = AnalyticsExport(
            hook,
            self.destination,
            start_date=start,
            end_date=end,
            folder_id=blank_to_none(self.folder_id),
            media_ids=parse_id_list("media_ids", blank_to_none(self.media_ids)),
            **self.engine_options(),
        )
        return export.run()
