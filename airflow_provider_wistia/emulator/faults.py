"""Fault injection and rate limiting for the emulator (for client reliability tests).

Fault kinds (what the server does with a matching request):

``status``           answer ``status`` (default 500; random faults pick 500/502/504) with
                     ``{"error": "Internal server error"}``; the request is NOT processed.
``rate_limit``       answer 429 (or the configured 503) with ``Retry-After``; not processed.
``reset_before``     abort the TCP connection (RST) before processing.
``reset_after``      process the request (writes are committed), then abort without answering.
``slow``             process, sleep ``delay`` seconds, then answer normally.
``garbage``          answer 200 ``text/html`` with an HTML page; not processed.
``commit_then_500``  process the request (writes are committed), then answer 500.
``truncate``         process the request (writes are committed), then send the answer's
                     headers and half its body, and close the connection.
``redirect``         answer ``status`` (default 302) with a ``Location`` back to the same URL;
                     not processed (a client that follows it loops).

Scripted faults apply to the next ``times`` matching requests (first match wins); random
faults hit each matching request with probability ``rate``.
"""

from __future__ import annotations

import math
import random
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

FAULT_KINDS = (
    "status",
    "rate_limit",
    "reset_before",
    "reset_after",
    "slow",
    "garbage",
    "commit_then_500",
    "truncate",
)
# Faults no client should retry: scripted one by one, never part of "every fault" above.
PERMANENT_FAULT_KINDS = ("redirect",)
DEFAULT_RANDOM_KINDS = ("status", "rate_limit", "reset_before", "reset_after", "garbage", "commit_then_500")


@dataclass
class Fault:
    """A scripted fault rule, or (with ``times`` irrelevant) one fault decision."""

    kind: str
    method: str | None = None
    path: re.Pattern[str] | None = None
    times: int = 1
    status: int | None = None
    retry_after: int | None = None
    delay: float | None = None
    query: re.Pattern[str] | None = None  # searched in the raw query string (e.g. one hashed id)

    def matches(self, methods: tuple[str, ...], path: str, query: str = "") -> bool:
        if self.method is not None and self.method not in methods:
            return False
        if self.query is not None and self.query.search(query) is None:
            return False
        return self.path is None or self.path.search(path) is not None


def _check_kind(kind: str) -> None:
    known = FAULT_KINDS + PERMANENT_FAULT_KINDS
    if kind not in known:
        raise ValueError(f"unknown fault kind {kind!r}; expected one of {known}")


class FaultInjector:
    """Holds scripted and random fault rules and counts what was injected."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.clear()
        self.counts: dict[str, int] = {}

    def clear(self) -> None:
        with self._lock:
            self._scripted: list[Fault] = []
            self._rate = 0.0
            self._kinds: tuple[str, ...] = DEFAULT_RANDOM_KINDS
            self._rng = random.Random()
            self._random_opts: dict[str, Any] = {}

    def reset_counts(self) -> None:
        with self._lock:
            self.counts = {}

    def add(
        self,
        kind: str,
        *,
        method: str | None = None,
        path: str | None = None,
        times: int = 1,
        status: int | None = None,
        retry_after: int | None = None,
        delay: float | None = None,
        query: str | None = None,
    ) -> None:
        _check_kind(kind)
        rule = Fault(
            kind,
            method.upper() if method else None,
            re.compile(path) if path else None,
            max(1, int(times)),
            status,
            retry_after,
            delay,
            re.compile(query) if query else None,
        )
        with self._lock:
            self._scripted.append(rule)

    def set_random(
        self,
        rate: float,
        kinds: tuple[str, ...] | list[str] = DEFAULT_RANDOM_KINDS,
        seed: int | None = None,
        *,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        retry_after: int | None = None,
        delay: float | None = None,
    ) -> None:
        kinds = tuple(kinds)
        for kind in kinds:
            _check_kind(kind)
        if not kinds:
            raise ValueError("kinds must not be empty")
        with self._lock:
            self._rate = max(0.0, min(1.0, float(rate)))
            self._kinds = kinds
            self._rng = random.Random(seed)
            self._random_opts = {
                "method": method.upper() if method else None,
                "path": re.compile(path) if path else None,
                "status": status,
                "retry_after": retry_after,
                "delay": delay,
            }

    def pick(self, methods: tuple[str, ...], path: str, query: str = "") -> Fault | None:
        """The fault to inject for this request, if any (counted as injected)."""
        with self._lock:
            fault = self._pick_locked(methods, path, query)
            if fault is not None:
                self.counts[fault.kind] = self.counts.get(fault.kind, 0) + 1
            return fault

    def _pick_locked(self, methods: tuple[str, ...], path: str, query: str) -> Fault | None:
        for rule in self._scripted:
            if rule.matches(methods, path, query):
                rule.times -= 1
                if rule.times <= 0:
                    self._scripted.remove(rule)
                return Fault(rule.kind, status=rule.status, retry_after=rule.retry_after, delay=rule.delay)
        if self._rate <= 0.0:
            return None
        opts = self._random_opts
        scope = Fault("status", opts.get("method"), opts.get("path"))
        if not scope.matches(methods, path) or self._rng.random() >= self._rate:
            return None
        kind = self._rng.choice(self._kinds)
        status = opts.get("status")
        if kind == "status" and status is None:
            status = self._rng.choice((500, 502, 504))
        return Fault(kind, status=status, retry_after=opts.get("retry_after"), delay=opts.get("delay"))

    def describe(self) -> dict[str, Any]:
        with self._lock:
            return {
                "scripted": [
                    {
                        "kind": f.kind,
                        "method": f.method,
                        "path": f.path.pattern if f.path else None,
                        "times": f.times,
                        "status": f.status,
                        "retry_after": f.retry_after,
                        "delay": f.delay,
                        "query": f.query.pattern if f.query else None,
                    }
                    for f in self._scripted
                ],
                "random": {"rate": self._rate, "kinds": list(self._kinds)},
                "injected": dict(self.counts),
            }


class RateLimiter:
    """Sliding-window limiter per token; refused requests do not count toward the window."""

    def __init__(self, limit: int = 600, window: float = 60.0) -> None:
        self._lock = threading.Lock()
        self.limit = limit
        self.window = window
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._hits: dict[str, deque[float]] = {}
            self.max_in_window = 0

    def acquire(self, key: str) -> tuple[int, float]:
        """Admit a request, returning ``(0, stamp)``, or refuse it, returning
        ``(seconds until a slot frees (>= 1), 0.0)``."""
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            cutoff = now - self.window
            while hits and hits[0] <= cutoff:
                hits.popleft()
            if len(hits) >= self.limit:
                index = len(hits) - self.limit  # the admission that must expire to free a slot
                return max(1, math.ceil(hits[index] + self.window - now)), 0.0
            hits.append(now)
            return 0, now

    def settle(self, key: str) -> None:
        """Confirm an admission of ``key``; updates the busiest-window statistic."""
        with self._lock:
            self.max_in_window = max(self.max_in_window, len(self._hits.get(key, ())))

    def release(self, key: str, stamp: float) -> None:
        """Undo the admission ``stamp`` of ``key`` (a fault turned it into a refusal)."""
        with self._lock:
            hits = self._hits.get(key)
            if hits is not None and stamp in hits:
                hits.remove(stamp)
