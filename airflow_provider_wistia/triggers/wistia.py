"""Deferrable triggers of the Wistia provider, and an event trigger for asset watchers.

Every trigger calls the provider's one (synchronous) :class:`WistiaHook` in a worker
thread (``asyncio.to_thread``) and sleeps with ``asyncio.sleep``, so the triggerer's
event loop is never blocked. Errors in :data:`conditions.TRANSIENT_ERRORS` (rate limits
and 5xx that survived the hook's own retries, connection problems) are retried inside
the trigger with a doubling back-off; nothing else is retried.

Task triggers fire one JSON event and stop::

    {"status": "success" | "failure" | "timeout" | "error",
     "<media | medias | stats>": <the last object read, or None>,
     "message": "...", "error_type": "WistiaAuthError"  # "error" events only}

"failure" means the media reached a failure status; "error" a non-transient error (auth,
404, bad arguments); "timeout" that ``end_time`` (epoch seconds, set by the deferring
sensor) passed first. :func:`conditions.result_from_event` decodes them.
"""

from __future__ import annotations

import asyncio
import time
from abc import abstractmethod
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Collection
from contextlib import aclosing
from datetime import datetime, timedelta
from typing import Any, ClassVar, TypeVar

from airflow.triggers.base import BaseEventTrigger, BaseTrigger, TriggerEvent

from airflow_provider_wistia.hooks.wistia import WistiaHook
from airflow_provider_wistia.triggers.conditions import (
    TRANSIENT_ERRORS,
    Outcome,
    backoff_delay,
    canonical_metric,
    check_interval,
    check_media_stats,
    check_media_status,
    check_new_medias,
    check_statuses,
    check_threshold,
    error_event_fields,
    find_new_medias,
    media_created,
    parse_timestamp,
)
from airflow_provider_wistia.validation import require_id

T = TypeVar("T")
# The event trigger re-reads the medias created this long before the newest one it has
# seen, so medias that show up in listings late (or within the same second) are not missed.
CURSOR_LOOKBACK = timedelta(minutes=10)
CURSOR_STATE_KEY = "wistia_new_media_cursor"


class _WistiaPollingTrigger(BaseTrigger):
    """Connection id, poll interval and the thread-offloaded poll loop shared by all triggers.

    :param wistia_conn_id: Airflow connection of type ``wistia``.
    :param poll_interval: seconds between polls (a float >= 0).
    """

    def __init__(self, *, wistia_conn_id: str, poll_interval: float) -> None:
        super().__init__()
        self.wistia_conn_id = wistia_conn_id
        self.poll_interval = check_interval("poll_interval", poll_interval)

    def _classpath(self) -> str:
        return f"{type(self).__module__}.{type(self).__name__}"

    def _delay(self, failures: int) -> float:
        """Seconds before the next poll: the interval, or a back-off after transient errors."""
        return backoff_delay(self.poll_interval, failures) if failures else self.poll_interval

    async def _polls(self, check: Callable[[WistiaHook], T]) -> AsyncGenerator[T | None, None]:
        """Yield ``check(hook)`` run in a thread, forever; None after a transient error."""
        hook = WistiaHook(wistia_conn_id=self.wistia_conn_id)
        failures = 0
        try:
            while True:
                try:
                    result: T | None = await asyncio.to_thread(check, hook)
                    failures = 0
                except TRANSIENT_ERRORS as exc:
                    failures += 1
                    result = None
                    self.log.warning("Transient Wistia error (failure %d in a row): %s", failures, exc)
                yield result
                await asyncio.sleep(self._delay(failures))
        finally:
            hook.close()


