"""Deferrable triggers of the Wistia provider (the asset watchers' event trigger lives in :mod:`.events`).

No trigger holds a thread while it waits. Requests go through the asynchronous client
(:mod:`..hooks.async_client`: httpx, the hook's own retry policy and error mapping, the
connection's shared rate limiter) and every wait is ``asyncio.sleep``. Status and
new-media triggers of one connection share one poller per triggerer process
(:mod:`.pollers`), so a thousand waits cost ten requests a round. Errors in
:data:`conditions.TRANSIENT_ERRORS` (rate limits and 5xx that survived the client's own
retries, connection problems) are retried with a doubling back-off, and so is a new-media
watch whose first read is refused (401/403/404, a missing connection: up to 15 minutes apart,
one log line each); a status wait hears the other errors of its own media only.

Task triggers fire one JSON event and stop::

    {"status": "success" | "failure" | "timeout" | "error",
     "<media | medias | stats>": <the last object read, or None>,
     "message": "...", "error_type": "WistiaAuthError"  # "error" events only}

"failure" means the media reached a failure status; "error" a non-transient error (auth,
404, bad arguments); "timeout" that ``end_time`` (epoch seconds, set by the deferring
sensor) passed first: it fires on time whatever ``Retry-After`` the server sent.
:func:`conditions.result_from_event` decodes them.
"""

from __future__ import annotations

import asyncio
import time
from abc import abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from airflow.triggers.base import BaseTrigger, TriggerEvent

from airflow_provider_wistia.hooks.async_client import WistiaAsyncClient, shared_client
from airflow_provider_wistia.hooks.wistia import WistiaHook
from airflow_provider_wistia.triggers.conditions import (
    TRANSIENT_ERRORS,
    Outcome,
    backoff_delay,
    canonical_metric,
    check_interval,
    check_statuses,
    check_threshold,
    error_event_fields,
    media_created,
    media_stats_outcome,
    media_status_outcome,
    new_medias_outcome,
    parse_timestamp,
)
from airflow_provider_wistia.triggers.cursor import CURSOR_LOOKBACK, utc_now
from airflow_provider_wistia.triggers.events import WistiaNewMediaEventTrigger
from airflow_provider_wistia.triggers.pollers import (
    JoinFailure,
    MediaStatusPoller,
    NewMediaPoller,
    NewMediaWatch,
)
from airflow_provider_wistia.validation import require_id

T = TypeVar("T")
__all__ = [
    "CURSOR_LOOKBACK",
    "WistiaMediaStatsTrigger",
    "WistiaMediaStatusTrigger",
    "WistiaNewMediaEventTrigger",
    "WistiaNewMediaTrigger",
]


class _WistiaPollingTrigger(BaseTrigger):
    """Connection id and poll interval, shared by all triggers.

    :param wistia_conn_id: Airflow connection of type ``wistia``.
    :param poll_interval: seconds between polls (a float >= 0).
    """

    def __init__(self, *, wistia_conn_id: str, poll_interval: float) -> None:
        super().__init__()
        self.wistia_conn_id = wistia_conn_id
        self.poll_interval = check_interval("poll_interval", poll_interval)

    def _classpath(self) -> str:
        return f"{type(self).__module__}.{type(self).__name__}"

    def _log_join_failure(self, failure: JoinFailure) -> None:
        """One line per failed join attempt of a new-media watch (the poller retries it)."""
        self.log.error(
            "Cannot watch Wistia project %s (attempt %d) on connection %r: %s: %s; trying again in %.1f s.",
            failure.project_id,
            failure.attempt,
            failure.wistia_conn_id,
            type(failure.error).__name__,
            failure.error,
            failure.retry_in,
        )


