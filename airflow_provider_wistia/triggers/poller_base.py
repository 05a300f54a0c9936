"""The loop every shared poller runs: one per (event loop, connection), while it has watchers.

A poller owns everything that changes over time for its watchers: who has joined, the
cursor it reads down to, each watcher's back-off and the connection's. Triggers subscribe
(``watch``), read what the poller hands them, and unsubscribe (``remove``); they never touch
the poller's state. The async client of the connection is asked for through
:func:`.shared_client`, which alone decides when the connection is read again.

A round's interval is the shortest poll interval among the watchers. A round that fails
for the whole connection (nothing answered, a missing connection, an unexpected error)
backs the poller off, doubling up to 15 minutes, with one log line per attempt; it never
fails the watchers by itself and never spins.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import weakref
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from airflow_provider_wistia.hooks.async_client import WistiaAsyncClient, shared_client
from airflow_provider_wistia.triggers.conditions import TRANSIENT_ERRORS, backoff_delay, error_backoff_delay

log = logging.getLogger(__name__)
BATCH_SIZE = 100  # Wistia's maximum per_page, and the ids one hashed_ids[] request asks for
P = TypeVar("P", bound="SharedPoller")


class SharedPoller(ABC):
    """Runs rounds for its watchers; :meth:`step` is one round and the wait before the next."""

    _registry: ClassVar[weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, Any]]]

    def __init_subclass__(cls) -> None:
        cls._registry = weakref.WeakKeyDictionary()

    def __init__(self, wistia_conn_id: str, clock: Callable[[], float] | None = None) -> None:
        self.wistia_conn_id = wistia_conn_id
        self.watchers: list[Any] = []
        self._state: dict[Any, Any] = {}  # watcher -> what the poller knows of it (its alone)
        self.rounds = 0  # full rounds run
        self.requests = 0  # requests sent by this poller
        self.failures = 0  # rounds in a row that failed for the whole connection
        self.clock = clock or asyncio.get_running_loop().time
        self._next_full = -math.inf
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
        self._state[watcher] = self.new_state()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(
                self._run(), name=f"wistia-{type(self).__name__}-{self.wistia_conn_id}"
            )
        self._wake.set()  # a newcomer is read at once, alone

    async def remove(self, watcher: Any) -> None:
        """Forget ``watcher``; with the last one, stop the poller and wait until it has stopped."""
        if watcher in self.watchers:
            self.watchers.remove(watcher)
            self._state.pop(watcher, None)
        if not self.watchers:
            if self._registry.get(asyncio.get_running_loop(), {}).get(self.wistia_conn_id) is self:
                del self._registry[asyncio.get_running_loop()][self.wistia_conn_id]
            task, self._task = self._task, None
            if task is not None and not task.done():
                task.cancel()  # no request or sleep outlives the last watcher
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    @abstractmethod
    def new_state(self) -> Any:
        """The poller's state of a watcher that just subscribed."""

    def interval(self) -> float:
        return min((w.poll_interval for w in self.watchers), default=0.0)

    async def _run(self) -> None:
        async with shared_client(self.wistia_conn_id) as client:
            while self.watchers:
                await asyncio.sleep(0)  # let triggers started in the same tick join this round
                self._wake.clear()
                delay = await self.step(client)
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), delay)

    async def step(self, client: WistiaAsyncClient) -> float:
        """One round (a full one when due, else only for watchers due on their own); the
        seconds until the next. Full rounds every ``interval()``; after a failure for the
        whole connection, the doubling back-off instead, and nothing sooner."""
        full = self.clock() >= self._next_full
        before = client.requests_sent
        try:
            await self.round(client, full=full)
            self.failures = 0
        except Exception as exc:  # the connection or the poller itself: never every watcher's error
            self.failures += 1
            self.connection_failed(exc)
            transient = isinstance(exc, TRANSIENT_ERRORS)
            pause = (backoff_delay if transient else error_backoff_delay)(self.interval(), self.failures)
            self._next_full = self.clock() + pause
            log.warning(
                "%s cannot read Wistia connection %r (attempt %d): %s: %s; trying again in %.1f s.",
                type(self).__name__,
                self.wistia_conn_id,
                self.failures,
                type(exc).__name__,
                exc,
                pause,
            )
        else:
            if full:
                self._next_full = self.clock() + self.interval()  # from the round's end
        finally:
            self.rounds += full
            self.requests += client.requests_sent - before
        wake_at = self._next_full if self.failures else min(self._next_full, self.next_due())
        return max(0.0, wake_at - self.clock())

    def next_due(self) -> float:
        """Clock time at which some watcher needs a read before the next full round."""
        return math.inf

    @abstractmethod
    async def round(self, client: WistiaAsyncClient, *, full: bool) -> None:
        """One round of reads: for every watcher (``full``), or only for those due on their own."""

    @abstractmethod
    def connection_failed(self, exc: BaseException) -> None:
        """A round failed for the whole connection: tell the watchers what concerns them."""

    def __str__(self) -> str:
        return f"{type(self).__name__}({self.wistia_conn_id!r}, {len(self.watchers)} watchers)"
