"""The exports' checkpoint: progress that survives the task process, and the final file.

Shared by every export (media stats, daily stats, events). A unit of work is one listed
object (a media, an event); it yields rows, each identified by a row key (``hashed_id`` for
the stats export; ``hashed_id`` and ``date`` for daily stats; ``event_key`` for events).

Checkpoint design. Beside the destination lives a directory ``<destination>.partial/``:

``checkpoint.json``
    ``{"version", "destination", "scope": {"project_id"}, "started"}``, written when the
    directory is created; a directory without it, for another scope, or started longer than
    ``max_checkpoint_age`` ago (default 24 hours: a resume must not mix stats of different
    days) is discarded, with a log line saying why.
``part-000001-<writer>.jsonl``, ...
    finished rows, one ``{"row": {...every column...}, "non_video": bool}`` per line (plus
    ``"stats_error": "<error>"`` for a media whose stats failed with ``on_stats_error="skip"``,
    or ``"deleted": true`` for one deleted during the export; ``"unit": "<key>"`` when the
    unit's key is not the row key, and ``"empty": true`` marking a unit done that had no
    rows), written every
    ``checkpoint_rows`` rows or ``checkpoint_seconds`` seconds. Each part is written whole
    to ``*.tmp`` and then renamed (an object store writes an object whole anyway), so a part is
    complete or absent; no storage needs to support appends. ``<writer>`` is random per
    attempt: a zombie try still running beside its retry numbers its parts from the same
    point, and must never replace the retry's part of the same number.

A retry reads the hashed ids in the parts and fetches stats only for medias not among them
(medias whose stats failed are tried once more); the media listing is re-paged with Wistia's
cursors (one request per 100 medias), so medias added or deleted meanwhile never shift it.
When every media is done, the parts are streamed, deduplicated on ``hashed_id`` (a row with
stats wins over an earlier failed attempt), into ``<partial>/assemble.tmp`` in the requested
format and fields, which is then moved onto the destination; the directory is removed last.
Only sets of hashed ids are kept in memory.

CSV output escapes formula injection as OWASP advises: a text cell starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading ``'``, so a spreadsheet shows it as text
instead of running it. JSONL is written unchanged.
"""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from airflow_provider_wistia.exceptions import WistiaConfigError

if TYPE_CHECKING:
    from airflow.sdk import ObjectStoragePath

CHECKPOINT_VERSION = 1
DEFAULT_MAX_CHECKPOINT_AGE = timedelta(hours=24)
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

log = logging.getLogger("airflow_provider_wistia.export_checkpoint")  # its name before the package


def check_max_checkpoint_age(value: Any) -> timedelta | None:
    """A positive ``timedelta`` (or None: a checkpoint never expires)."""
    if value is None or (isinstance(value, timedelta) and value > timedelta(0)):
        return value
    raise WistiaConfigError(f"max_checkpoint_age must be a positive timedelta or None, got {value!r}.")


def hashed_id_key(row: dict[str, Any]) -> str:
    """The row key of the stats export: one row per media."""
    return str(row["hashed_id"])


