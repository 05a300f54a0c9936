"""The shared new-media poller: one account listing a round for every watched project.

:class:`NewMediaPoller` lists the whole account newest first, down to the oldest cursor
among its watchers, once per round, and gives each watcher the medias of its project. A
watcher's first read (its "join") is one listing of its own project, which also checks
that the project exists.

Joins, their back-off and the cursor a re-join reads down to are the poller's. A join that
fails is retried for that watcher alone: after a transient error with the usual doubling
back-off, after anything else (401/403, a 404 of the project, a missing connection, an
unexpected error) doubling from the poll interval up to 15 minutes, and the watcher is
handed a :class:`JoinFailure` for its one log line of that attempt. A listing that fails
with such an error sends every watcher back to joining. A re-join lists the project down
to the watcher's own cursor, however long the outage was.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from airflow_provider_wistia.hooks.async_client import WistiaAsyncClient
from airflow_provider_wistia.hooks.tracks import container_hashed_id as media_project_id
from airflow_provider_wistia.triggers.conditions import (
    TRANSIENT_ERRORS,
    backoff_delay,
    error_backoff_delay,
    media_created,
)
from airflow_provider_wistia.triggers.cursor import CURSOR_LOOKBACK
from airflow_provider_wistia.triggers.poller_base import BATCH_SIZE, SharedPoller

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JoinFailure:
    """A failed join attempt, handed to the watcher: what failed and when the poller retries."""

    error: BaseException
    attempt: int
    retry_in: float
    wistia_conn_id: str
    project_id: str


@dataclass(eq=False)
class NewMediaWatch:
    """One trigger's subscription to one project, driven by its callbacks.

    :param join: the first read, given the project's newest-first medias (down to ``floor()``).
    :param on_listing: each round, given the project's medias of the account listing and
        the newest ``created`` in it; both callbacks return what to put in the queue.
    :param floor: the oldest ``created`` the watcher still needs (None: every media).
    :param baseline: the first join only needs the window below the project's newest media.
    """

    project_id: str
    poll_interval: float
    floor: Callable[[], datetime | None]
    join: Callable[[list[dict[str, Any]]], Any]
    on_listing: Callable[[list[dict[str, Any]], datetime | None], Any]
    baseline: bool = False
    queue: asyncio.Queue[Any] = field(default_factory=asyncio.Queue)


@dataclass
class _JoinState:
    """The poller's view of one watcher."""

    joined: bool = False
    ever_joined: bool = False  # a re-join reads down to the cursor, never a fresh baseline
    failures: int = 0  # failed join attempts in a row
    due: float = 0.0  # clock time from which a (re-)join may be tried


class NewMediaPoller(SharedPoller):
    """Lists the account newest first once per round for every watched project."""

    _state: dict[NewMediaWatch, _JoinState]

    def watch(self, watcher: NewMediaWatch) -> NewMediaWatch:
        self.add(watcher)
        return watcher

    def new_state(self) -> _JoinState:
        return _JoinState()

    def connection_failed(self, exc: BaseException) -> None:
        if isinstance(exc, TRANSIENT_ERRORS):
            return  # the poller backs off; every watcher keeps its place
        for watcher, state in list(self._state.items()):
            if state.joined:
                state.joined = False
                self._join_failed(watcher, state, exc)

    def next_due(self) -> float:
        return min((s.due for s in self._state.values() if not s.joined), default=math.inf)

    async def round(self, client: WistiaAsyncClient, *, full: bool) -> None:
        now = self.clock()
        for watcher, state in list(self._state.items()):
            if not state.joined and state.due <= now:
                await self._join(client, watcher, state)
        joined = [w for w, s in self._state.items() if s.joined]
        if not joined or not full:
            return
        floors = [w.floor() for w in joined]
        floor = None if any(f is None for f in floors) else min(f for f in floors if f is not None)
        listing = await list_newest_first(client, None, floor)
        newest = next((c for c in map(media_created, listing) if c is not None), None)
        by_project: dict[str | None, list[dict[str, Any]]] = {}
        for media in listing:
            by_project.setdefault(media_project_id(media), []).append(media)
        for watcher in joined:
            if watcher in self._state:
                watcher.queue.put_nowait(watcher.on_listing(by_project.get(watcher.project_id, []), newest))

    async def _join(self, client: WistiaAsyncClient, watcher: NewMediaWatch, state: _JoinState) -> None:
        try:
            if watcher.baseline and not state.ever_joined:
                medias = await list_newest_first(client, watcher.project_id, None, window_below_first=True)
            else:
                medias = await list_newest_first(client, watcher.project_id, watcher.floor())
        except Exception as exc:  # this watcher's problem: it alone waits, nothing spins
            if watcher not in self._state:
                return
            if isinstance(exc, TRANSIENT_ERRORS):
                state.failures += 1
                delay = backoff_delay(watcher.poll_interval, state.failures)
                state.due = self.clock() + delay
                log.warning(
                    "Transient Wistia error reading project %s (failure %d in a row): %s; again in %.1f s.",
                    watcher.project_id,
                    state.failures,
                    exc,
                    delay,
                )
            else:
                self._join_failed(watcher, state, exc)
            return
        if watcher not in self._state:
            return
        state.joined = state.ever_joined = True
        state.failures = 0
        watcher.queue.put_nowait(watcher.join(medias))

    def _join_failed(self, watcher: NewMediaWatch, state: _JoinState, exc: BaseException) -> None:
        state.failures += 1
        delay = error_backoff_delay(watcher.poll_interval, state.failures)
        state.due = self.clock() + delay
        failure = JoinFailure(exc, state.failures, delay, self.wistia_conn_id, watcher.project_id)
        watcher.queue.put_nowait(failure)


async def list_newest_first(
    client: WistiaAsyncClient,
    project_id: str | None,
    floor: datetime | None,
    *,
    window_below_first: bool = False,
) -> list[dict[str, Any]]:
    """Medias (of one project, or the account) newest first, down to ``floor`` (None: all).

    ``window_below_first``: the floor is the first media's ``created`` minus the cursor
    look-back (a baseline: the newest media and those just before it).
    """
    params: dict[str, Any] = {"sort_by": "created", "sort_direction": 0, "per_page": BATCH_SIZE}
    if project_id is not None:
        params["project_id"] = project_id
    # Cursor paging (reference §3.3): a media added or deleted meanwhile shifts no other one.
    position: dict[str, Any] = {"cursor[enabled]": 1}
    out: list[dict[str, Any]] = []
    page = 1
    while True:
        items = await client.request("GET", "medias", params={**params, **position})
        items = [m for m in items if isinstance(m, dict)] if isinstance(items, list) else []
        for media in items:
            created = media_created(media)
            if window_below_first and floor is None and created is not None:
                floor = created - CURSOR_LOOKBACK
            if floor is not None and created is not None and created < floor:
                return out
            out.append(media)
        if len(items) < BATCH_SIZE:
            return out
        page += 1
        cursor = items[-1].get("cursor")
        # A server without cursors is paged by number (a repeat is harmless: ids are de-duplicated).
        position = {"cursor[after]": cursor} if cursor else {"page": page}
