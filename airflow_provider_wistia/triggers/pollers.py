"""Pollers shared by all Wistia triggers of one connection in one triggerer process.

A thousand deferred waits on one connection must not cost a thousand requests a poll:

* :class:`MediaStatusPoller` reads the medias of every waiting
  :class:`~.wistia.WistiaMediaStatusTrigger` with ``GET /v1/medias.json?hashed_ids[]=...``,
  100 ids a request, and hands each trigger its media. A media absent from the answer is
  re-checked once with ``GET /v1/medias/<id>.json`` (a 404 there is the trigger's error).
* :class:`NewMediaPoller` lists the whole account newest first, down to the oldest cursor
  among its watchers, once per round, and gives each watcher the medias of its project.
  A watcher's first read (its "join") is one listing of its own project, which also
  checks that the project exists.

A round's interval is the shortest poll interval among its watchers; after transient
errors the round backs off (doubling, capped). Each poller is one task on the event loop
that sends one request at a time through the connection's :func:`.shared_client`; it
starts with its first watcher and is cancelled with its last, so nothing keeps running
for a trigger that is gone. Batching is invisible to users: triggers still serialize to
their own kwargs and fire their own events.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import weakref
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from airflow_provider_wistia.exceptions import WistiaError, WistiaNotFoundError
from airflow_provider_wistia.hooks.async_client import WistiaAsyncClient, shared_client
from airflow_provider_wistia.hooks.tracks import container_hashed_id
from airflow_provider_wistia.triggers.conditions import TRANSIENT_ERRORS, backoff_delay, media_created
from airflow_provider_wistia.triggers.cursor import CURSOR_LOOKBACK

log = logging.getLogger(__name__)
BATCH_SIZE = 100  # Wistia's maximum per_page, and the ids one hashed_ids[] request asks for
# Triggers woken per event-loop iteration: a thousand at once would block the loop for ~0.1 s.
DELIVERY_CHUNK = 25
P = TypeVar("P", bound="_SharedPoller")


class _SharedPoller(ABC):
    """One instance per (event loop, connection); runs rounds while it has watchers."""

    _registry: ClassVar[weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, Any]]]

    def __init_subclass__(cls) -> None:
        cls._registry = weakref.WeakKeyDictionary()

    def __init__(self, wistia_conn_id: str) -> None:
        self.wistia_conn_id = wistia_conn_id
        self.watchers: list[Any] = []
        self.rounds = 0
        self.requests = 0
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def for_connection(cls: type[P], wistia_conn_id: str) -> P:
        """The poller of ``wistia_conn_id`` in the running event loop (created on first use)."""
        pollers = cls._registry.setdefault(asyncio.get_running_loop(), {})
        if wistia_conn_id not in pollers:
            pollers[wistia_conn_id] = cls(wistia_conn_id)
        poller: P = pollers[wistia_conn_id]
        return poller

    def add(self, watcher: Any) -> None:
        self.watchers.append(watcher)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(
                self._run(), name=f"wistia-{type(self).__name__}-{self.wistia_conn_id}"
            )
        self.wake()

    async def remove(self, watcher: Any) -> None:
        """Forget ``watcher``; with the last one, stop the poller and wait until it has stopped."""
        if watcher in self.watchers:
            self.watchers.remove(watcher)
        if not self.watchers:
            if self._registry.get(asyncio.get_running_loop(), {}).get(self.wistia_conn_id) is self:
                del self._registry[asyncio.get_running_loop()][self.wistia_conn_id]
            task, self._task = self._task, None
            if task is not None and not task.done():
                task.cancel()  # no request or sleep outlives the last watcher
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    def wake(self) -> None:
        """Start the next round now (a watcher joined or is due)."""
        self._wake.set()

    def interval(self) -> float:
        return min((w.poll_interval for w in self.watchers), default=0.0)

    async def _run(self) -> None:
        """Full rounds every ``interval()``; in between, a wake-up reads only for new watchers
        (their first answer comes at once without costing every watcher a read)."""
        loop = asyncio.get_running_loop()
        failures, next_full = 0, loop.time()
        async with shared_client(self.wistia_conn_id) as client:
            while self.watchers:
                await asyncio.sleep(0)  # let triggers started in the same tick join this round
                self._wake.clear()
                full = loop.time() >= next_full
                before = client.requests_sent
                try:
                    await self.round(client, full=full)
                    failures = 0
                except TRANSIENT_ERRORS as exc:
                    failures += 1
                    log.warning("Transient Wistia error in %s (failure %d in a row): %s", self, failures, exc)
                except WistiaError as exc:  # auth, configuration: every watcher of the connection hears it
                    self.fail_all(exc)
                except Exception as exc:  # a poller must never die silently, leaving its watchers waiting
                    log.exception("Unexpected error in %s", self)
                    self.fail_all(exc)
                self.rounds += full
                self.requests += client.requests_sent - before
                if full or failures:
                    pause = backoff_delay(self.interval(), failures) if failures else self.interval()
                    next_full = loop.time() + pause
                delay = max(0.0, min(next_full, self.next_due()) - loop.time())
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), delay)

    def next_due(self) -> float:
        """Loop time at which some watcher needs a read before the next full round."""
        return math.inf

    @abstractmethod
    async def round(self, client: WistiaAsyncClient, *, full: bool) -> None:
        """One round of reads: for every watcher (``full``), or only for those waiting for a first read."""

    @abstractmethod
    def fail_all(self, exc: BaseException) -> None:
        """Tell every watcher about an error that ends the round for all (401, bad settings)."""

    def __str__(self) -> str:
        return f"{type(self).__name__}({self.wistia_conn_id!r}, {len(self.watchers)} watchers)"


# ---------------------------------------------------------------------- media status
@dataclass(eq=False)
class StatusWatch:
    """One trigger's wait on one media: the latest media read (or error) and a flag for news."""

    media_id: str
    poll_interval: float
    latest: Any = None
    answered: bool = False  # False until the first read: new watchers are read at once
    news: asyncio.Event = field(default_factory=asyncio.Event)

    def deliver(self, value: Any) -> None:
        self.latest, self.answered = value, True
        self.news.set()

    async def next(self) -> dict[str, Any]:
        """The next media read for this trigger; raises the error if the read failed for good."""
        await self.news.wait()
        self.news.clear()
        if isinstance(self.latest, BaseException):
            raise self.latest
        media: dict[str, Any] = self.latest
        return media


