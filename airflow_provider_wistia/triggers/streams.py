"""The new-media stream behind :class:`~.events.WistiaNewMediaEventTrigger`: one poll loop per
(connection, project or account), shared by every watcher of it in a triggerer.

:class:`NewMediaStreamProducer` owns everything that changes over time: who has joined, the
group's listing cursor, each watcher's saved cursor, the back-off and its async client.
Watchers only :meth:`~NewMediaStreamProducer.join` with the cursor they loaded and
:meth:`~NewMediaStreamProducer.leave`; each raw event (one per poll) tells every watcher
which medias are its own, oldest first.

* **Ack mode** (Airflow 3.3 shared streams): :meth:`~NewMediaStreamProducer.advance` runs
  only once the triggerer confirmed that the events derived from a poll are stored; only then
  is each watcher's cursor saved (:mod:`.cursor_stores`). A crash before that repeats the
  poll's medias; nothing is lost.
* **Late joiners** get a private replay: a watcher that joins with a saved cursor is served,
  in its first poll, everything after its own cursor (the listing goes down to the lowest of
  the group's and the joiners' cursors), then follows the group.
* **Failed deliveries** (an ack timeout, a watcher gone before taking its event: Airflow
  reports counts, not who) send every watcher of that poll back to its last saved cursor for a
  replay: repeats, never a loss, and no group restart.
* **Outages**: a 401/403/404, a missing connection or any unexpected exception backs off
  doubling up to 15 minutes, one log line per attempt naming the assets, connection and
  project, and drops the client (the next attempt re-reads the connection: a rotated token
  applies at once). The client is also renewed every 5 minutes. The group cursor does not
  move meanwhile, so the next listing reads down to it however long the outage was.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from itertools import count
from typing import TYPE_CHECKING, Any

from airflow_provider_wistia._compat import shared_stream_producer_base
from airflow_provider_wistia.hooks.async_client import WistiaAsyncClient
from airflow_provider_wistia.triggers.conditions import TRANSIENT_ERRORS, backoff_delay
from airflow_provider_wistia.triggers.cursor import NewMediaCursor, utc_now
from airflow_provider_wistia.triggers.cursor_stores import CursorStore
from airflow_provider_wistia.triggers.pollers import list_newest_first

if TYPE_CHECKING:
    from airflow.triggers.shared_stream import AdvanceItem, SharedStreamProducer
else:  # before Airflow 3.3 a plain class: the trigger drives the producer itself
    SharedStreamProducer = shared_stream_producer_base()

log = logging.getLogger(__name__)

STREAM_NAME = "wistia-new-media"
MAX_ERROR_BACKOFF_SECONDS = 900.0  # refused (401/403/404) or broken: at most this far apart
CLIENT_MAX_AGE_SECONDS = 300.0  # the connection is re-read at least this often
_tokens = count(1)


def stream_key(wistia_conn_id: str, project_id: str | None) -> tuple[str, str, str]:
    """The shared-stream key: one poll loop per connection and project (``*``: the account)."""
    return (STREAM_NAME, wistia_conn_id, project_id or "*")


def error_delay(poll_interval: float, attempt: int) -> float:
    """Seconds before the next attempt after ``attempt`` refused or failed polls in a row."""
    return min(MAX_ERROR_BACKOFF_SECONDS, max(poll_interval, 0.1) * 2 ** (attempt - 1))


@dataclass(eq=False)
class Subscription:
    """One watcher in a stream: where it keeps its cursor and where it starts.

    :param store: where its cursor is saved.
    :param label: the asset(s) it feeds, for log lines.
    :param poll_interval: its wish; the group polls at the smallest.
    :param start: the cursor it loaded (None: take a baseline now, or everything not in
        ``known_media_ids`` when that is given).
    """

    store: CursorStore
    label: str
    poll_interval: float
    start: dict[str, Any] | None
    known_media_ids: list[str] | None = None
    token: int = field(default_factory=lambda: next(_tokens))
    synced: bool = False  # follows the group cursor (its replay or baseline was served)
    epoch: int = 0  # bumped when a delivery to it failed: older polls no longer save its cursor
    saved: dict[str, Any] | None = None  # the cursor last saved (or loaded)
    resume_from: dict[str, Any] | None = None  # where a replay restarts after a failed delivery

    def __post_init__(self) -> None:
        self.saved = self.resume_from = self.start


@dataclass(frozen=True)
class PollRecord:
    """The broker payload of one poll: the group cursor after it, and who it was for."""

    seq: int
    state: dict[str, Any]
    audience: dict[int, int]  # token -> epoch at fan-out


# Per event loop and stream key: the watchers that joined (the producer reads them each poll).
_MEMBERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[Hashable, dict[int, Subscription]]] = (
    weakref.WeakKeyDictionary()
)
_JOINED: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[Hashable, asyncio.Event]] = (
    weakref.WeakKeyDictionary()
)


class NewMediaStreamProducer(SharedStreamProducer):
    """The poll loop of one stream (see the module docstring).

    :param wistia_conn_id: Airflow connection of type ``wistia``.
    :param project_id: hashed id of the project (None: the whole account).
    :param poll_interval: used while no watcher has joined yet.
    :param members: who the stream serves (default: the watchers that joined this key in
        the running event loop; a trigger polling alone passes its own subscription).
    """

    def __init__(
        self,
        wistia_conn_id: str,
        project_id: str | None,
        poll_interval: float,
        members: Callable[[], list[Subscription]] | None = None,
    ) -> None:
        self.wistia_conn_id = wistia_conn_id
        self.project_id = project_id
        self.key = stream_key(wistia_conn_id, project_id)
        self.default_interval = poll_interval
        self._members = members or (lambda: list(self._registry().get(self.key, {}).values()))
        self.cursor = NewMediaCursor(project_id or "*")  # the group's listing cursor
        self._client: WistiaAsyncClient | None = None
        self._client_born = 0.0
        self._seq = count(1)
        self.failures = 0

    # ------------------------------------------------------------------ joining
    @staticmethod
    def _registry() -> dict[Hashable, dict[int, Subscription]]:
        return _MEMBERS.setdefault(asyncio.get_running_loop(), {})

    @staticmethod
    def _joined(key: Hashable) -> asyncio.Event:
        return _JOINED.setdefault(asyncio.get_running_loop(), {}).setdefault(key, asyncio.Event())

    @classmethod
    def join(cls, key: Hashable, subscription: Subscription) -> None:
        """Add a watcher to the stream ``key`` of this event loop; it is served from the next poll."""
        cls._registry().setdefault(key, {})[subscription.token] = subscription
        cls._joined(key).set()

    @classmethod
    def leave(cls, key: Hashable, subscription: Subscription) -> None:
        members = cls._registry().get(key, {})
        members.pop(subscription.token, None)
        if not members:
            cls._registry().pop(key, None)

    # ------------------------------------------------------------------ polling
    def interval(self) -> float:
        return min((m.poll_interval for m in self._members()), default=self.default_interval)

    def describe(self) -> str:
        project = f"project {self.project_id}" if self.project_id else "the account"
        labels = ", ".join(sorted({m.label for m in self._members()})) or "no watcher yet"
        return f"Wistia {project} on connection {self.wistia_conn_id!r} for {labels}"

    async def open_stream(self) -> AsyncIterator[tuple[dict[str, Any], PollRecord]]:
        """One ``(raw_event, PollRecord)`` per successful poll, forever; errors only delay it."""
        while True:
            if not self._members():
                joined = self._joined(self.key)
                joined.clear()
                await joined.wait()
            delay = self.interval()
            try:
                raw, record = await self.poll()
            except TRANSIENT_ERRORS as exc:
                self.failures += 1
                delay = backoff_delay(self.interval(), self.failures)
                log.warning("Transient error watching %s (attempt %d): %s; trying again in %.1f s.",
                            self.describe(), self.failures, exc, delay)  # fmt: skip
            except Exception as exc:  # refused, missing connection, anything else: never a tight loop
                self.failures += 1
                delay = error_delay(self.interval(), self.failures)
                log.error("Cannot watch %s (attempt %d): %s: %s; trying again in %.1f s.",
                          self.describe(), self.failures, type(exc).__name__, exc, delay)  # fmt: skip
                await self._drop_client()
            else:
                if self.failures:
                    log.info("Watching %s again after %d failed attempts.", self.describe(), self.failures)
                self.failures = 0
                yield raw, record
            await asyncio.sleep(delay)

    async def poll(self) -> tuple[dict[str, Any], PollRecord]:
        """List down to the lowest cursor in play; give each watcher its new medias."""
        members = self._members()
        joiners = [m for m in members if not m.synced]
        starts = {m.token: self._restored(m) for m in joiners}
        floors = [] if self.cursor.seen is None else [self.cursor.floor()]
        for m in joiners:
            if starts[m.token] is not None:
                floors.append(starts[m.token].floor())  # type: ignore[union-attr]
            elif m.known_media_ids is not None:
                floors.append(None)  # everything not known is new
        baseline = not floors
        floor = None if baseline or None in floors else min(f for f in floors if f is not None)
        client = await self._client_now()
        medias = await list_newest_first(client, self.project_id, floor, window_below_first=baseline)
        if self.cursor.seen is None:  # the group's first poll: what exists is its baseline
            self.cursor.remember(medias, utc_now())
            group_new: list[dict[str, Any]] = []
        else:
            group_new = self.cursor.take_new(medias)
        state = self.cursor.state()
        deliveries: dict[int, list[dict[str, Any]]] = {}
        for m in members:
            new = group_new if m.synced else self._replay(m, starts[m.token], medias)
            if not m.synced and m.start is None and m.known_media_ids is None:
                m.resume_from = state  # a baseline: after a failed delivery, resume here
            m.synced = True
            if new:
                deliveries[m.token] = new
        record = PollRecord(next(self._seq), state, {m.token: m.epoch for m in members})
        return {"deliveries": deliveries}, record

    def _restored(self, member: Subscription) -> NewMediaCursor | None:
        cursor = NewMediaCursor(self.project_id or "*")
        return cursor if member.start is not None and cursor.restore(member.start) else None

    @staticmethod
    def _replay(
        member: Subscription, start: NewMediaCursor | None, medias: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        if start is not None:  # what arrived after its own cursor
            return start.take_new(medias)
        if member.known_media_ids is not None:
            start = NewMediaCursor("")
            start.seen = {}
            return start.take_new(medias, member.known_media_ids)
        return []  # a baseline

    # ------------------------------------------------------------------ advancing
    async def advance(self, batch: Sequence[AdvanceItem]) -> None:
        """Airflow stored the events of these polls: save the watchers' cursors (ack mode)."""
        for item in batch:
            await self.commit(item.broker_payload, delivered=item.outcome.failed == 0)

    async def commit(self, record: PollRecord, *, delivered: bool) -> None:
        """Save each watcher's cursor past ``record`` (delivered), or send them back for a replay."""
        members = {m.token: m for m in self._members()}
        for token, epoch in record.audience.items():
            member = members.get(token)
            if member is None or member.epoch != epoch:
                continue  # gone, or already sent back by an earlier failed poll
            if not delivered:
                log.warning("A delivery of %s failed; replaying from its last saved cursor.", member.label)
                member.epoch += 1
                member.synced = False
                member.start = member.resume_from
                continue
            if record.state == member.saved:
                continue
            try:
                await member.store.save(record.state)
            except Exception as exc:  # the cursor lags: the next poll's save tries again
                log.warning("Cannot save the Wistia cursor of %s: %s", member.label, exc)
                continue
            member.saved = member.resume_from = record.state

    # ------------------------------------------------------------------ the client
    async def _client_now(self) -> WistiaAsyncClient:
        now = asyncio.get_running_loop().time()
        if self._client is not None and now - self._client_born > CLIENT_MAX_AGE_SECONDS:
            await self._drop_client()
        if self._client is None:
            self._client, self._client_born = WistiaAsyncClient(self.wistia_conn_id), now
        return self._client

    async def _drop_client(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def aclose(self) -> None:
        await self._drop_client()