class _WistiaTaskTrigger(_WistiaPollingTrigger):
    """A trigger behind a deferred task: waits for outcomes until done, failed or out of time.

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
    def watching(self) -> AbstractAsyncContextManager[Callable[[], Awaitable[Outcome | None]]]:
        """While entered: a coroutine function giving the next check's outcome (None: nothing
        to decide yet, e.g. a transient error)."""

    def serialize(self) -> tuple[str, dict[str, Any]]:
        common = {"wistia_conn_id": self.wistia_conn_id, "poll_interval": self.poll_interval}
        return self._classpath(), {**self._own_kwargs(), **common, "end_time": self.end_time}

    def _event(self, status: str, value: Any, message: str, **extra: Any) -> TriggerEvent:
        return TriggerEvent({"status": status, self.object_key: value, "message": message, **extra})

    async def _before_end_time(self, awaitable: Awaitable[T]) -> T:
        """Await ``awaitable``, cancelling it at ``end_time`` (raises ``asyncio.TimeoutError``)."""
        if self.end_time is None:
            return await awaitable
        return await asyncio.wait_for(awaitable, max(0.0, self.end_time - time.time()))

    @asynccontextmanager
    async def _polling_alone(
        self, read: Callable[[WistiaAsyncClient], Awaitable[Outcome]]
    ) -> AsyncIterator[Callable[[], Awaitable[Outcome | None]]]:
        """:meth:`watching` for what Wistia cannot batch: ``read`` once per poll through the
        connection's async client (the first read at once; a doubling back-off after transient
        errors, which give None)."""
        failures: int | None = None  # None before the first read

        async def next_outcome() -> Outcome | None:
            nonlocal failures
            if failures is not None:
                await asyncio.sleep(
                    backoff_delay(self.poll_interval, failures) if failures else self.poll_interval
                )
            try:
                outcome = await read(client)
            except TRANSIENT_ERRORS as exc:
                failures = (failures or 0) + 1
                self.log.warning("Transient Wistia error (failure %d in a row): %s", failures, exc)
                return None
            failures = 0
            return outcome

        async with shared_client(self.wistia_conn_id) as client:
            yield next_outcome

    async def run(self) -> AsyncIterator[TriggerEvent]:
        # The event is yielded after the watch is closed: nothing stays open behind a fired trigger.
        yield await self._wait()

    async def _wait(self) -> TriggerEvent:
        last = Outcome(False, message="no successful read yet")
        try:
            async with self.watching() as next_outcome:
                while True:
                    try:
                        outcome = await self._before_end_time(next_outcome())
                    except asyncio.TimeoutError:
                        return self._event("timeout", last.value, f"Timed out; last check: {last.message}")
                    if outcome is None:
                        continue
                    if outcome.done or outcome.failed:
                        status = "success" if outcome.done else "failure"
                        return self._event(status, outcome.value, outcome.message)
                    if outcome.message != last.message:  # a line per change, not per poll
                        self.log.info("%s", outcome.message)
                    last = outcome
        except Exception as exc:  # auth, 404, bad arguments: report, never retry
            return self._event("error", last.value, **error_event_fields(exc))


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

    @asynccontextmanager
    async def watching(self) -> AsyncIterator[Callable[[], Awaitable[Outcome | None]]]:
        """The media as the connection's shared :class:`.MediaStatusPoller` reads it each round."""
        poller = MediaStatusPoller.for_connection(self.wistia_conn_id)
        watch = poller.watch(self.media_id, self.poll_interval)

        async def next_outcome() -> Outcome:
            media = await watch.next()
            return media_status_outcome(media, self.media_id, self.target_statuses, self.failure_statuses)

        try:
            yield next_outcome
        finally:
            await poller.remove(watch)


class WistiaNewMediaTrigger(_WistiaTaskTrigger):
    """Wait until a project holds media created at or after ``since`` and not in ``known_media_ids``.

    A refused first read (401/403, a 404 of the project, a missing connection) does not end
    the wait: the shared poller retries it with a back-off of up to 15 minutes, a log line each
    time, until it succeeds or ``end_time`` passes.

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
        self._checked_down_to: datetime | None = self.since

    def _own_kwargs(self) -> dict[str, Any]:
        since = None if self.since is None else self.since.isoformat()
        return {"project_id": self.project_id, "since": since, "known_media_ids": self.known_media_ids}

    def _is_new(self, media: dict[str, Any]) -> bool:
        created = media_created(media)
        fresh = self.since is None or created is None or created >= self.since
        return fresh and media.get("hashed_id") not in set(self.known_media_ids or ())

    def _floor(self) -> datetime | None:
        return self._checked_down_to

    def _on_join(self, medias: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # The project was read down to ``since``; from now on only recent medias can be new.
        floor = utc_now() - CURSOR_LOOKBACK
        self._checked_down_to = floor if self.since is None else max(self.since, floor)
        return [media for media in medias if self._is_new(media)][::-1]

    def _on_listing(self, medias: list[dict[str, Any]], newest: datetime | None) -> list[dict[str, Any]]:
        if newest is not None and self._checked_down_to is not None:
            self._checked_down_to = max(self._checked_down_to, newest - CURSOR_LOOKBACK)
        return [media for media in medias if self._is_new(media)][::-1]

    @asynccontextmanager
    async def watching(self) -> AsyncIterator[Callable[[], Awaitable[Outcome | None]]]:
        """New medias of the project, from the connection's shared :class:`.NewMediaPoller`."""
        self._checked_down_to = self.since
        watch = NewMediaWatch(
            self.project_id, self.poll_interval, self._floor, self._on_join, self._on_listing
        )
        poller = NewMediaPoller.for_connection(self.wistia_conn_id)
        poller.watch(watch)

        async def next_outcome() -> Outcome | None:
            item = await watch.queue.get()
            if isinstance(item, JoinFailure):  # the poller retries the join; the task keeps waiting
                self._log_join_failure(item)
                return None
            return new_medias_outcome(item, self.project_id)

        try:
            yield next_outcome
        finally:
            await poller.remove(watch)


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

    def watching(self) -> AbstractAsyncContextManager[Callable[[], Awaitable[Outcome | None]]]:
        """One ``/medias/<id>/stats`` read per poll (Wistia has no batched stats)."""

        async def read(client: WistiaAsyncClient) -> Outcome:
            body = await client.request("GET", f"medias/{self.media_id}/stats")
            return media_stats_outcome(body, self.media_id, self.metric, self.threshold)

        return self._polling_alone(read)
