"""Record verified webhook events as Airflow asset events, exactly once per event ``uuid``.

Runs in the API server, in a worker thread (all of it blocks on the metadata database).
Each recorded event leaves a row in ``wistia_webhook_event`` keyed by ``(conn_id,
event_uuid)``, written in the same transaction as the asset event: the primary key makes a
second recording of the same uuid impossible, whatever the number of API server processes
or restarts, and a delivery that fails half-way records nothing (Wistia retries it).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from airflow_provider_wistia.webhooks.events import WebhookEvent, webhook_asset_uri

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

_METADATA = sa.MetaData()
RECEIPTS = sa.Table(
    "wistia_webhook_event",
    _METADATA,
    sa.Column("conn_id", sa.String(250), primary_key=True),
    sa.Column("event_uuid", sa.String(250), primary_key=True),
    sa.Column("event_type", sa.String(250), nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
)
_LOOKUP_BATCH = 500
_table_ready = threading.Event()
_table_lock = threading.Lock()


@dataclass
class Outcome:
    """What a delivery did: the endpoint's answer."""

    recorded: int = 0
    duplicates: int = 0
    ignored: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"recorded": self.recorded, "duplicates": self.duplicates, "ignored": self.ignored}


def ensure_receipts_table(bind: Any) -> None:
    """Create ``wistia_webhook_event`` in the metadata database if it is not there (once per process)."""
    if _table_ready.is_set():
        return
    with _table_lock:
        if _table_ready.is_set():
            return
        try:
            RECEIPTS.create(bind=bind, checkfirst=True)
        except (OperationalError, ProgrammingError, IntegrityError):  # created meanwhile by another process
            if not sa.inspect(bind).has_table(RECEIPTS.name):
                raise
        _table_ready.set()


def _active_assets(session: Session, uris: set[str]) -> dict[str, list[Any]]:
    """Active asset models per URI: the assets some DAG still references."""
    from airflow.models.asset import AssetModel

    found: dict[str, list[Any]] = {uri: [] for uri in uris}
    for model in session.scalars(sa.select(AssetModel).where(AssetModel.uri.in_(uris))):
        if model.active is not None:
            found[model.uri].append(model)
    return found


def _recorded_uuids(session: Session, conn_id: str, uuids: set[str]) -> set[str]:
    """Which of ``uuids`` were recorded before (in batches: SQLite caps bound parameters)."""
    ordered, found = sorted(uuids), set[str]()
    for start in range(0, len(ordered), _LOOKUP_BATCH):
        batch = ordered[start : start + _LOOKUP_BATCH]
        query = sa.select(RECEIPTS.c.event_uuid).where(
            RECEIPTS.c.conn_id == conn_id, RECEIPTS.c.event_uuid.in_(batch)
        )
        found.update(row[0] for row in session.execute(query))
    return found


def _record_in(session: Session, conn_id: str, events: Sequence[WebhookEvent]) -> Outcome:
    """Record ``events`` in ``session``'s transaction; raises IntegrityError on a concurrent duplicate."""
    from airflow.assets.manager import asset_manager

    outcome = Outcome()
    seen = _recorded_uuids(session, conn_id, {e.uuid for e in events})
    assets = _active_assets(session, {webhook_asset_uri(e.type, conn_id) for e in events})
    now = datetime.now(timezone.utc)
    for event in events:
        if event.uuid in seen:
            outcome.duplicates += 1
            continue
        models = assets[webhook_asset_uri(event.type, conn_id)]
        if not models:
            outcome.ignored += 1
            continue
        session.execute(
            sa.insert(RECEIPTS).values(
                conn_id=conn_id, event_uuid=event.uuid, event_type=event.type, received_at=now
            )
        )
        for model in models:
            asset_manager.register_asset_change(asset=model, extra=event.extra(), session=session)
        seen.add(event.uuid)
        outcome.recorded += 1
    return outcome


def record_events(conn_id: str, events: Sequence[WebhookEvent]) -> Outcome:
    """Turn ``events`` into asset events (each once) and queue the DAGs scheduled on them.

    One transaction for the whole delivery; if another process records one of the same
    events at the same moment (the primary key refuses the second insert), the delivery is
    redone event by event, each in its own transaction, so nothing is recorded twice.
    """
    from airflow.utils.session import create_session

    if not events:
        return Outcome()
    try:
        with create_session() as session:
            ensure_receipts_table(session.get_bind())
            return _record_in(session, conn_id, events)
    except IntegrityError:
        log.debug("Concurrent delivery of the same Wistia event on %s; recording one by one", conn_id)
    total = Outcome()
    for event in events:
        try:
            with create_session() as session:
                one = _record_in(session, conn_id, [event])
        except IntegrityError:
            one = Outcome(duplicates=1)
        total.recorded += one.recorded
        total.duplicates += one.duplicates
        total.ignored += one.ignored
    return total
