"""Export every media's stats of a Wistia account (or project) to one CSV or JSONL file.

Used by :class:`~airflow_provider_wistia.operators.stats.WistiaExportStatsOperator`; callable
on its own as :func:`export_stats`. The file appears atomically, progress survives the task
process dying, and memory stays flat however large the account is. The media list is paged
with Wistia's cursors, so medias added or deleted during the export never shift it: every
media that exists from start to end is in the file exactly once, and a media deleted during
the export (seen by a 404 or by a last listing at the end) is not. How progress is kept and
the file assembled: :mod:`airflow_provider_wistia.export_checkpoint`.
"""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from airflow_provider_wistia.exceptions import (
    WistiaAuthError,
    WistiaConfigError,
    WistiaError,
    WistiaNotFoundError,
)
from airflow_provider_wistia.export_checkpoint import (
    CHECKPOINT_VERSION,
    DEFAULT_MAX_CHECKPOINT_AGE,
    FORMULA_PREFIXES,
    ExportCheckpoint,
    check_max_checkpoint_age,
    csv_cell,
)
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
FILE_FORMATS = ("csv", "jsonl")
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


log = logging.getLogger(__name__)


def check_file_format(file_format: Any) -> str:
    if file_format not in FILE_FORMATS:
        raise WistiaConfigError(f"file_format must be one of {', '.join(FILE_FORMATS)}, got {file_format!r}.")
    return str(file_format)


def check_on_stats_error(value: Any) -> str:
    if value not in ON_STATS_ERROR:
        raise WistiaConfigError(f"on_stats_error must be 'fail' or 'skip', got {value!r}.")
    return str(value)


def check_fields(fields: Iterable[str] | str | None) -> list[str]:
    """The columns to write, in order: all of :data:`EXPORT_FIELDS` when ``fields`` is None."""
    if fields is None:
        return list(EXPORT_FIELDS)
    if isinstance(fields, str):
        fields = [f.strip() for f in fields.split(",")]
    chosen = list(fields)
    unknown = [f for f in chosen if f not in EXPORT_FIELDS]
    if unknown or not chosen or len(set(chosen)) != len(chosen):
        raise WistiaConfigError(
            f"fields must be distinct names among {', '.join(EXPORT_FIELDS)}; got {chosen!r}"
            + (f" (unknown: {', '.join(map(str, unknown))})." if unknown else ".")
        )
    return chosen


def storage_path(destination: str | os.PathLike[str] | ObjectStoragePath) -> ObjectStoragePath:
    """An ``ObjectStoragePath`` for a URL (``s3://``, ``gs://``, ``file://``...) or a local path."""
    from airflow.sdk import ObjectStoragePath

    if isinstance(destination, ObjectStoragePath):
        return destination
    text = os.fspath(destination).strip()
    if not text:
        raise WistiaConfigError(f"destination is required but was {destination!r} (empty or blank).")
    if "://" in text:
        return ObjectStoragePath(text)
    return ObjectStoragePath("file://" + os.path.abspath(os.path.expanduser(text)))


def build_row(media: dict[str, Any], stats: dict[str, Any] | None, exported_at: str) -> dict[str, Any]:
    """One export row: the media's identity plus its stats (None for a media without stats)."""
    project = media.get("project") or {}
    values = (stats or {}).get("stats") or {}
    row = {
        "hashed_id": media.get("hashed_id"),
        "name": media.get("name"),
        "project_hashed_id": project.get("hashed_id") or project.get("hashedId"),
        "type": media.get("type"),
    }
    row.update({column: values.get(key) for column, key in STATS_KEYS.items()})
    row["exported_at"] = exported_at
    return row


