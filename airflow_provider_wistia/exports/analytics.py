"""The Analytics API export (modern track): one row per media and day, from each media's daily
``/analytics/medias/<id>/timeseries``, on the shared engine (:mod:`.engine`): atomic,
resumable, streaming, CSV or JSONL to any ``ObjectStoragePath``, at the connection's rate limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_wistia.exceptions import WistiaConfigError, WistiaError, WistiaNotFoundError
from airflow_provider_wistia.exports.activity import PLAYABLE_TYPES, WindowExport
from airflow_provider_wistia.exports.engine import MediaExport
from airflow_provider_wistia.hooks.tracks import container_hashed_id
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
_GONE = object()


class AnalyticsExport(WindowExport, MediaExport):
    """One row per media per day of the window, for the account, a folder or listed medias.

    :param folder_id: only this folder's medias (hashed id).
    :param media_ids: only these medias (hashed ids).
    """

    FIELDS = ANALYTICS_FIELDS
    kind = "analytics"
    filter_field = "folder_id"

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
        self.project_id = self.filter_id  # the engine's name for the folder whose medias are listed

    def total(self) -> int | None:
        return len(self.media_ids) if self.media_ids is not None else None

    def units(self) -> Iterable[dict[str, Any]]:
        return self.hook.iter_medias(project_id=self.project_id, hashed_ids=self.media_ids)

    @staticmethod
    def row_key(row: dict[str, Any]) -> str:
        return f"{row['hashed_id']}/{row.get('date')}"

    def needs_fetch(self, unit: dict[str, Any]) -> bool:
        return unit.get("type") in PLAYABLE_TYPES

    def fetch(self, unit: dict[str, Any]) -> Any:
        """The media's daily series; None when Wistia has none for it (400); _GONE if deleted."""
        try:
            return self.hook.get_media_analytics_timeseries(
                unit["hashed_id"], self.start_date, self.end_date, "daily"
            )
        except WistiaNotFoundError:
            return _GONE
        except WistiaError as exc:
            if exc.status_code == 400:
                return None
            raise

    def record(self, unit: dict[str, Any], fetched: Any) -> None:
        hid = unit["hashed_id"]
        if fetched is _GONE:
            self.checkpoint.add({"hashed_id": hid}, non_video=False, unit=hid, deleted=True)
            return
        identity = {"hashed_id": hid, "name": unit.get("name"), "folder_hashed_id": container_hashed_id(unit)}
        days = [day for day in fetched or () if isinstance(day, dict)]
        for day in days:
            row = {"date": str(day.get("timestamp") or "")[:10], **identity}
            row.update({metric: day.get(metric) for metric in ANALYTICS_METRICS})
            self.checkpoint.add(row, non_video=False, unit=hid)
        if not days:  # mark the media done, so a resume does not ask again
            self.checkpoint.add({"hashed_id": hid}, non_video=fetched is None, unit=hid, empty=True)

    def summary(self) -> dict[str, Any]:
        return {**super().summary(), "deleted_during_export": self.checkpoint.deleted}
