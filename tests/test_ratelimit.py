"""The sliding-window limiter: exact whatever the order of answers, shared per connection, kept by close()."""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.hooks.wistia import WistiaHook
from airflow_provider_wistia.ratelimit import SlidingWindowRateLimiter


class FakeClock:
    """A clock whose sleep checks, before advancing, that the limiter had a reason to wait."""

    def __init__(self) -> None:
        self.now = 0.0
        self.limiter: SlidingWindowRateLimiter | None = None
        self.counting: list[list[float]] = []  # (acquired, answered or inf) of every request
        self.waits_with_room = 0

    def __call__(self) -> float:
        return self.now

    def in_window(self) -> int:
        assert self.limiter is not None
        return sum(1 for _, answered in self.counting if answered > self.now - self.limiter.window)

    def sleep(self, seconds: float) -> None:
        assert self.limiter is not None
        if self.in_window() < self.limiter.limit:
            self.waits_with_room += 1
        self.now += seconds


# One step: ("send", gap before it) or ("answer", which in-flight request, how long it took).
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("send"), st.floats(0, 3)),
        st.tuples(st.just("answer"), st.integers(0, 50), st.floats(0, 20)),
    ),
    max_size=80,
)


@settings(max_examples=150, deadline=None)
@given(limit=st.integers(1, 6), window=st.floats(0.5, 10), steps=STEPS)
def test_never_over_the_limit_and_never_waits_with_room(limit: int, window: float, steps: list) -> None:
    clock = FakeClock()
    limiter = SlidingWindowRateLimiter(limit, window, clock=clock, sleep=clock.sleep)
    clock.limiter = limiter
    in_flight: list[tuple[list[float], list[float]]] = []
    for step in steps:
        if step[0] == "send" and len(in_flight) < limit:  # with all in flight, only an answer frees one
            clock.now += step[1]
            slot = limiter.acquire()
            record = [clock.now, float("inf")]
            # Every request still counting (in flight, or answered within the window) plus this one.
            assert clock.in_window() + 1 <= limit
            clock.counting.append(record)
            in_flight.append((slot, record))
        elif step[0] == "answer" and in_flight:
            slot, record = in_flight.pop(step[1] % len(in_flight))
            clock.now += step[2]  # answers arrive in any order, some much later than others
            limiter.release(slot)
            record[1] = clock.now
    assert clock.waits_with_room == 0
    # In any window (t - window, t], at most ``limit`` requests could have reached the server.
    for acquired, _ in clock.counting:
        overlapping = [a for a, answered in clock.counting if a <= acquired and answered > acquired - window]
        assert len(overlapping) <= limit


def test_one_slow_answer_does_not_stall_the_others() -> None:
    """The issue's case: 1 of 3 slots in use after a slow request, and the limiter slept 49.5 s."""
    clock = FakeClock()
    limiter = SlidingWindowRateLimiter(3, 60.0, clock=clock, sleep=clock.sleep)
    clock.limiter = limiter
    slow = limiter.acquire()
    limiter.release(limiter.acquire())
    clock.now = 0.5
    limiter.release(limiter.acquire())
    clock.now = 10.0
    limiter.release(slow)  # answered after 10 s: its slot now counts from 10, ahead of the two others
    clock.now = 60.6  # the two quick ones expired; only the slow one counts (until 70)
    assert limiter.in_window() == 1
    limiter.acquire()
    limiter.acquire()
    assert clock.now == 60.6 and limiter.total_wait == 0


def test_async_acquire_waits_without_blocking() -> None:
    limiter = SlidingWindowRateLimiter(2, 0.3)

    async def scenario() -> bool:
        meanwhile = asyncio.create_task(asyncio.sleep(0.05))
        for _ in range(3):  # the third waits for a slot to leave the 0.3 s window
            limiter.release(await limiter.aacquire())
        return meanwhile.done()

    assert asyncio.run(scenario())  # the loop ran another task while the third request waited
    assert limiter.total_wait > 0.2


def test_hooks_of_one_connection_share_the_limiter_and_close_keeps_it(
    emulator: WistiaEmulator, set_connection: Any
) -> None:
    # A connection of its own: the limiter of wistia_default also holds other tests' requests,
    # which age out of its 60 s window while this test reads it.
    set_connection("wistia_limiter_sharing")
    first, second = (WistiaHook(wistia_conn_id="wistia_limiter_sharing") for _ in range(2))
    first.get_account()
    first.close()
    assert first.rate_limiter is second.rate_limiter
    assert first.rate_limiter.in_window() == 1  # close() dropped connections, not the window
    second.get_account()
    assert first.rate_limiter.in_window() == 2
