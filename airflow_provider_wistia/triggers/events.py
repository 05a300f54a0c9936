"""``WistiaNewMediaEventTrigger``: new medias of a project (or the account) as asset events.

On Airflow 3.3+ every watcher of one (connection, project) shares one poll loop in the
triggerer (a shared stream in ack mode, :mod:`.streams`): a watcher loads its cursor, joins,
and turns each raw event into at most one ``TriggerEvent``. Before 3.3 the same trigger polls
on its own (:meth:`WistiaNewMediaEventTrigger.run`).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Collection, Hashable
from typing import Any

from airflow.triggers.base import BaseEventTrigger, TriggerEvent

from airflow_provider_wistia._compat import has_shared_streams
from airflow_provider_wistia.hooks.wistia import WistiaHook
from airflow_provider_wistia.triggers.conditions import check_interval
from airflow_provider_wistia.triggers.cursor_stores import (
    AssetCursorStore,
    CursorStore,
    VariableCursorStore,
    identity_variable_key,
    stream_cursor_key,
)
from airflow_provider_wistia.triggers.streams import (
    NewMediaStreamProducer,
    PollRecord,
    Subscription,
    error_delay,
    stream_key,
)
from airflow_provider_wistia.validation import require_id

# Polling alone (before Airflow 3.3): a poll's cursor is saved at the first poll at least this
# long after its events were yielded, by when the triggerer has stored them.
SAVE_DELAY_SECONDS = 30.0


class WistiaNewMediaEventTrigger(BaseEventTrigger):
    """Fire one event per poll that finds new medias in a project, for ``AssetWatcher``.

    Event: ``{"status": "success", "medias": [...], "project_id": ..., "message": ...}``, the
    medias oldest first, each with ``"dedupe_key"`` (its hashed id). One event per poll, never
    one per media: Airflow's scheduler builds an asset-triggered run only from the events up
    to the moment the asset was first queued, so a burst of events would leave all but the
    first waiting for the next event on that asset.

    The first poll records what exists as the baseline (no event) unless ``known_media_ids``
    is given, in which case every media not in it is new. The cursor is saved per watched
    asset and stream in the asset state store (Airflow 3.3+; a Variable before, or when one
    trigger watches several assets), only after Airflow stored the events it covers (before
    3.3: :data:`SAVE_DELAY_SECONDS` after yielding them): after a crash the medias of the crash
    window repeat (same ``dedupe_key``), none is lost.

    :param project_id: hashed id of the watched project (None: every project of the account).
    :param poll_interval: seconds between listings (the stream polls at its watchers' smallest).
    :param wistia_conn_id: Airflow connection of type ``wistia``.
    :param known_media_ids: hashed ids already handled; if given, no baseline is taken.
    """

    def __init__(
        self,
        project_id: str | None,
        poll_interval: float = 60,
        wistia_conn_id: str = WistiaHook.default_conn_name,
        known_media_ids: Collection[str] | None = None,
    ) -> None:
        super().__init__()
        self.project_id = None if project_id is None else require_id("project_id", project_id)
        self.poll_interval = check_interval("poll_interval", poll_interval)
        self.wistia_conn_id = wistia_conn_id
        self.known_media_ids = None if known_media_ids is None else sorted(set(known_media_ids))

    def _kwargs(self) -> dict[str, Any]:
        return {
            "project_id": self.project_id,
            "poll_interval": self.poll_interval,
            "wistia_conn_id": self.wistia_conn_id,
            "known_media_ids": self.known_media_ids,
        }

    def serialize(self) -> tuple[str, dict[str, Any]]:
        # The classpath users' databases already hold (the class moved here from .wistia).
        return "airflow_provider_wistia.triggers.wistia.WistiaNewMediaEventTrigger", self._kwargs()

    # ------------------------------------------------------------------ shared stream
    def shared_stream_key(self) -> Hashable | None:
        """One poll loop per (connection, project), where the triggerer has ack-mode shared
        streams; None (poll alone, :meth:`run`) elsewhere."""
        return stream_key(self.wistia_conn_id, self.project_id) if has_shared_streams() else None

    @classmethod
    def create_shared_stream_producer(cls, kwargs: dict[str, Any]) -> NewMediaStreamProducer:
        trigger = cls(**kwargs)
        return NewMediaStreamProducer(trigger.wistia_conn_id, trigger.project_id, trigger.poll_interval)

    async def filter_shared_stream(self, shared_stream: AsyncIterator[Any]) -> AsyncIterator[TriggerEvent]:
        subscription = await self._subscription()
        key = self.shared_stream_key()
        NewMediaStreamProducer.join(key, subscription)
        try:
            async for raw_event in shared_stream:
                medias = raw_event["deliveries"].get(subscription.token)
                if medias:
                    yield self._event(medias)
        finally:
            NewMediaStreamProducer.leave(key, subscription)

    # ------------------------------------------------------------------ polling alone
    async def run(self) -> AsyncIterator[TriggerEvent]:
        """Poll alone (Airflow before 3.3, where the triggerer has no shared streams).

        A poll's cursor is saved at the first later poll at least :data:`SAVE_DELAY_SECONDS`
        after its event was yielded: a crash within that window repeats the event. A poll
        without an event (a baseline, a quiet poll) behind no unsaved one is saved at once.
        """
        subscription = await self._subscription()
        producer = NewMediaStreamProducer(
            self.wistia_conn_id, self.project_id, self.poll_interval, members=lambda: [subscription]
        )
        loop = asyncio.get_running_loop()
        unsaved: deque[tuple[float, PollRecord]] = deque()
        try:
            async for raw_event, record in producer.open_stream():
                while unsaved and unsaved[0][0] <= loop.time():
                    await producer.commit(unsaved.popleft()[1], delivered=True)
                medias = raw_event["deliveries"].get(subscription.token)
                if medias:
                    yield self._event(medias)
                    unsaved.append((loop.time() + SAVE_DELAY_SECONDS, record))
                elif unsaved:
                    unsaved.append((unsaved[-1][0], record))  # saved right after the event before it
                else:
                    await producer.commit(record, delivered=True)  # no event to wait for (e.g. a baseline)
        finally:
            await producer.aclose()

    # ------------------------------------------------------------------ helpers
    def _label(self) -> str:
        store = getattr(self, "asset_state_store", None)
        trigger_id = getattr(self, "trigger_id", None)
        return f"asset(s) {store!r}" if store is not None else f"the asset(s) of trigger {trigger_id}"

    def cursor_store(self) -> CursorStore:
        """Where this watcher's cursor lives: its asset's state store (Airflow 3.3+), else a
        Variable named after the trigger (see :mod:`.cursor_stores`)."""
        accessors = getattr(self, "asset_state_store", None)  # injected by Airflow 3.3+
        fallback = VariableCursorStore(
            identity_variable_key(self.wistia_conn_id, self.project_id, self._kwargs())
        )
        if accessors is None:
            return fallback
        return AssetCursorStore(accessors, stream_cursor_key(self.wistia_conn_id, self.project_id), fallback)

    async def _subscription(self) -> Subscription:
        """Load the saved cursor (trying again, doubling, while the store does not answer)."""
        store, attempt = self.cursor_store(), 0
        while True:
            try:
                start = await store.load()
                break
            except Exception as exc:
                attempt += 1
                delay = error_delay(self.poll_interval, attempt)
                self.log.error(
                    "Cannot load the Wistia cursor of %s (attempt %d): %s; trying again in %.1f s.",
                    self._label(), attempt, exc, delay,
                )  # fmt: skip
                await asyncio.sleep(delay)
        if start is not None:
            self.log.info("Resuming the Wistia cursor of %s from %s", self._label(), store.description)
        return Subscription(
            store, self._label(), self.poll_interval, start if isinstance(start, dict) else None,
            self.known_media_ids,
        )  # fmt: skip

    def _event(self, medias: list[dict[str, Any]]) -> TriggerEvent:
        items = [{**media, "dedupe_key": media.get("hashed_id")} for media in medias]
        where = f"Wistia project {self.project_id}" if self.project_id else "the Wistia account"
        ids = ", ".join(str(item["dedupe_key"]) for item in items)
        message = f"{len(items)} new media in {where}: {ids}."
        self.log.info("%s", message)
        return TriggerEvent(
            {"status": "success", "medias": items, "project_id": self.project_id, "message": message}
        )
