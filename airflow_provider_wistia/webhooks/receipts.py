"""Receipts of verified webhook events, and the replay window that lets old receipts go.

Every verified event that is not refused as stale leaves a row ``(conn_id, event_uuid)`` in
``wistia_webhook_event``, recorded or ignored, so the same bytes delivered again are a
duplicate whatever happened in between. An event is only accepted while its ``generated_at``
is within ``webhook_max_age`` seconds in the past (and at most 5 minutes in the future); a
receipt is pruned only once it was received more than ``webhook_max_age`` + 5 minutes ago,
when its event is refused as stale anyway. Each prune also raises the connection's
``pruned_before`` mark in ``wistia_webhook_window``: events generated before it stay refused
even if ``webhook_max_age`` is raised later, so no pruned receipt can let a replay through.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from airflow_provider_wistia.webhooks.events import WebhookEvent

log = logging.getLogger(__name__)

FUTURE_TOLERANCE = timedelta(minutes=5)  # how far Wistia's clock may run ahead of ours
PRUNE_BATCH = 1000  # most receipts one delivery prunes (the receiver's bounded work)
_LOOKUP_BATCH = 500  # SQLite caps bound parameters

_METADATA = sa.MetaData()
RECEIPTS = sa.Table(
    "wistia_webhook_event",
    _METADATA,
    sa.Column("conn_id", sa.String(250), primary_key=True),
    sa.Column("event_uuid", sa.String(250), primary_key=True),
    sa.Column("event_type", sa.String(250), nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("idx_wistia_webhook_event_received", "conn_id", "received_at"),
)
WINDOWS = sa.Table(
    "wistia_webhook_window",
    _METADATA,
    sa.Column("conn_id", sa.String(250), primary_key=True),
    sa.Column("pruned_before", sa.DateTime(timezone=True), nullable=False),
)
_tables_ready = threading.Event()
_tables_lock = threading.Lock()


def ensure_tables(bind: Any) -> None:
    """Create the receipts and window tables and the receipts' index where missing (once per process).

    The receipts table of 0.2.0 gets its index added; its rows stay valid.
    """
    if _tables_ready.is_set():
        return
    with _tables_lock:
        if _tables_ready.is_set():
            return
        for create in (
            lambda: RECEIPTS.create(bind=bind, checkfirst=True),
            lambda: WINDOWS.create(bind=bind, checkfirst=True),
            *(lambda index=index: index.create(bind=bind, checkfirst=True) for index in RECEIPTS.indexes),
        ):
            try:
                create()
            except (OperationalError, ProgrammingError, IntegrityError):  # created meanwhile elsewhere
                log.debug("Receipts table or index created concurrently", exc_info=True)
        inspector = sa.inspect(bind)
        if not (inspector.has_table(RECEIPTS.name) and inspector.has_table(WINDOWS.name)):
            raise RuntimeError("could not create the Wistia webhook receipts tables")
        _tables_ready.set()


def _utc(value: datetime) -> datetime:
    """A time read back from the database as aware UTC (SQLite returns it naive)."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _batches(items: Sequence[str]) -> Iterable[Sequence[str]]:
    return (items[start : start + _LOOKUP_BATCH] for start in range(0, len(items), _LOOKUP_BATCH))


def window_start(session: Session, conn_id: str, max_age: int, now: datetime) -> datetime:
    """The oldest ``generated_at`` accepted now: ``max_age`` ago, or later if receipts were pruned."""
    start = now - timedelta(seconds=max_age)
    pruned_before = session.scalar(sa.select(WINDOWS.c.pruned_before).where(WINDOWS.c.conn_id == conn_id))
    return max(start, _utc(pruned_before)) if pruned_before is not None else start


def is_fresh(event: WebhookEvent, start: datetime, now: datetime) -> bool:
    """True if ``event`` may be recorded: generated after ``start``, not too far in the future."""
    return start <= event.generated <= now + FUTURE_TOLERANCE


def recorded_uuids(session: Session, conn_id: str, uuids: set[str]) -> set[str]:
    """Which of ``uuids`` have a receipt."""
    found = set[str]()
    for batch in _batches(sorted(uuids)):
        query = sa.select(RECEIPTS.c.event_uuid).where(
            RECEIPTS.c.conn_id == conn_id, RECEIPTS.c.event_uuid.in_(batch)
        )
        found.update(session.scalars(query))
    return found


def write_receipts(session: Session, conn_id: str, events: Sequence[WebhookEvent], now: datetime) -> None:
    """One receipt per event (in ``session``'s transaction); IntegrityError if one exists already."""
    if events:
        rows = [
            {"conn_id": conn_id, "event_uuid": e.uuid, "event_type": e.type, "received_at": now}
            for e in events
        ]
        session.execute(sa.insert(RECEIPTS), rows)


def prune_expired(session: Session, conn_id: str, max_age: int, now: datetime, limit: int) -> int:
    """Delete at most ``limit`` receipts of ``conn_id`` received before ``now - max_age - 5 min``.

    Their events are stale by then; the window's ``pruned_before`` moves to ``now - max_age`` in
    the same transaction so that they stay refused if ``max_age`` grows. Returns how many.
    """
    cutoff = now - timedelta(seconds=max_age) - FUTURE_TOLERANCE
    expired = RECEIPTS.c.received_at < cutoff
    uuids = list(
        session.scalars(
            sa.select(RECEIPTS.c.event_uuid)
            .where(RECEIPTS.c.conn_id == conn_id, expired)
            .order_by(RECEIPTS.c.received_at)
            .limit(limit)
        )
    )
    if not uuids:
        return 0
    mark = now - timedelta(seconds=max_age)
    current = session.scalar(sa.select(WINDOWS.c.pruned_before).where(WINDOWS.c.conn_id == conn_id))
    if current is None:
        session.execute(sa.insert(WINDOWS).values(conn_id=conn_id, pruned_before=mark))
    elif _utc(current) < mark:
        session.execute(sa.update(WINDOWS).where(WINDOWS.c.conn_id == conn_id).values(pruned_before=mark))
    for batch in _batches(uuids):
        session.execute(
            sa.delete(RECEIPTS).where(
                RECEIPTS.c.conn_id == conn_id, RECEIPTS.c.event_uuid.in_(batch), expired
            )
        )
    return len(uuids)


def _prune_once(conn_id: str, max_age: int, limit: int) -> int:
    from airflow.utils.session import create_session

    with create_session() as session:
        ensure_tables(session.get_bind())
        return prune_expired(session, conn_id, max_age, datetime.now(timezone.utc), limit)


def prune_after_delivery(conn_id: str, max_age: int) -> int:
    """The receiver's share of pruning: at most ``PRUNE_BATCH`` receipts, in its own transaction.

    With nothing expired this is one indexed read. A failure is logged, never raised: the
    delivery was recorded already, and the next one (or the prune command) tries again.
    """
    try:
        pruned = _prune_once(conn_id, max_age, PRUNE_BATCH)
    except Exception as exc:
        log.warning("Pruning Wistia webhook receipts of %r failed (%s)", conn_id, type(exc).__name__)
        return 0
    if pruned:
        log.info("Pruned %d expired Wistia webhook receipts of %r", pruned, conn_id)
    return pruned


def prune_all(conn_id: str, max_age: int) -> int:
    """Prune every expired receipt of ``conn_id`` (the command line's prune), batch by batch."""
    total = 0
    while (pruned := _prune_once(conn_id, max_age, PRUNE_BATCH)) > 0:
        total += pruned
        if pruned < PRUNE_BATCH:
            break
    return total