class MediaStatusPoller(_SharedPoller):
    """Reads every watched media with ``hashed_ids[]`` batches, one request per 100 ids."""

    def watch(self, media_id: str, poll_interval: float) -> StatusWatch:
        watcher = StatusWatch(media_id, poll_interval)
        self.add(watcher)
        return watcher

    def fail_all(self, exc: BaseException) -> None:
        for watcher in list(self.watchers):
            watcher.deliver(exc)

    async def round(self, client: WistiaAsyncClient, *, full: bool) -> None:
        ids = sorted({w.media_id for w in self.watchers if full or not w.answered})
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), BATCH_SIZE):
            chunk = ids[start : start + BATCH_SIZE]
            medias = await client.request(
                "GET", "medias", params={"hashed_ids": chunk, "per_page": BATCH_SIZE}
            )
            for media in medias if isinstance(medias, list) else ():
                if isinstance(media, dict) and media.get("hashed_id") in chunk:
                    found[media["hashed_id"]] = media
        await self._deliver(found)
        for media_id in (i for i in ids if i not in found):  # e.g. deleted, or not listed yet
            try:
                await self._deliver({media_id: await client.request("GET", f"medias/{media_id}")})
            except WistiaNotFoundError as exc:
                await self._deliver({media_id: exc})

    async def _deliver(self, values: dict[str, Any]) -> None:
        woken = 0
        for watcher in list(self.watchers):
            if watcher.media_id in values:
                watcher.deliver(values[watcher.media_id])
                woken += 1
                if woken % DELIVERY_CHUNK == 0:
                    await asyncio.sleep(0)  # let these triggers run before waking more


# ---------------------------------------------------------------------- new medias
@dataclass(eq=False)
class NewMediaWatch:
    """One trigger's watch on one project, driven by its callbacks.

    :param join: the first read, given the project's newest-first medias (down to ``floor()``).
    :param on_listing: each round, given the project's medias of the account listing and
        the newest ``created`` in it; both callbacks return what to put in the queue.
    :param floor: the oldest ``created`` the watcher still needs (None: every media).
    """

    project_id: str
    poll_interval: float
    floor: Callable[[], datetime | None]
    join: Callable[[list[dict[str, Any]]], Any]
    on_listing: Callable[[list[dict[str, Any]], datetime | None], Any]
    baseline: bool = False  # the first read only needs the window below the project's newest media
    joined: bool = False
    due: float = 0.0  # loop time from which a (re-)join may be tried
    queue: asyncio.Queue[Any] = field(default_factory=asyncio.Queue)

    def retry_join_at(self, when: float) -> None:
        self.joined, self.due = False, when


class NewMediaPoller(_SharedPoller):
    """Lists the account newest first once per round for every watched project."""

    def watch(self, watcher: NewMediaWatch) -> NewMediaWatch:
        self.add(watcher)
        return watcher

    def fail_all(self, exc: BaseException) -> None:
        for watcher in self.watchers:
            if watcher.joined:
                watcher.retry_join_at(math.inf)
                watcher.queue.put_nowait(exc)

    def next_due(self) -> float:
        return min((w.due for w in self.watchers if not w.joined), default=math.inf)

    async def round(self, client: WistiaAsyncClient, *, full: bool) -> None:
        now = asyncio.get_running_loop().time()
        for watcher in [w for w in self.watchers if not w.joined and w.due <= now]:
            await self._join(client, watcher)
        joined = [w for w in self.watchers if w.joined]
        if not joined or not full:
            return
        floors = [w.floor() for w in joined]
        floor = None if any(f is None for f in floors) else min(f for f in floors if f is not None)
        listing = await list_newest_first(client, None, floor)
        newest = next((c for c in map(media_created, listing) if c is not None), None)
        by_project: dict[str | None, list[dict[str, Any]]] = {}
        for media in listing:
            by_project.setdefault(container_hashed_id(media), []).append(media)
        for watcher in joined:
            watcher.queue.put_nowait(watcher.on_listing(by_project.get(watcher.project_id, []), newest))

    async def _join(self, client: WistiaAsyncClient, watcher: NewMediaWatch) -> None:
        try:
            if watcher.baseline:
                medias = await list_newest_first(client, watcher.project_id, None, window_below_first=True)
            else:
                medias = await list_newest_first(client, watcher.project_id, watcher.floor())
        except TRANSIENT_ERRORS:
            raise  # the round backs off; the join is tried again next round
        except WistiaError as exc:  # 401/403, or 404 of the project: the trigger decides
            watcher.retry_join_at(math.inf)
            watcher.queue.put_nowait(exc)
            return
        watcher.joined = True
        watcher.queue.put_nowait(watcher.join(medias))


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
