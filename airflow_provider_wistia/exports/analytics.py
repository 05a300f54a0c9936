"""The Analytics API export (modern track): one row per media and day, from each media's daily
``/analytics/medias/<id>/timeseries``, on the shared engine (:mod:`.engine`): atomic,
resumable, streaming, CSV or JSONL to any ``ObjectStoragePath``, at the connection's rate limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_wistia.exceptions import WistiaConfigError
from airflow_provider_wistia.exports.activity import MediaDaysExport
from airflow_provider_wistia.validation import require_id

if TYPE_CHECKING:
    from airflow_provider_wistia.hooks.wistia import WistiaHook

# The description's ``media_metrics``, per day.
ANALYTICS_METRICS = (
    "unique_loads",
    "unique_plays",
    "plays",
    "play_rate",
    "played_time",
    "unique_visitors",
    "engagement_rate",
    "cta_impressions",
    "cta_conversions",
    "cta_conversion_rate",
    "form_conversions",
)
ANALYTICS_FIELDS = ("date", "hashed_id", "name", "folder_hashed_id", *ANALYTICS_METRICS)


class AnalyticsExport(MediaDaysExport):
    """One row per media per day of the window, for the account, a folder or listed medias.

    :param folder_id: only this folder's medias (hashed id).
    :param media_ids: only these medias (hashed ids).
    """

    FIELDS = ANALYTICS_FIELDS
    kind = "analytics"
    filter_field = "folder_id"
    container_field = "folder_hashed_id"
    day_columns = ANALYTICS_METRICS

    def __init__(
        self,
        hook: WistiaHook,
        destination: Any,
        *,
        folder_id: str | None = None,
        media_ids: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> None:
        hook.track.require_modern("The analytics export")
        if media_ids is not None and not media_ids:
            raise WistiaConfigError("media_ids is empty: give at least one media, or None for all.")
        self.media_ids = None if media_ids is None else [require_id("media_ids", m) for m in media_ids]
        super().__init__(hook, destination, filter_id=folder_id, **kwargs)

    def total(self) -> int | None:
        return len(self.media_ids) if self.media_ids is not None else None

    def units(self) -> Iterable[dict[str, Any]]:
        return self.hook.iter_medias(project_id=self.project_id, hashed_ids=self.media_ids)

    def fetch_days(self, hashed_id: str) -> Any:
        return self.hook.get_media_analytics_timeseries(hashed_id, self.start_date, self.end_date, "daily")

    @staticmethod
    def day_of(day: dict[str, Any]) -> Any:
        return str(day.get("timestamp") or "")[:10]