class _WistiaTaskTrigger(_WistiaPollingTrigger):
    """A trigger behind a deferred task: polls a check until it is done, failed or out of time.

    :param wistia_conn_id: Airflow connection of type ``wistia``.
    :param poll_interval: seconds between polls.
    :param end_time: optional epoch seconds after which a "timeout" event is fired.
    """

    object_key: ClassVar[str] = "object"

    def __init__(self, *, wistia_conn_id: str, poll_interval: float, end_time: float | None = None) -> None:
        super().__init__(wistia_conn_id=wistia_conn_id, poll_interval=poll_interval)
        self.end_time = None if end_time is None else float(end_time)

    @abstractmethod
    def _own_kwargs(self) -> dict[str, Any]:
        """Implemented by each subclass."""

    @abstractmethod
    def check(self, hook: WistiaHook) -> Outcome:
        """One synchronous check (runs in a worker thread)."""

    def serialize(self) -> tuple[str, dict[str, Any]]:
        common = {"wistia_conn_id": self.wistia_conn_id, "poll_interval": self.poll_interval}
        return self._classpath(), {**self._own_kwargs(), **common, "end_time": self.end_time}

    def _delay(self, failures: int) -> float:
        delay = super()._delay(failures)
        return delay if self.end_time is None else max(0.0, min(delay, self.end_time - time.time()))

    def _event(self, status: str, value: Any, message: str, **extra: Any) -> TriggerEvent:
        return TriggerEvent({"status": status, self.object_key: value, "message": message, **extra})

    async def run(self) -> AsyncIterator[TriggerEvent]:
        last = Outcome(False, message="no successful read yet")
        try:
            async with aclosing(self._polls(self.check)) as polls:
                async for outcome in polls:
                    if outcome is not None:
                        last = outcome
                        if outcome.done or outcome.failed:
                            status = "success" if outcome.done else "failure"
                            yield self._event(status, outcome.value, outcome.message)
                            return
                        self.log.info("%s", outcome.message)
                    if self.end_time is not None and time.time() >= self.end_time:
                        yield self._event("timeout", last.value, f"Timed out; last check: {last.message}")
                        return
        except Exception as exc:  # auth, 404, bad arguments: report, never retry
            yield self._event("error", last.value, **error_event_fields(exc))


class WistiaMediaStatusTrigger(_WistiaTaskTrigger):
    """Wait until a media's ``status`` is a target (e.g. ``ready``) or a failure status.

    :param media_id: hashed id of the media.
    :param wistia_conn_id: Airflow connection of type ``wistia``.
    :param target_statuses: statuses that end the wait successfully.
    :param failure_statuses: statuses that end it with a "failure" event.
    :param poll_interval: seconds between reads of the media.
    :param end_time: optional epoch seconds after which a "timeout" event is fired.
    """

    object_key = "media"

    def __init__(
        self,
        media_id: str,
        wistia_conn_id: str = WistiaHook.default_conn_name,
        target_statuses: Collection[str] = ("ready",),
        failure_statuses: Collection[str] = ("failed",),
        poll_interval: float = 30,
        end_time: float | None = None,
    ) -> None:
        super().__init__(wistia_conn_id=wistia_conn_id, poll_interval=poll_interval, end_time=end_time)
        self.media_id = require_id("media_id", media_id)
        self.target_statuses, self.failure_statuses = check_statuses(target_statuses, failure_statuses)

    def _own_kwargs(self) -> dict[str, Any]:
        targets, failures = self.target_statuses, self.failure_statuses
        return {"media_id": self.media_id, "target_statuses": targets, "failure_statuses": failures}

    def check(self, hook: WistiaHook) -> Outcome:
        return check_media_status(hook, self.media_id, self.target_statuses, self.failure_statuses)


