"""Export every media's stats of a Wistia account (or project) to one CSV or JSONL file.

Used by :class:`~airflow_provider_wistia.operators.stats.WistiaExportStatsOperator`; callable
on its own as :func:`export_stats`. The file appears atomically, progress survives the task
process dying, and memory stays flat however large the account is.

Checkpoint design. Beside the destination lives a directory ``<destination>.partial/``:

``checkpoint.json``
    ``{"version", "destination", "scope": {"project_id"}, "started"}``, written when the
    directory is created; a directory without it, or for another scope, is discarded.
``part-000001.jsonl``, ...
    finished rows, one ``{"row": {...every column...}, "non_video": bool}`` per line, written
    every ``checkpoint_rows`` rows or ``checkpoint_seconds`` seconds. Each part is written whole
    to ``*.tmp`` and then renamed (an object store writes an object whole anyway), so a part is
    complete or absent; no storage needs to support appends.

A retry reads the hashed ids in the parts and fetches stats only for medias not among them
(the media listing is re-paged: one request per 100 medias). When every media is done, the
parts are streamed, deduplicated on ``hashed_id``, into ``<partial>/assemble.tmp`` in the
requested format and fields, which is then moved onto the destination; the directory is
removed last. Only the set of done hashed ids is kept in memory.
"""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import os
import time
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from airflow_provider_wistia.exceptions import WistiaConfigError, WistiaError, WistiaNotFoundError
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
# Columns filled from GET /medias/<id>/stats and the API's name for each.
STATS_KEYS = {
    "plays": "plays",
    "visitors": "visitors",
    "page_loads": "pageLoads",
    "percent_of_visitors_clicking_play": "percentOfVisitorsClickingPlay",
    "average_percent_watched": "averagePercentWatched",
}
CHECKPOINT_VERSION = 1
_GONE = object()  # the media disappeared between the listing and its stats request

log = logging.getLogger(__name__)


def check_file_format(file_format: Any) -> str:
    if file_format not in FILE_FORMATS:
        raise WistiaConfigError(f"file_format must be one of {', '.join(FILE_FORMATS)}, got {file_format!r}.")
    return str(file_format)


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


