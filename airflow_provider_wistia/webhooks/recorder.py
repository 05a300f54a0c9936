"""Record verified webhook events as Airflow asset events, each event ``uuid`` at most once.

Runs in the API server, in a worker thread (all of it blocks on the metadata database).
A delivery is one transaction: a receipt per fresh event (:mod:`.receipts`; its primary key
makes a second recording of a uuid impossible, whatever the number of API server processes)
and **one asset event per asset** listing that asset's new events, oldest first, so a burst
never strands events in Airflow's asset run queue (a queued run takes only the events up to
the moment the asset was first queued). Asset-event listeners are called only after the
transaction committed: a delivery that is rolled back or answered 503 announces nothing.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from airflow_provider_wistia.webhooks.events import WebhookEvent, asset_event_extra, webhook_asset_uri
from airflow_provider_wistia.webhooks.receipts import (
    ensure_tables,
    is_fresh,
    recorded_uuids,
    window_start,
    write_receipts,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

# A delivery that loses a race for one of its events (another process committed its receipt
# between our look-up and our insert) is redone whole: the look-up then sees that receipt.
MAX_ATTEMPTS = 3


@dataclass
class Outcome:
    """What a delivery did, counted in events: the endpoint's answer."""

    recorded: int = 0
    duplicates: int = 0
    ignored: int = 0
    stale: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "recorded": self.recorded,
            "duplicates": self.duplicates,
            "ignored": self.ignored,
            "stale": self.stale,
        }


@cache
def _manager_defers_listeners() -> bool:
    """True if ``register_asset_change`` takes ``callback_sink`` (Airflow 3.3; 3.1 calls listeners inline)."""
    from airflow.assets.manager import asset_manager

    return "callback_sink" in inspect.signature(asset_manager.register_asset_change).parameters


def _active_assets(session: Session, uris: set[str]) -> dict[str, list[Any]]:
    """Active asset models per URI: the assets some DAG still references."""
    from airflow.models.asset import AssetModel

    found: dict[str, list[Any]] = {uri: [] for uri in uris}
    for model in session.scalars(sa.select(AssetModel).where(AssetModel.uri.in_(uris))):
        if model.active is not None:
            found[model.uri].append(model)
    return found


def _new_events(
    session: Session, conn_id: str, events: Sequence[WebhookEvent], max_age: int, now: datetime
) -> tuple[list[WebhookEvent], Outcome]:
    """The fresh events without a receipt (first copy of each uuid), and the stale/duplicate counts."""
    outcome = Outcome()
    start = window_start(session, conn_id, max_age, now)
    fresh = [event for event in events if is_fresh(event, start, now)]
    outcome.stale = len(events) - len(fresh)
    seen = recorded_uuids(session, conn_id, {event.uuid for event in fresh})
    new: list[WebhookEvent] = []
    for event in fresh:
        if event.uuid in seen:
            outcome.duplicates += 1
        else:
            seen.add(event.uuid)
            new.append(event)
    return new, outcome


def _record_in(
    session: Session,
    conn_id: str,
    events: Sequence[WebhookEvent],
    max_age: int,
    announcements: list[Callable[[], None]],
) -> Outcome:
    """Record ``events`` in ``session``'s transaction, listener calls into ``announcements``.

    Raises IntegrityError when a concurrent delivery wrote one of the receipts first.
    """
    from airflow.assets.manager import asset_manager

    now = datetime.now(timezone.utc)
    new, outcome = _new_events(session, conn_id, events, max_age, now)
    write_receipts(session, conn_id, new, now)
    by_uri: dict[str, list[WebhookEvent]] = {}
    for event in new:
        by_uri.setdefault(webhook_asset_uri(event.type, conn_id), []).append(event)
    assets = _active_assets(session, set(by_uri))
    sink: dict[str, Any] = {"callback_sink": announcements} if _manager_defers_listeners() else {}
    for uri, group in by_uri.items():
        if not assets[uri]:
            outcome.ignored += len(group)  # receipts written: a replay stays a duplicate later
            continue
        for model in assets[uri]:
            asset_manager.register_asset_change(
                asset=model, extra=asset_event_extra(group), session=session, **sink
            )
        outcome.recorded += len(group)
    return outcome


def _announce(announcements: list[Callable[[], None]]) -> None:
    """Run the asset manager's listener calls (each catches and logs its listeners' errors)."""
    for announce in announcements:
        announce()


def record_events(conn_id: str, events: Sequence[WebhookEvent], max_age: int) -> Outcome:
    """Turn ``events`` into asset events (each uuid once) and queue the DAGs scheduled on them.

    One transaction for the whole delivery; listeners hear its asset events after it committed.
    If another process records one of the same events at the same moment (the primary key
    refuses our receipt), the transaction is rolled back, nothing is announced, and the delivery
    is redone (up to ``MAX_ATTEMPTS`` times; then the IntegrityError is raised: answered 503).
    """
    from airflow.utils.session import create_session

    if not events:
        return Outcome()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        announcements: list[Callable[[], None]] = []
        try:
            with create_session() as session:
                ensure_tables(session.get_bind())
                outcome = _record_in(session, conn_id, events, max_age, announcements)
        except IntegrityError:
            if attempt == MAX_ATTEMPTS:
                raise
            log.info(
                "Wistia webhook on %r: an event was recorded concurrently; redoing the delivery", conn_id
            )
            continue
        _announce(announcements)
        return outcome
    raise AssertionError("unreachable")  # pragma: no cover
