"""A sliding-window rate limiter shared by every thread that uses one hook.

Wistia counts requests per account over a rolling minute. A token bucket would
allow a full burst plus its refill inside the first minute (up to twice the
budget), so we keep the times of the last ``limit`` requests instead and send a
new one only when the oldest of them has left the window.  A slot's time is moved
to the moment its response arrived, which is never before the server saw it, so
the server's own window never holds more than ``limit`` of our requests.
"""

from __future__ import annotations

import threading
import time
from collections import deque
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
        self._slots: deque[list[float]] = deque()
        self._lock = threading.Lock()
        self.total_wait = 0.0

    def acquire(self) -> list[float]:
        """Block until a request may be sent; return its slot for :meth:`release`."""
        while True:
            with self._lock:
                now = self._clock()
                while self._slots and self._slots[0][0] <= now - self.window:
                    self._slots.popleft()
                if len(self._slots) < self.limit:
                    slot = [now]
                    self._slots.append(slot)
                    return slot
                wait = self._slots[0][0] + self.window - now
            wait = max(wait, 0.001)
            self.total_wait += wait
            self._sleep(wait)

    def release(self, slot: list[float]) -> None:
        """Mark the request as answered: its slot now counts from this moment."""
        with self._lock:
            slot[0] = max(slot[0], self._clock())