def csv_cell(value: Any) -> Any:
    """A CSV cell: None as empty; an object or list as its JSON text; text that a spreadsheet
    would run as a formula gets a leading ``'``."""
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class ExportCheckpoint:
    """The ``<destination>.partial/`` directory: finished rows in parts, and the done ids."""

    def __init__(
        self,
        destination: ObjectStoragePath,
        scope: dict[str, Any],
        *,
        rows_per_part: int = 50,
        seconds_per_part: float = 5.0,
        max_age: timedelta | None = DEFAULT_MAX_CHECKPOINT_AGE,
        row_key: Callable[[dict[str, Any]], str] = hashed_id_key,
        unit_name: str = "medias",
    ) -> None:
        self.destination = destination
        self.max_age = max_age
        self.scope = scope
        self.row_key = row_key
        self.unit_name = unit_name
        self.dir = destination.parent / f"{destination.name}.partial"
        self.manifest = self.dir / "checkpoint.json"
        self.rows_per_part = max(1, rows_per_part)
        self.seconds_per_part = seconds_per_part
        self.done: set[str] = set()
        self.resumed = 0
        self.parts = 0
        self.stats_errors: list[dict[str, str]] = []
        self.deleted = 0
        self.writer = uuid.uuid4().hex[:12]  # names this attempt's parts
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

    def unit_of(self, record: dict[str, Any]) -> str:
        """The key of the unit of work a record belongs to (by default its row key)."""
        unit = record.get("unit")
        return str(unit) if unit is not None else self.row_key(record["row"])

    def _resolved(self) -> set[str]:
        """Units with a final record: a row with stats (or none to fetch), deleted, or empty."""
        return {self.unit_of(r) for r in self._records() if not r.get("stats_error")}

    def _age(self, manifest: dict[str, Any]) -> timedelta | None:
        try:
            return datetime.now(timezone.utc) - datetime.fromisoformat(manifest["started"])
        except (KeyError, TypeError, ValueError):
            return None

    def open(self, resume: bool) -> None:
        """Load a matching, recent earlier attempt's progress (if ``resume``), else start afresh."""
        if self.dir.exists():
            manifest = self._read_manifest()
            age = self._age(manifest) if manifest is not None else None
            expired = self.max_age is not None and age is not None and age > self.max_age
            if resume and not expired and manifest is not None and manifest.get("scope") == self.scope:
                self.parts = max((int(p.name[5:11]) for p in self._part_files()), default=0)
                self.done = self._resolved()
                self.resumed = len(self.done)
                log.info(
                    "Resuming the export from %s: %d %s already done.", self.dir, self.resumed, self.unit_name
                )
                return
            if expired:
                log.warning(
                    "Discarding the checkpoint %s: it was started %s ago, more than max_checkpoint_age=%s "
                    "(resuming would mix stats read on different days).",
                    *(self.dir, str(age).split(".")[0], self.max_age),
                )
            else:
                log.warning(
                    "Discarding the checkpoint %s (resume=%s, manifest %s).", self.dir, resume, manifest
                )
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

    def add(self, row: dict[str, Any], non_video: bool, **marks: Any) -> None:
        """Buffer a finished row; ``marks``: ``stats_error="..."``, ``deleted=True``,
        ``unit="<key>"`` (when not the row key) or ``empty=True`` (a unit without rows)."""
        record = {"row": row, "non_video": non_video, **marks}
        self._buffer.append(json.dumps(record, ensure_ascii=False) + "\n")
        due = time.monotonic() - self._flushed_at >= self.seconds_per_part
        if len(self._buffer) >= self.rows_per_part or due:
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows as the next part."""
        if self._buffer:
            self.parts += 1
            name = f"part-{self.parts:06d}-{self.writer}.jsonl"
            self._write_whole(self.dir / name, "".join(self._buffer))
            self._buffer.clear()
        self._flushed_at = time.monotonic()

    def assemble(self, fields: list[str], file_format: str, alive: set[str] | None = None) -> tuple[int, int]:
        """Stream the parts (deduplicated) into the final file, moved into place whole.

        Units not in ``alive`` (when given: the ids listed at the end) were deleted during the
        export and are left out. Returns ``(rows, non_video_rows)`` as written; fills
        :attr:`stats_errors` (medias written with empty stats because their stats failed) and
        :attr:`deleted` (medias left out because they were deleted).
        """
        self.flush()
        tmp = self.dir / f"assemble.{file_format}.tmp"
        self.done.clear()  # fetching is over: free it before building the sets below
        resolved, seen, deleted = self._resolved(), set(), set()
        non_video = rows = 0
        with tmp.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out) if file_format == "csv" else None
            if writer is not None:
                writer.writerow(fields)
            for record in self._records():
                row = record["row"]
                if record.get("empty"):
                    continue  # marks a unit done that had no rows
                key = self.row_key(row)
                if key in seen or (record.get("stats_error") and self.unit_of(record) in resolved):
                    continue  # a duplicate, or a failed attempt that a later one replaced
                seen.add(key)
                if record.get("deleted") or (alive is not None and self.unit_of(record) not in alive):
                    deleted.add(self.unit_of(record))
                    continue
                if record.get("stats_error"):
                    self.stats_errors.append({"hashed_id": key, "error": record["stats_error"]})
                rows += 1
                non_video += bool(record.get("non_video"))
                if writer is not None:
                    writer.writerow([csv_cell(row.get(f)) for f in fields])
                else:
                    out.write(json.dumps({f: row.get(f) for f in fields}, ensure_ascii=False) + "\n")
        tmp.rename(self.destination)
        self.deleted = len(deleted)
        return rows, non_video

    def remove(self) -> None:
        for path in self.dir.iterdir():
            path.unlink()
        with contextlib.suppress(OSError):  # object stores have no real directories
            self.dir.rmdir()
