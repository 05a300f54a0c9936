"""A sliding-window rate limiter shared by every user of one connection in a process.

Wistia counts requests per account over a rolling minute. A token bucket would
allow a full burst plus its refill inside the first minute (up to twice the
budget), so we keep the times of the last ``limit`` requests instead and send a
new one only when the oldest of them has left the window.  A slot's time is moved
to the moment its response arrived, which is never before the server saw it, so
the server's own window never holds more than ``limit`` of our requests. A request
in flight counts until it is answered, however long that takes. Because of the move
the slots are not in time order: every expired slot is evicted, and the wait is for
the earliest answered slot to expire.

Threads call :meth:`~SlidingWindowRateLimiter.acquire` (which sleeps); coroutines
await :meth:`~SlidingWindowRateLimiter.aacquire` (which never blocks the event loop).
:func:`shared_limiter` hands every hook and trigger of one connection the same limiter.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable


class SlidingWindowRateLimiter:
    """Allow at most ``limit`` requests in any ``window`` seconds."""

    def __init__(
        self,
        limit: int,
        window: float = 60.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit!r}")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._slots: list[list[float]] = []
        self._lock = threading.Lock()
        self.total_wait = 0.0

    def in_window(self) -> int:
        """Slots that still count: requests in flight or answered less than ``window`` ago."""
        with self._lock:
            self._evict(self._clock())
            return len(self._slots)

    def _evict(self, now: float) -> None:
        cutoff = now - self.window
        if any(self._expired(slot, cutoff) for slot in self._slots):
            self._slots = [slot for slot in self._slots if not self._expired(slot, cutoff)]

    @staticmethod
    def _expired(slot: list[float], cutoff: float) -> bool:
        return len(slot) > 1 and slot[0] <= cutoff  # answered (marked by release) and out of the window

    def try_acquire(self) -> tuple[list[float] | None, float]:
        """Take a slot now if one is free: ``(slot, 0)``; else ``(None, seconds until one frees)``."""
        with self._lock:
            now = self._clock()
            self._evict(now)
            if len(self._slots) < self.limit:
                slot = [now]
                self._slots.append(slot)
                return slot, 0.0
            answered = [slot[0] for slot in self._slots if len(slot) > 1]
            # Every slot in flight: check again soon (a release frees one at any moment).
            wait = min(answered) + self.window - now if answered else min(0.05, self.window)
        return None, max(wait, 0.001)

    def acquire(self) -> list[float]:
        """Block until a request may be sent; return its slot for :meth:`release`."""
        while True:
            slot, wait = self.try_acquire()
            if slot is not None:
                return slot
            self.total_wait += wait
            self._sleep(wait)

    async def aacquire(self) -> list[float]:
        """:meth:`acquire` for coroutines: waits with ``asyncio.sleep`` (cancellable, holds no slot)."""
        while True:
            slot, wait = self.try_acquire()
            if slot is not None:
                return slot
            self.total_wait += wait
            await asyncio.sleep(wait)

    def release(self, slot: list[float]) -> None:
        """Mark the request as answered: its slot now counts from this moment."""
        with self._lock:
            slot[0] = max(slot[0], self._clock())
            if len(slot) == 1:
                slot.append(1.0)  # answered: from now on it expires with the window


_SHARED: dict[tuple[str, str, int], SlidingWindowRateLimiter] = {}
_SHARED_LOCK = threading.Lock()


def shared_limiter(conn_id: str, base_url: str, limit: int) -> SlidingWindowRateLimiter:
    """The one limiter of a connection in this process (per conn id, API URL and limit)."""
    key = (conn_id, base_url, limit)
    with _SHARED_LOCK:
        limiter = _SHARED.get(key)
        if limiter is None:
            limiter = _SHARED[key] = SlidingWindowRateLimiter(limit, 60.0)
        return limiter