class WistiaNewMediaTrigger(_WistiaTaskTrigger):
    """Wait until a project holds media created at or after ``since`` and not in ``known_media_ids``.

    :param project_id: hashed id of the project.
    :param since: datetime or ISO-8601 string (None: every media counts unless known).
    :param known_media_ids: hashed ids that do not count as new.
    :param wistia_conn_id: Airflow connection of type ``wistia``.
    :param poll_interval: seconds between listings.
    :param end_time: optional epoch seconds after which a "timeout" event is fired.
    """

    object_key = "medias"

    def __init__(
        self,
        project_id: str,
        since: datetime | str | None,
        known_media_ids: Collection[str] | None = None,
        wistia_conn_id: str = WistiaHook.default_conn_name,
        poll_interval: float = 60,
        end_time: float | None = None,
    ) -> None:
        super().__init__(wistia_conn_id=wistia_conn_id, poll_interval=poll_interval, end_time=end_time)
        self.project_id = require_id("project_id", project_id)
        self.since = None if since is None else parse_timestamp("since", since)
        self.known_media_ids = None if known_media_ids is None else sorted(set(known_media_ids))

    def _own_kwargs(self) -> dict[str, Any]:
        since = None if self.since is None else self.since.isoformat()
        return {"project_id": self.project_id, "since": since, "known_media_ids": self.known_media_ids}

    def check(self, hook: WistiaHook) -> Outcome:
        return check_new_medias(hook, self.project_id, self.since, self.known_media_ids)


class WistiaMediaStatsTrigger(_WistiaTaskTrigger):
    """Wait until a metric of ``/medias/<id>/stats`` reaches a threshold.

    :param media_id: hashed id of the (video) media.
    :param metric: plays, visitors, pageLoads, percentOfVisitorsClickingPlay or
        averagePercentWatched (snake_case accepted).
    :param threshold: the value the metric must reach.
    :param wistia_conn_id: Airflow connection of type ``wistia``.
    :param poll_interval: seconds between reads of the stats.
    :param end_time: optional epoch seconds after which a "timeout" event is fired.
    """

    object_key = "stats"

    def __init__(
        self,
        media_id: str,
        metric: str,
        threshold: float,
        wistia_conn_id: str = WistiaHook.default_conn_name,
        poll_interval: float = 60,
        end_time: float | None = None,
    ) -> None:
        super().__init__(wistia_conn_id=wistia_conn_id, poll_interval=poll_interval, end_time=end_time)
        self.media_id = require_id("media_id", media_id)
        self.metric = canonical_metric(metric)
        self.threshold = check_threshold(threshold)

    def _own_kwargs(self) -> dict[str, Any]:
        return {"media_id": self.media_id, "metric": self.metric, "threshold": self.threshold}

    def check(self, hook: WistiaHook) -> Outcome:
        return check_media_stats(hook, self.media_id, self.metric, self.threshold)


