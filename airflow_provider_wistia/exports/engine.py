"""The engine every export shares: list units of work, fetch what each needs in a bounded
pool, checkpoint finished rows, then assemble one CSV or JSONL file atomically.

An export (:class:`Export` subclass) says what its units are (medias, events), which of
them need a request of their own (a media's stats) and what rows each gives. The engine
brings the rest: any ``ObjectStoragePath`` destination, resumable progress
(:mod:`.checkpoint`), at most ``2 * max_workers`` units in memory, progress logs with
an ETA, and a file that appears whole or not at all.
"""

from __future__ import annotations

import logging
import os
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from airflow_provider_wistia.exceptions import WistiaConfigError, WistiaError, WistiaNotFoundError
from airflow_provider_wistia.exports.checkpoint import (
    DEFAULT_MAX_CHECKPOINT_AGE,
    ExportCheckpoint,
    check_max_checkpoint_age,
    hashed_id_key,
)
from airflow_provider_wistia.hooks.tracks import media_count_of

if TYPE_CHECKING:
    from airflow.sdk import ObjectStoragePath

    from airflow_provider_wistia.hooks.wistia import WistiaHook

FILE_FORMATS = ("csv", "jsonl")

log = logging.getLogger("airflow_provider_wistia.export")


def check_file_format(file_format: Any) -> str:
    if file_format not in FILE_FORMATS:
        raise WistiaConfigError(f"file_format must be one of {', '.join(FILE_FORMATS)}, got {file_format!r}.")
    return str(file_format)


def check_fields(fields: Iterable[str] | str | None, allowed: Iterable[str]) -> list[str]:
    """The columns to write, in order: all of ``allowed`` when ``fields`` is None."""
    allowed = tuple(allowed)
    if fields is None:
        return list(allowed)
    if isinstance(fields, str):
        fields = [f.strip() for f in fields.split(",")]
    chosen = list(fields)
    unknown = [f for f in chosen if f not in allowed]
    if unknown or not chosen or len(set(chosen)) != len(chosen):
        raise WistiaConfigError(
            f"fields must be distinct names among {', '.join(allowed)}; got {chosen!r}"
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


def media_count(hook: WistiaHook, project_id: str | None) -> int | None:
    """How many medias an account or project holds (one request), for the ETA; None if unknown."""
    try:
        owner = hook.get_project(project_id) if project_id else hook.get_account()
        return media_count_of(owner)
    except WistiaNotFoundError:
        raise
    except (WistiaError, KeyError, TypeError, ValueError) as exc:
        log.warning("Could not learn the media count (%s); progress will show no total.", exc)
        return None


class _Progress:
    """Logs done/total, rate and ETA at every 10% of the total and at least every 30 s."""

    def __init__(
        self, total: int | None, done: int, every_seconds: float = 30.0, noun: str = "medias"
    ) -> None:
        self.total = total
        self.done = self.start = done
        self.every_seconds = every_seconds
        self.noun = noun
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
                f"Exported {self.done}/{self.total} {self.noun} ({pct:.0f}%), {rate:.1f}/s, about {eta} left."
            )
        else:
            message = f"Exported {self.done} {self.noun} (total unknown), {rate:.1f}/s."
        log.info("%s", message)
        self.logged_at = now
        self.next_mark = self._mark_after(self.done)


