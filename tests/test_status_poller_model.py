"""A Hypothesis state machine of the shared status poller (issue 17 item 5).

Waits join and leave; media ids answer 404, 403 or 500 and recover; the connection is
revoked (401) or cannot be looked up, and recovers. After every round the invariants hold:
a wait's outcome depends only on its own media (and on a revoked connection), no wait
starves, no round sends more than ``ceil(ids / batch)`` requests plus a bounded number per
failing id, and the poller never spins.

Driven against a fake transport at the poller's request seam (``round(client)`` takes the
client) with a simulated clock: the invariants speak of simulated time (back-offs of up to
15 minutes, starvation), which over real HTTP would take hours per example. The same
behaviours against the emulator over HTTP are in ``test_triggers_isolation.py``.
"""

from __future__ import annotations

import asyncio
import logging
import math
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from airflow_provider_wistia.exceptions import WistiaAuthError, WistiaNotFoundError, error_for_status
from airflow_provider_wistia.triggers import status_poller
from airflow_provider_wistia.triggers.conditions import MAX_ERROR_BACKOFF_SECONDS
from airflow_provider_wistia.triggers.status_poller import MediaStatusPoller, StatusWatch

IDS = [f"media{i:05d}" for i in range(7)]
BATCH = 3  # small batches, so that a handful of ids needs several requests and halvings
BISECT = 2 * math.ceil(math.log2(BATCH)) + 1  # the most requests one failing id can add (+ itself)
BEHAVIOURS = ("processing", "ready", "404", "403", "500")
POLLS = (1.0, 5.0, 30.0)
# A wait on a media that answers, on a working connection, is read within this (simulated) time:
# the longest connection back-off plus the longest poll interval.
STARVATION = MAX_ERROR_BACKOFF_SECONDS + max(POLLS) + 1


class FakeWistia:
    """Answers the poller's requests from the model: ``GET medias?hashed_ids[]``, ``GET
    medias/<id>`` and ``GET account``; counts them like the async client does."""

    def __init__(self) -> None:
        self.behaviour = dict.fromkeys(IDS, "processing")
        self.connection = "ok"  # "ok", "revoked" (401) or "missing" (the lookup fails)
        self.requests_sent = 0

    async def request(self, method: str, path: str, *, params: dict[str, Any] | None = None) -> Any:
        self.requests_sent += 1
        if self.connection == "missing":
            raise LookupError("The conn_id `wistia_default` isn't defined")
        if self.connection == "revoked":
            raise error_for_status(401, method, f"/v1/{path}.json", "Invalid credentials.")
        if path == "account":
            return {"name": "Account"}
        ids = list((params or {}).get("hashed_ids", [])) if path == "medias" else [path.split("/")[1]]
        for status in ("403", "500"):
            if any(self.behaviour[i] == status for i in ids):
                raise error_for_status(int(status), method, f"/v1/{path}.json", "refused")
        found = [{"hashed_id": i, "status": self.behaviour[i]} for i in ids if self.behaviour[i] != "404"]
        if path == "medias":
            return found
        if not found:
            raise error_for_status(404, method, f"/v1/{path}.json", "Media not found")
        return found[0]


class QuietPoller(MediaStatusPoller):
    """The poller without its own loop task: the state machine runs its steps."""

    async def _run(self) -> None:
        return None