class WistiaNewMediaEventTrigger(_WistiaPollingTrigger, BaseEventTrigger):
    """Fire one event per media added to a project, for ``AssetWatcher`` (event-driven DAGs).

    Keeps a cursor: the newest ``created`` it has seen and the hashed ids seen within
    :data:`CURSOR_LOOKBACK` before it. Each poll lists the project newest first down to that
    window (usually one request) and fires for ids not seen yet, oldest first. The first
    poll records what exists as the baseline (no events) unless ``known_media_ids`` is given,
    in which case every media not in it fires. On Airflow >= 3.3 the cursor is saved in the
    watched asset's state store (``asset_state_store``) and reloaded after a triggerer
    restart; elsewhere, or when one trigger watches several assets, it lives in memory and a
    restart takes a new baseline (medias added while the triggerer was down are missed).
    A media moved in from another project keeps its old ``created`` and is not seen.

    Events: ``{"status": "success", "media": {...}, "project_id": ..., "message": ...}``.
    Non-transient errors (auth, 404) are raised: the triggerer logs them and restarts it.

    :param project_id: hashed id of the watched project.
    :param poll_interval: seconds between listings.
    :param wistia_conn_id: Airflow connection of type ``wistia``.
    :param known_media_ids: hashed ids already handled; if given, no baseline is taken.
    """

    def __init__(
        self,
        project_id: str,
        poll_interval: float = 60,
        wistia_conn_id: str = WistiaHook.default_conn_name,
        known_media_ids: Collection[str] | None = None,
    ) -> None:
        super().__init__(wistia_conn_id=wistia_conn_id, poll_interval=poll_interval)
        self.project_id = require_id("project_id", project_id)
        self.known_media_ids = None if known_media_ids is None else sorted(set(known_media_ids))
        self.newest: datetime | None = None
        self.seen: dict[str, datetime] | None = None  # None until the baseline is taken
        self._dirty = False

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return self._classpath(), {
            "project_id": self.project_id,
            "poll_interval": self.poll_interval,
            "wistia_conn_id": self.wistia_conn_id,
            "known_media_ids": self.known_media_ids,
        }

    # ------------------------------------------------------------------ cursor
    def cursor_state(self) -> dict[str, Any]:
        """The cursor as JSON: what is saved in the asset state store."""
        return {
            "project_id": self.project_id,
            "newest": None if self.newest is None else self.newest.isoformat(),
            "seen": {hid: when.isoformat() for hid, when in (self.seen or {}).items()},
        }

    def restore_cursor(self, state: Any) -> bool:
        """Adopt a saved cursor of this project; False if ``state`` is not one."""
        if not isinstance(state, dict) or state.get("project_id") != self.project_id:
            return False
        try:
            newest = state.get("newest")
            self.newest = None if newest is None else parse_timestamp("newest", newest)
            self.seen = {hid: parse_timestamp("seen", when) for hid, when in dict(state["seen"]).items()}
        except Exception:
            self.newest, self.seen = None, None
            return False
        return True

    def _remember(self, medias: list[dict[str, Any]]) -> None:
        seen = self.seen if self.seen is not None else {}
        for media in medias:
            created = media_created(media)
            if created is not None and isinstance(media.get("hashed_id"), str):
                seen[media["hashed_id"]] = created
                self.newest = created if self.newest is None else max(self.newest, created)
        floor = None if self.newest is None else self.newest - CURSOR_LOOKBACK
        self.seen = {hid: when for hid, when in seen.items() if floor is None or when >= floor}
        self._dirty = True

    def poll(self, hook: WistiaHook) -> list[dict[str, Any]]:
        """One synchronous poll (runs in a thread): the medias not seen before, oldest first."""
        pid = self.project_id
        if self.seen is None and self.known_media_ids is None:  # baseline: the newest, then its window
            newest = hook.iter_medias(project_id=pid, sort_by="created", sort_direction=0, per_page=1)
            created = media_created(next(newest, {}))
            floor = None if created is None else created - CURSOR_LOOKBACK
            self._remember(find_new_medias(hook, pid, floor, None))
            return []
        if self.seen is None:  # known_media_ids given: everything else is new
            medias = find_new_medias(hook, pid, None, None)
            self._remember(medias)
            known = set(self.known_media_ids or ())
            new = [media for media in medias if media.get("hashed_id") not in known]
        else:
            floor = None if self.newest is None else self.newest - CURSOR_LOOKBACK
            new = find_new_medias(hook, pid, floor, self.seen)
            if new:
                self._remember(new)
        return [media for media in new if media_created(media) is not None]

    async def _state_store(self, action: str, *args: Any) -> Any:
        store = getattr(self, "asset_state_store", None)  # injected by the triggerer (Airflow >= 3.3)
        if store is None:
            return None
        try:
            return await getattr(store, action)(CURSOR_STATE_KEY, *args)
        except Exception as exc:
            self.log.warning("Cannot %s the Wistia media cursor in the asset state store: %s", action, exc)
            return None

    # ------------------------------------------------------------------ run
    async def run(self) -> AsyncIterator[TriggerEvent]:
        if self.seen is None and self.restore_cursor(await self._state_store("aget")):
            self.log.info("Resuming the cursor of Wistia project %s at %s", self.project_id, self.newest)
        async with aclosing(self._polls(self.poll)) as polls:
            async for new in polls:
                for media in new or ():
                    message = f"New media {media.get('hashed_id')} in Wistia project {self.project_id}."
                    self.log.info("%s", message)
                    payload = {"status": "success", "media": media, "project_id": self.project_id}
                    yield TriggerEvent({**payload, "message": message})
                if self._dirty:
                    self._dirty = False
                    await self._state_store("aset", self.cursor_state())
