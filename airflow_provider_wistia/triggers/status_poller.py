"""The shared status poller: every waited-for media of a connection, 100 ids a request.

:class:`MediaStatusPoller` reads the medias of every waiting
:class:`~.wistia.WistiaMediaStatusTrigger` with ``GET /v1/medias.json?hashed_ids[]=...`` and
hands each wait its media. It keeps one state per wait, so one media's trouble stays with
the waits on it:

* a batch that fails is split in halves until the failing ids are found (bisection); a
  4xx on one id (403, 422...) goes to the waits on that id only;
* a transient error on one id (5xx, 429, timeout) backs off only the waits on that id;
  until it answers again that id is read alone, outside the batches;
* a media absent from a batch is re-checked once with ``GET /v1/medias/<id>.json`` (a 404
  there ends the waits on it);
* only 401, or a 403 that the account read answers too, is connection-wide: every wait
  hears it. Anything that fails for the whole connection otherwise (no answer, a missing
  connection, an unexpected error) backs the poller off and fails no wait.

A round costs ``ceil(healthy ids / 100)`` requests, plus one per id in back-off or absent
from its batch, plus, for an id failing for the first time, at most two requests per
halving (``2 * ceil(log2(100))`` = 14) and one account read per round.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from airflow_provider_wistia.exceptions import WistiaError
from airflow_provider_wistia.hooks.async_client import WistiaAsyncClient
from airflow_provider_wistia.triggers.conditions import TRANSIENT_ERRORS, backoff_delay
from airflow_provider_wistia.triggers.poller_base import BATCH_SIZE, SharedPoller

log = logging.getLogger(__name__)
# Triggers woken per event-loop iteration: a thousand at once would block the loop for ~0.1 s.
DELIVERY_CHUNK = 25


@dataclass(eq=False)
class StatusWatch:
    """One trigger's wait on one media: the latest media read (or error) and a flag for news."""

    media_id: str
    poll_interval: float
    latest: Any = None
    news: asyncio.Event = field(default_factory=asyncio.Event)

    def deliver(self, value: Any) -> None:
        self.latest = value
        self.news.set()

    async def next(self) -> dict[str, Any]:
        """The next media read for this trigger; raises the error if the read failed for good."""
        await self.news.wait()
        self.news.clear()
        if isinstance(self.latest, BaseException):
            raise self.latest
        media: dict[str, Any] = self.latest
        return media


@dataclass
class _WaitState:
    """What the poller knows of one wait (the poller's alone)."""

    answered: bool = False  # False until the first read: a new wait is read at once
    failures: int = 0  # transient failures of its media in a row
    retry_at: float = 0.0  # clock time before which its media is not read again


@dataclass
class _Round:
    """One round's answers by media id (a media or the error of that id)."""

    answers: dict[str, Any] = field(default_factory=dict)
    connection_works: bool = False  # some request of this round was answered


def is_about_the_ids(exc: BaseException) -> bool:
    """Could this batch failure be caused by some of its ids (and not by the connection)?"""
    if isinstance(exc, TRANSIENT_ERRORS):
        return True
    return isinstance(exc, WistiaError) and exc.status_code is not None and exc.status_code != 401


class MediaStatusPoller(SharedPoller):
    """Reads every watched media with ``hashed_ids[]`` batches, one request per 100 ids."""

    _state: dict[StatusWatch, _WaitState]

    def watch(self, media_id: str, poll_interval: float) -> StatusWatch:
        watcher = StatusWatch(media_id, poll_interval)
        self.add(watcher)
        return watcher

    def new_state(self) -> _WaitState:
        return _WaitState()

    def connection_failed(self, exc: BaseException) -> None:
        if isinstance(exc, WistiaError) and exc.status_code in (401, 403):  # the token: every wait
            for watcher in list(self.watchers):
                watcher.deliver(exc)

    def next_due(self) -> float:
        return min(
            (s.retry_at for s in self._state.values() if not s.answered or s.failures), default=float("inf")
        )

    async def round(self, client: WistiaAsyncClient, *, full: bool) -> None:
        now = self.clock()
        due: dict[str, list[StatusWatch]] = {}
        for watcher, state in list(self._state.items()):
            if state.retry_at <= now and (full or not state.answered or state.failures):
                due.setdefault(watcher.media_id, []).append(watcher)
        if not due:
            return
        suspects = sorted(i for i, ws in due.items() if any(self._state[w].failures for w in ws))
        healthy = sorted(set(due) - set(suspects))
        this = _Round()
        for start in range(0, len(healthy), BATCH_SIZE):
            await self._read(client, healthy[start : start + BATCH_SIZE], this)
        for media_id in suspects:  # read alone: its trouble never fails a batch again
            await self._read(client, [media_id], this)
        for media_id in [i for i in due if i not in this.answers]:  # e.g. deleted, or not listed yet
            try:
                this.answers[media_id] = await client.request("GET", f"medias/{media_id}")
            except Exception as exc:
                if not is_about_the_ids(exc):
                    raise
                this.answers[media_id] = exc
        await self._settle(due, this.answers)

    async def _read(self, client: WistiaAsyncClient, ids: list[str], this: _Round) -> None:
        """Read ``ids`` in one request; if it fails because of some of them, halve and read
        each half, down to the failing ids (whose error becomes their answer)."""
        try:
            medias = await client.request("GET", "medias", params={"hashed_ids": ids, "per_page": BATCH_SIZE})
        except Exception as exc:
            if not is_about_the_ids(exc):
                raise  # 401, a missing connection, a bug: the whole connection
            if len(ids) == 1:
                this.answers[ids[0]] = exc
                return
            if not this.connection_works:
                # Nothing answered yet this round: is it these ids, or is it the connection?
                await client.request("GET", "account")  # raises if it is the connection
                this.connection_works = True
            half = len(ids) // 2
            await self._read(client, ids[:half], this)
            await self._read(client, ids[half:], this)
            return
        this.connection_works = True
        for media in medias if isinstance(medias, list) else ():
            if isinstance(media, dict) and media.get("hashed_id") in ids:
                this.answers[media["hashed_id"]] = media

    async def _settle(self, due: dict[str, list[StatusWatch]], answers: dict[str, Any]) -> None:
        """Hand each due wait its media's answer; a transient error only backs off its waits."""
        now, woken = self.clock(), 0
        for media_id, watchers in due.items():
            answer = answers[media_id]
            transient = isinstance(answer, TRANSIENT_ERRORS)
            for watcher in watchers:
                state = self._state.get(watcher)
                if state is None:  # left during the round
                    continue
                if transient:
                    state.failures += 1
                    state.retry_at = now + backoff_delay(watcher.poll_interval, state.failures)
                    continue
                state.answered, state.failures, state.retry_at = True, 0, 0.0
                watcher.deliver(answer)
                woken += 1
                if woken % DELIVERY_CHUNK == 0:
                    await asyncio.sleep(0)  # let these triggers run before waking more
            if transient:
                log.warning("Transient Wistia error reading media %s: %s", media_id, answer)