class _Progress:
    """Logs done/total, rate and ETA at every 10% of the total and at least every 30 s."""

    def __init__(self, total: int | None, done: int, every_seconds: float = 30.0) -> None:
        self.total = total
        self.done = self.start = done
        self.every_seconds = every_seconds
        self.began = self.logged_at = time.monotonic()
        self.next_mark = self._mark_after(done)

    def _mark_after(self, done: int) -> int | None:
        if not self.total:
            return None
        step = max(1, self.total // 10)
        return (done // step + 1) * step

    def step(self) -> None:
        self.done += 1
        now = time.monotonic()
        due = self.next_mark is not None and self.done >= self.next_mark
        if due or now - self.logged_at >= self.every_seconds:
            self.report(now)

    def report(self, now: float) -> None:
        rate = (self.done - self.start) / max(now - self.began, 1e-9)
        if self.total:
            eta = f"{max(self.total - self.done, 0) / rate:.0f} s" if rate > 0 else "an unknown time"
            pct = min(100.0, 100.0 * self.done / self.total)
            message = (
                f"Exported {self.done}/{self.total} medias ({pct:.0f}%), {rate:.1f}/s, about {eta} left."
            )
        else:
            message = f"Exported {self.done} medias (total unknown), {rate:.1f}/s."
        log.info("%s", message)
        self.logged_at = now
        self.next_mark = self._mark_after(self.done)


class StatsExport:
    """One export run; see :func:`export_stats` for the parameters."""

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
        self.hook = hook
        self.on_stats_error = check_on_stats_error(on_stats_error)
        self.file_format = check_file_format(file_format)
        self.fields = check_fields(fields)
        self.destination = storage_path(destination)
        self.project_id = require_id("project_id", project_id) if project_id is not None else None
        self.max_workers = max(1, int(max_workers))
        self.resume = resume
        self.checkpoint = ExportCheckpoint(
            self.destination,
            {"project_id": self.project_id},
            rows_per_part=checkpoint_rows,
            seconds_per_part=checkpoint_seconds,
            max_age=check_max_checkpoint_age(max_checkpoint_age),
        )
        self.skipped_non_video = 0

    def _total(self) -> int | None:
        """How many medias the scope holds (one request), for progress; None if unknown."""
        try:
            owner = self.hook.get_project(self.project_id) if self.project_id else self.hook.get_account()
            return int(owner["mediaCount"])
        except WistiaNotFoundError:
            raise
        except (WistiaError, KeyError, TypeError, ValueError) as exc:
            log.warning("Could not learn the media count (%s); progress will show no total.", exc)
            return None

    def _stats(self, media: dict[str, Any]) -> Any:
        """The media's stats JSON; None for a media Wistia has no stats for; _GONE if deleted;
        a :class:`_StatsFailed` for any other error if ``on_stats_error="skip"``."""
        try:
            return self.hook.get_media_stats(media["hashed_id"])
        except WistiaNotFoundError:
            return _GONE
        except WistiaError as exc:
            if exc.status_code == 400:  # Wistia refuses stats for anything but a video
                return None
            if self.on_stats_error == "skip" and not isinstance(exc, (WistiaAuthError, WistiaConfigError)):
                return _StatsFailed(exc)
            raise

    def _finish(self, media: dict[str, Any], future: Future[Any] | None, progress: _Progress) -> None:
        stats = future.result() if future is not None else None
        progress.step()
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

    def _still_listed(self) -> set[str]:
        """The hashed ids listed once all stats are read: a media missing here was deleted
        during the export, even after its stats were read (one request per 100 medias)."""
        return {
            m["hashed_id"] for m in self.hook.iter_medias(project_id=self.project_id) if m.get("hashed_id")
        }

    def run(self) -> dict[str, Any]:
        requests_before = self.hook.requests_sent
        began = time.monotonic()
        total = self._total()
        self.checkpoint.open(self.resume)
        done = self.checkpoint.done
        progress = _Progress(total, len(done))
        window: deque[tuple[dict[str, Any], Future[Any] | None]] = deque()
        pool = ThreadPoolExecutor(self.max_workers, thread_name_prefix="wistia-export")
        try:
            for media in self.hook.iter_medias(project_id=self.project_id):
                hid = media.get("hashed_id")
                if not hid or hid in done:
                    continue
                done.add(hid)
                is_video = media.get("type") == "Video"
                window.append((media, pool.submit(self._stats, media) if is_video else None))
                while window and (len(window) > 2 * self.max_workers or window[0][1] is None):
                    self._finish(*window.popleft(), progress)
            while window:
                self._finish(*window.popleft(), progress)
            self.checkpoint.flush()
            alive = self._still_listed()
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            try:
                self.checkpoint.flush()  # keep what is finished for the retry
            except Exception:
                log.exception("Could not save the export's last checkpoint.")
            raise
        pool.shutdown()
        rows, self.skipped_non_video = self.checkpoint.assemble(self.fields, self.file_format, alive)
        self.checkpoint.remove()
        result = {
            "path": str(self.destination),
            "rows": rows,
            "skipped_non_video": self.skipped_non_video,
            "requests": self.hook.requests_sent - requests_before,
            "deleted_during_export": self.checkpoint.deleted,
            "stats_errors": self.checkpoint.stats_errors,
        }
        log.info(
            "Wrote %s: %d rows (%d without stats, %d resumed) with %d requests in %.1f s.",
            *(result["path"], rows, self.skipped_non_video, self.checkpoint.resumed, result["requests"]),
            time.monotonic() - began,
        )
        return result


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
    "FORMULA_PREFIXES",
    "ExportCheckpoint",
    "StatsExport",
    "check_max_checkpoint_age",
    "csv_cell",
    "export_stats",
]
