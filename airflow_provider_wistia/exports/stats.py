"""Export every media's stats of a Wistia account (or project) to one CSV or JSONL file.

Used by :class:`~airflow_provider_wistia.operators.stats.WistiaExportStatsOperator`; callable
on its own as :func:`export_stats`. The file appears atomically, progress survives the task
process dying, and memory stays flat however large the account is. The media list is paged
with Wistia's cursors, so medias added or deleted during the export never shift it: every
media that exists from start to end is in the file exactly once, and a media deleted during
the export (seen by a 404 or by a last listing at the end) is not. How progress is kept and
the file assembled: :mod:`airflow_provider_wistia.exports.checkpoint`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from airflow_provider_wistia.exceptions import (
    WistiaAuthError,
    WistiaConfigError,
    WistiaError,
    WistiaNotFoundError,
)
from airflow_provider_wistia.exports.checkpoint import (
    CHECKPOINT_VERSION,
    DEFAULT_MAX_CHECKPOINT_AGE,
    FORMULA_PREFIXES,
    ExportCheckpoint,
    check_max_checkpoint_age,
    csv_cell,
)
from airflow_provider_wistia.exports.engine import (
    FILE_FORMATS,
    MediaExport,
    check_file_format,
    storage_path,
)
from airflow_provider_wistia.exports.engine import check_fields as _check_fields
from airflow_provider_wistia.hooks.tracks import container_hashed_id
from airflow_provider_wistia.validation import require_id

if TYPE_CHECKING:
    from airflow.sdk import ObjectStoragePath

    from airflow_provider_wistia.hooks.wistia import WistiaHook

EXPORT_FIELDS = (
    "hashed_id",
    "name",
    "project_hashed_id",
    "type",
    "plays",
    "visitors",
    "page_loads",
    "percent_of_visitors_clicking_play",
    "average_percent_watched",
    "exported_at",
)
ON_STATS_ERROR = ("fail", "skip")
# Columns filled from GET /medias/<id>/stats and the API's name for each.
STATS_KEYS = {
    "plays": "plays",
    "visitors": "visitors",
    "page_loads": "pageLoads",
    "percent_of_visitors_clicking_play": "percentOfVisitorsClickingPlay",
    "average_percent_watched": "averagePercentWatched",
}
_GONE = object()  # the media disappeared between the listing and its stats request


class _StatsFailed:
    """The stats of one media failed after the hook's retries (with ``on_stats_error="skip"``)."""

    def __init__(self, error: WistiaError) -> None:
        self.error = error


log = logging.getLogger("airflow_provider_wistia.export")  # the name it had before the package


def check_on_stats_error(value: Any) -> str:
    if value not in ON_STATS_ERROR:
        raise WistiaConfigError(f"on_stats_error must be 'fail' or 'skip', got {value!r}.")
    return str(value)


def check_fields(fields: Iterable[str] | str | None) -> list[str]:
    """The columns to write, in order: all of :data:`EXPORT_FIELDS` when ``fields`` is None."""
    return _check_fields(fields, EXPORT_FIELDS)


def build_row(media: dict[str, Any], stats: dict[str, Any] | None, exported_at: str) -> dict[str, Any]:
    """One export row: the media's identity plus its stats (None for a media without stats)."""
    values = (stats or {}).get("stats") or {}
    row = {
        "hashed_id": media.get("hashed_id"),
        "name": media.get("name"),
        "project_hashed_id": container_hashed_id(media),  # a folder's, on the modern track
        "type": media.get("type"),
    }
    row.update({column: values.get(key) for column, key in STATS_KEYS.items()})
    row["exported_at"] = exported_at
    return row