class ExportCheckpoint:
    """The ``<destination>.partial/`` directory: finished rows in parts, and the done ids."""

    def __init__(
        self,
        destination: ObjectStoragePath,
        scope: dict[str, Any],
        *,
        rows_per_part: int = 50,
        seconds_per_part: float = 5.0,
    ) -> None:
        self.destination = destination
        self.scope = scope
        self.dir = destination.parent / f"{destination.name}.partial"
        self.manifest = self.dir / "checkpoint.json"
        self.rows_per_part = max(1, rows_per_part)
        self.seconds_per_part = seconds_per_part
        self.done: set[str] = set()
        self.resumed = 0
        self.parts = 0
        self._buffer: list[str] = []
        self._flushed_at = time.monotonic()

    def _part_files(self) -> list[ObjectStoragePath]:
        found = [p for p in self.dir.iterdir() if p.name.startswith("part-") and p.name.endswith(".jsonl")]
        return sorted(found, key=lambda p: p.name)

    def _records(self) -> Iterable[dict[str, Any]]:
        for part in self._part_files():
            with part.open("r", encoding="utf-8") as lines:
                for line in lines:
                    try:
                        record = json.loads(line)
                    except ValueError:  # never expected (parts are whole), but never fatal
                        log.warning("Ignoring the unreadable rest of checkpoint part %s.", part)
                        break
                    yield record

    def open(self, resume: bool) -> None:
        """Load a matching earlier attempt's progress (if ``resume``), else start afresh."""
        if self.dir.exists():
            manifest = self._read_manifest()
            if resume and manifest is not None and manifest.get("scope") == self.scope:
                self.parts = max((int(p.name[5:11]) for p in self._part_files()), default=0)
                for record in self._records():
                    self.done.add(record["row"]["hashed_id"])
                self.resumed = len(self.done)
                log.info("Resuming the export from %s: %d medias already done.", self.dir, self.resumed)
                return
            log.warning("Discarding the checkpoint %s (resume=%s, manifest %s).", self.dir, resume, manifest)
            self.remove()
        self.dir.mkdir(parents=True, exist_ok=True)
        self._write_manifest()

    def _read_manifest(self) -> dict[str, Any] | None:
        try:
            value = json.loads(self.manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return value if isinstance(value, dict) and value.get("version") == CHECKPOINT_VERSION else None

    def _write_manifest(self) -> None:
        manifest = {
            "version": CHECKPOINT_VERSION,
            "destination": str(self.destination),
            "scope": self.scope,
            "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        self._write_whole(self.manifest, json.dumps(manifest, sort_keys=True) + "\n")

    @staticmethod
    def _write_whole(path: ObjectStoragePath, text: str) -> None:
        tmp = path.parent / f"{path.name}.tmp"
        with tmp.open("w", encoding="utf-8") as out:
            out.write(text)
        tmp.rename(path)

    def add(self, row: dict[str, Any], non_video: bool) -> None:
        self._buffer.append(json.dumps({"row": row, "non_video": non_video}, ensure_ascii=False) + "\n")
        due = time.monotonic() - self._flushed_at >= self.seconds_per_part
        if len(self._buffer) >= self.rows_per_part or due:
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows as the next part."""
        if self._buffer:
            self.parts += 1
            self._write_whole(self.dir / f"part-{self.parts:06d}.jsonl", "".join(self._buffer))
            self._buffer.clear()
        self._flushed_at = time.monotonic()

    def assemble(self, fields: list[str], file_format: str) -> tuple[int, int]:
        """Stream the parts (deduplicated) into the final file, moved into place whole.

        Returns ``(rows, non_video_rows)`` as written.
        """
        self.flush()
        tmp = self.dir / f"assemble.{file_format}.tmp"
        seen = self.done  # fetching is over: reuse the done-ids set for de-duplication (one set at peak)
        seen.clear()
        non_video = 0
        with tmp.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out) if file_format == "csv" else None
            if writer is not None:
                writer.writerow(fields)
            for record in self._records():
                row = record["row"]
                if row["hashed_id"] in seen:
                    continue
                seen.add(row["hashed_id"])
                non_video += bool(record.get("non_video"))
                if writer is not None:
                    writer.writerow(["" if row.get(f) is None else row.get(f) for f in fields])
                else:
                    out.write(json.dumps({f: row.get(f) for f in fields}, ensure_ascii=False) + "\n")
        tmp.rename(self.destination)
        return len(seen), non_video

    def remove(self) -> None:
        for path in self.dir.iterdir():
            path.unlink()
        with contextlib.suppress(OSError):  # object stores have no real directories
            self.dir.rmdir()


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
    ) -> None:
        self.hook = hook
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
        """The media's stats JSON; None for a media Wistia has no stats for; _GONE if deleted."""
        try:
            return self.hook.get_media_stats(media["hashed_id"])
        except WistiaNotFoundError:
            return _GONE
        except WistiaError as exc:
            if exc.status_code == 400:  # Wistia refuses stats for anything but a video
                return None
            raise

    def _finish(self, media: dict[str, Any], future: Future[Any] | None, progress: _Progress) -> None:
        stats = future.result() if future is not None else None
        progress.step()
        if stats is _GONE:
            log.warning("Media %s was deleted during the export; it is left out.", media["hashed_id"])
            return
        exported_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.checkpoint.add(build_row(media, stats, exported_at), non_video=stats is None)

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
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            try:
                self.checkpoint.flush()  # keep what is finished for the retry
            except Exception:
                log.exception("Could not save the export's last checkpoint.")
            raise
        pool.shutdown()
        rows, self.skipped_non_video = self.checkpoint.assemble(self.fields, self.file_format)
        self.checkpoint.remove()
        result = {
            "path": str(self.destination),
            "rows": rows,
            "skipped_non_video": self.skipped_non_video,
            "requests": self.hook.requests_sent - requests_before,
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
    checkpoint), ``checkpoint_rows`` / ``checkpoint_seconds`` (how often progress is saved).
    Returns ``{"path", "rows", "skipped_non_video", "requests"}``.
    """
    return StatsExport(hook, destination, **options).run()