class Export(ABC):
    """One export run. Subclasses set :attr:`FIELDS` (every column, in the default order)
    and implement :meth:`units`, :meth:`unit_key` and :meth:`record` (plus :meth:`fetch`
    for units that need a request of their own, and :meth:`total` for an ETA).

    :param hook: the hook; shared by the pool's threads and their rate limiter.
    :param destination: a local path, a URL or an ``ObjectStoragePath``.
    :param scope: what the export covers (a checkpoint of another scope is discarded).
    :param file_format: ``csv`` or ``jsonl``.
    :param fields: the columns to write (default all of :attr:`FIELDS`).
    :param max_workers: :meth:`fetch` calls in flight at once.
    :param resume: continue from a matching checkpoint (False starts afresh).
    :param checkpoint_rows: save progress every this many rows...
    :param checkpoint_seconds: ...or every this many seconds.
    :param max_checkpoint_age: an older checkpoint is discarded (None: never).
    :param row_key: what identifies a row (duplicates are written once).
    """

    FIELDS: ClassVar[tuple[str, ...]]
    unit_name: ClassVar[str] = "medias"

    def __init__(
        self,
        hook: WistiaHook,
        destination: str | os.PathLike[str] | ObjectStoragePath,
        *,
        scope: dict[str, Any],
        file_format: str = "csv",
        fields: Iterable[str] | str | None = None,
        max_workers: int = 4,
        resume: bool = True,
        checkpoint_rows: int = 50,
        checkpoint_seconds: float = 5.0,
        max_checkpoint_age: timedelta | None = DEFAULT_MAX_CHECKPOINT_AGE,
        row_key: Callable[[dict[str, Any]], str] = hashed_id_key,
    ) -> None:
        self.hook = hook
        self.file_format = check_file_format(file_format)
        self.fields = check_fields(fields, self.FIELDS)
        self.destination = storage_path(destination)
        self.max_workers = max(1, int(max_workers))
        self.resume = resume
        self.checkpoint = ExportCheckpoint(
            self.destination,
            scope,
            rows_per_part=checkpoint_rows,
            seconds_per_part=checkpoint_seconds,
            max_age=check_max_checkpoint_age(max_checkpoint_age),
            row_key=row_key,
            unit_name=self.unit_name,
        )
        self.rows_written = 0
        self.non_video_rows = 0

    @abstractmethod
    def units(self) -> Iterable[dict[str, Any]]:
        """The units of work, listed lazily (re-listed by a resumed run)."""

    @abstractmethod
    def unit_key(self, unit: dict[str, Any]) -> str | None:
        """What identifies a unit across attempts (None: the unit is ignored)."""

    @abstractmethod
    def record(self, unit: dict[str, Any], fetched: Any) -> None:
        """Add the unit's rows to :attr:`checkpoint` (``fetched``: what :meth:`fetch` returned)."""

    def needs_fetch(self, unit: dict[str, Any]) -> bool:
        """Whether the unit needs :meth:`fetch` (a request of its own)."""
        return False

    def fetch(self, unit: dict[str, Any]) -> Any:
        """The request a unit needs, run in the pool (never called unless :meth:`needs_fetch`)."""
        return None

    def total(self) -> int | None:
        """How many units there are, for the ETA; None if unknown."""
        return None

    def summary(self) -> dict[str, Any]:
        """What the export adds to its result besides ``path``, ``rows`` and ``requests``."""
        return {}

    def still_listed(self) -> set[str] | None:
        """The unit keys still listed once every unit is done (a unit missing here was deleted
        during the export and is left out of the file), or None: keep every unit."""
        return None

    def run(self) -> dict[str, Any]:
        requests_before = self.hook.requests_sent
        began = time.monotonic()
        total = self.total()
        self.checkpoint.open(self.resume)
        done = self.checkpoint.done
        progress = _Progress(total, len(done), noun=self.unit_name)
        window: deque[tuple[dict[str, Any], Future[Any] | None]] = deque()
        pool = ThreadPoolExecutor(self.max_workers, thread_name_prefix="wistia-export")

        def finish(unit: dict[str, Any], future: Future[Any] | None) -> None:
            fetched = future.result() if future is not None else None
            progress.step()
            self.record(unit, fetched)

        try:
            for unit in self.units():
                key = self.unit_key(unit)
                if not key or key in done:
                    continue
                done.add(key)
                window.append((unit, pool.submit(self.fetch, unit) if self.needs_fetch(unit) else None))
                while window and (len(window) > 2 * self.max_workers or window[0][1] is None):
                    finish(*window.popleft())
            while window:
                finish(*window.popleft())
            self.checkpoint.flush()
            alive = self.still_listed()
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            try:
                self.checkpoint.flush()  # keep what is finished for the retry
            except Exception:
                log.exception("Could not save the export's last checkpoint.")
            raise
        pool.shutdown()
        self.rows_written, self.non_video_rows = self.checkpoint.assemble(
            self.fields, self.file_format, alive
        )
        self.checkpoint.remove()
        result = {
            "path": str(self.destination),
            "rows": self.rows_written,
            "requests": self.hook.requests_sent - requests_before,
            **self.summary(),
        }
        log.info(
            "Wrote %s: %d rows (%d %s resumed) with %d requests in %.1f s.",
            *(result["path"], self.rows_written, self.checkpoint.resumed, self.unit_name, result["requests"]),
            time.monotonic() - began,
        )
        return result


class MediaExport(Export):
    """An export whose units are the medias of the account, or of ``project_id`` when set."""

    project_id: str | None = None

    def total(self) -> int | None:
        return media_count(self.hook, self.project_id)

    def units(self) -> Iterable[dict[str, Any]]:
        return self.hook.iter_medias(project_id=self.project_id)

    def unit_key(self, unit: dict[str, Any]) -> str | None:
        return unit.get("hashed_id")

    def still_listed(self) -> set[str] | None:
        """The hashed ids listed once every media is done: a media missing here was deleted
        during the export, even after its stats were read (one request per 100 medias)."""
        return {
            m["hashed_id"] for m in self.hook.iter_medias(project_id=self.project_id) if m.get("hashed_id")
        }