class StatusPollerMachine(RuleBasedStateMachine):
    @initialize()
    def start(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.now = 1000.0
        self.fake = FakeWistia()
        self.poller = self.loop.run_until_complete(self._make())
        self.waits: dict[StatusWatch, dict[str, Any]] = {}  # wait -> its model (joined, last read)
        self.steps_since_change = 0
        self.time_since_change = 0.0

    async def _make(self) -> MediaStatusPoller:
        return QuietPoller("wistia_default", clock=lambda: self.now)

    def teardown(self) -> None:
        if hasattr(self, "loop"):
            for watch in list(self.waits):
                self.loop.run_until_complete(self.poller.remove(watch))
            self.loop.close()

    def _changed(self) -> None:
        self.steps_since_change, self.time_since_change = 0, 0.0

    def _media_answers(self, media_id: str) -> bool:
        return self.fake.connection == "ok" and self.fake.behaviour[media_id] in ("processing", "ready")

    # ------------------------------------------------------------------ rules
    @rule(media_id=st.sampled_from(IDS), poll=st.sampled_from(POLLS))
    def join(self, media_id: str, poll: float) -> None:
        async def watch() -> StatusWatch:
            return self.poller.watch(media_id, poll)

        watch_ = self.loop.run_until_complete(watch())
        answers = self._media_answers(media_id)
        self.waits[watch_] = {"joined": self.now, "read": None, "ok_since": self.now if answers else None}
        self._changed()

    @precondition(lambda self: bool(self.waits))
    @rule(index=st.integers(0, 50))
    def leave(self, index: int) -> None:
        watch = list(self.waits)[index % len(self.waits)]
        self.loop.run_until_complete(self.poller.remove(watch))
        del self.waits[watch]
        self._changed()

    @rule(media_id=st.sampled_from(IDS), behaviour=st.sampled_from(BEHAVIOURS))
    def media_changes(self, media_id: str, behaviour: str) -> None:
        self.fake.behaviour[media_id] = behaviour
        self._restart_ok_clocks()

    @rule(connection=st.sampled_from(("ok", "ok", "revoked", "missing")))
    def connection_changes(self, connection: str) -> None:
        self.fake.connection = connection
        self._restart_ok_clocks()

    def _restart_ok_clocks(self) -> None:
        for watch, model in self.waits.items():
            answers = self._media_answers(watch.media_id)
            if not answers:
                model["ok_since"] = None
            elif model["ok_since"] is None:
                model["ok_since"] = self.now
        self._changed()

    @precondition(lambda self: bool(self.waits))
    @rule(rounds=st.integers(1, 6))
    def run_rounds(self, rounds: int) -> None:
        for _ in range(rounds):
            if self.waits:  # the poller's loop runs while it has waits
                self._one_round()

    @precondition(lambda self: bool(self.waits))
    @rule()
    def run_a_long_time(self) -> None:
        """Rounds until simulated time has moved past the starvation bound."""
        until = self.now + STARVATION + 1
        while self.waits and self.now < until:
            self._one_round()

    # ------------------------------------------------------------------ one round
    def _one_round(self) -> None:
        distinct = {w.media_id for w in self.waits}
        failing = [i for i in distinct if not self._media_answers(i)]
        before = self.fake.requests_sent
        delay = self.loop.run_until_complete(self.poller.step(self.fake))  # type: ignore[arg-type]
        sent = self.fake.requests_sent - before
        bound = math.ceil(len(distinct) / BATCH) + BISECT * len(failing) + 1
        assert sent <= bound, f"{sent} requests for {len(distinct)} ids, {len(failing)} failing"
        assert delay > 0, "the poller asked to run again at once: a spin"
        self.steps_since_change += 1
        for watch in list(self.waits):
            if watch.news.is_set():
                watch.news.clear()
                self._check_outcome(watch, watch.latest)
        self.now += delay
        self.time_since_change += delay

    def _check_outcome(self, watch: StatusWatch, value: Any) -> None:
        """What a wait hears depends on its own media only (or on a revoked connection)."""
        model = self.waits[watch]
        model["read"] = self.now
        own = self.fake.behaviour[watch.media_id]
        if isinstance(value, BaseException):
            if self.fake.connection == "revoked":
                assert isinstance(value, WistiaAuthError) and value.status_code == 401
            elif own == "404":
                assert isinstance(value, WistiaNotFoundError)
            else:
                assert own == "403" and isinstance(value, WistiaAuthError) and value.status_code == 403, (
                    f"wait on {watch.media_id} ({own}) heard {value!r}"
                )
            self._end(watch)  # the trigger fires its error event and leaves
            return
        assert value == {"hashed_id": watch.media_id, "status": own}, f"{watch.media_id} ({own}): {value}"
        if own == "ready":
            self._end(watch)  # done: the trigger fires its success event and leaves

    def _end(self, watch: StatusWatch) -> None:
        self.loop.run_until_complete(self.poller.remove(watch))
        del self.waits[watch]

    # ------------------------------------------------------------------ invariants
    @invariant()
    def no_wait_starves(self) -> None:
        for watch, model in getattr(self, "waits", {}).items():
            since = model["ok_since"]
            if since is not None and self.now - since > STARVATION:
                assert model["read"] is not None and model["read"] >= since, (
                    f"wait on {watch.media_id} unread for {self.now - since:.0f} s of a working media"
                )

    @invariant()
    def rounds_are_bounded_by_time(self) -> None:
        """No spin: rounds since the last change are bounded by simulated time (each wait is read
        at most once per its poll interval, the poller at most once per the shortest)."""
        waits = getattr(self, "waits", {})
        if not waits:
            return
        per_second = (len(waits) + 1) / min(POLLS)
        assert self.steps_since_change <= 2 * len(waits) + 2 + per_second * self.time_since_change


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(status_poller, "BATCH_SIZE", BATCH)
    # The pollers log a line per failed attempt: thousands of simulated ones here.
    for name in ("poller_base", "status_poller"):
        monkeypatch.setattr(logging.getLogger(f"airflow_provider_wistia.triggers.{name}"), "disabled", True)


def test_status_poller_state_machine(small_batches: None) -> None:
    run_state_machine_as_test(
        StatusPollerMachine,
        settings=settings(max_examples=50, stateful_step_count=30, deadline=None, database=None),
    )