class StatsExport(MediaExport):
    """One export run; see :func:`export_stats` for the parameters."""

    FIELDS = EXPORT_FIELDS

    def __init__(
        self,
        hook: WistiaHook,
        destination: str | os.PathLike[str] | ObjectStoragePath,
        *,
        project_id: str | None = None,
        file_format: str = "csv",
        fields: Iterable[str] | str | None = None,
        max_workers: int = 4,
        resume: bool = True,
        checkpoint_rows: int = 50,
        checkpoint_seconds: float = 5.0,
        on_stats_error: str = "fail",
        max_checkpoint_age: timedelta | None = DEFAULT_MAX_CHECKPOINT_AGE,
    ) -> None:
        self.on_stats_error = check_on_stats_error(on_stats_error)
        self.project_id = require_id("project_id", project_id) if project_id is not None else None
        super().__init__(
            hook,
            destination,
            scope={"project_id": self.project_id},
            file_format=file_format,
            fields=fields,
            max_workers=max_workers,
            resume=resume,
            checkpoint_rows=checkpoint_rows,
            checkpoint_seconds=checkpoint_seconds,
            max_checkpoint_age=max_checkpoint_age,
        )

    def needs_fetch(self, unit: dict[str, Any]) -> bool:
        return unit.get("type") == "Video"  # Wistia has stats for videos only

    def fetch(self, unit: dict[str, Any]) -> Any:
        """The media's stats JSON; None for a media Wistia has no stats for; _GONE if deleted;
        a :class:`_StatsFailed` for any other error if ``on_stats_error="skip"``."""
        try:
            return self.hook.get_media_stats(unit["hashed_id"])
        except WistiaNotFoundError:
            return _GONE
        except WistiaError as exc:
            if exc.status_code == 400:  # Wistia refuses stats for anything but a video
                return None
            if self.on_stats_error == "skip" and not isinstance(exc, (WistiaAuthError, WistiaConfigError)):
                return _StatsFailed(exc)
            raise

    def record(self, unit: dict[str, Any], fetched: Any) -> None:
        media, stats = unit, fetched
        exported_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        if stats is _GONE:
            log.warning("Media %s was deleted during the export; it is left out.", media["hashed_id"])
            self.checkpoint.add({"hashed_id": media["hashed_id"]}, non_video=False, deleted=True)
        elif isinstance(stats, _StatsFailed):
            log.warning(
                "The stats of media %s failed (%s); on_stats_error='skip', so its row has empty stats.",
                *(media["hashed_id"], stats.error),
            )
            row = build_row(media, None, exported_at)
            self.checkpoint.add(row, non_video=False, stats_error=str(stats.error))
        else:
            self.checkpoint.add(build_row(media, stats, exported_at), non_video=stats is None)

    @property
    def skipped_non_video(self) -> int:
        return self.non_video_rows

    def summary(self) -> dict[str, Any]:
        return {
            "skipped_non_video": self.non_video_rows,
            "deleted_during_export": self.checkpoint.deleted,
            "stats_errors": self.checkpoint.stats_errors,
        }


def export_stats(
    hook: WistiaHook,
    destination: str | os.PathLike[str] | ObjectStoragePath,
    **options: Any,
) -> dict[str, Any]:
    """Export one row per media of the account (or ``project_id``) to ``destination``.

    Options: ``project_id``, ``file_format`` (``csv``/``jsonl``), ``fields`` (a subset of
    :data:`EXPORT_FIELDS`, in the order wanted), ``max_workers`` (stats requests in flight,
    sharing the hook and its rate limiter), ``resume`` (False discards an earlier attempt's
    checkpoint), ``checkpoint_rows`` / ``checkpoint_seconds`` (how often progress is saved),
    ``on_stats_error`` (``"fail"``, or ``"skip"``: a media whose stats keep failing gets empty
    stats), ``max_checkpoint_age`` (an older checkpoint is discarded; default 24 hours).
    Returns ``{"path", "rows", "skipped_non_video", "requests", "deleted_during_export",
    "stats_errors"}``: ``deleted_during_export`` counts the medias listed but deleted during the
    export (their stats answered 404, or a last listing at the end no longer has them; one
    request per 100 medias): they are left out of the file. ``stats_errors`` holds
    ``{"hashed_id", "error"}`` of each media written with empty stats after its stats failed.
    """
    return StatsExport(hook, destination, **options).run()


__all__ = [
    "CHECKPOINT_VERSION",
    "DEFAULT_MAX_CHECKPOINT_AGE",
    "EXPORT_FIELDS",
    "FILE_FORMATS",
    "FORMULA_PREFIXES",
    "ExportCheckpoint",
    "StatsExport",
    "check_file_format",
    "check_max_checkpoint_age",
    "csv_cell",
    "export_stats",
    "storage_path",
]
