"""Airflow's task exceptions (from ``airflow.sdk`` where this Airflow has them there), the
Airflow settings the operators honour, and :class:`TaskRecord`, what a task instance keeps
across its tries on every supported Airflow.

Airflow 3.2 moved ``AirflowFailException`` and friends into ``airflow.sdk.exceptions`` (and
deprecated the old ``airflow.exceptions`` names); Airflow 3.1 has them in ``airflow.exceptions``
only. Both names point at the same classes the task runner catches.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

try:
    from airflow.sdk.exceptions import (
        AirflowException,
        AirflowFailException,
        AirflowRescheduleException,
        AirflowSensorTimeout,
        AirflowSkipException,
        AirflowTaskTerminated,
        TaskDeferred,
    )
except ImportError:  # Airflow 3.1
    from airflow.exceptions import (  # type: ignore[no-redef]
        AirflowException,
        AirflowFailException,
        AirflowRescheduleException,
        AirflowSensorTimeout,
        AirflowSkipException,
        AirflowTaskTerminated,
        TaskDeferred,
    )

log = logging.getLogger(__name__)

# The task goes on in a later run of the same try (deferred, rescheduled): nothing has ended.
_PAUSES = (TaskDeferred, AirflowRescheduleException)
# Airflow never retries these, whatever ``retries`` says (the task runner's own list).
_NEVER_RETRIED = (AirflowFailException, AirflowSensorTimeout, AirflowTaskTerminated, AirflowSkipException)


def default_deferrable() -> bool:
    """Airflow's ``[operators] default_deferrable`` (False when unset): the default of ``deferrable``.

    The official providers use this as the default of every ``deferrable`` argument, so one
    setting (``AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE=True``) makes every operator and sensor
    that can defer do so. It is read when the module defining the operator is imported, as
    theirs is.
    """
    try:
        from airflow.sdk.configuration import conf
    except ImportError:  # Airflow 3.1
        from airflow.configuration import conf  # type: ignore[no-redef]
    return conf.getboolean("operators", "default_deferrable", fallback=False)


def ends_for_good(context: Any, error: BaseException | None) -> bool:
    """Whether the task instance ends for good when its ``execute`` (or ``execute_complete``)
    ends with ``error`` (None: success): success, skip, a failure Airflow never retries, or
    a failure with no retry left. False when it defers or a retry follows.

    Decided as Airflow's task runner decides: a retry follows when ``max_tries != 0`` and
    ``try_number <= max_tries``, unless the task's ``retry_policy`` (Airflow 3.3+) says
    ``fail``. A task cleared while running (``restarting``) is retried although this says it
    is not: its record is then gone and the next try starts afresh.
    """
    if error is None:
        return True
    if isinstance(error, _PAUSES):
        return False
    if isinstance(error, _NEVER_RETRIED):
        return True
    ti = context.get("ti")
    if ti is None:  # not a task run: no retry follows
        return True
    policy = getattr(getattr(ti, "task", None), "retry_policy", None)
    if policy is not None:
        try:
            decision = policy.evaluate(
                exception=error, try_number=ti.try_number, max_tries=ti.max_tries, context=context
            )
        except Exception:  # the task runner falls back to the default rule too
            decision = None
        if decision is not None and getattr(decision.action, "value", None) == "fail":
            return True
    max_tries = int(ti.max_tries or 0)
    return not (max_tries != 0 and int(ti.try_number) <= max_tries)


class _VariableStore:
    """The task state store's ``get``/``set``/``delete`` over Airflow Variables named after
    the task instance (Airflow < 3.3 has no task state store). Values are kept as JSON."""

    def __init__(self, ti: Any) -> None:
        self.identity = f"{ti.dag_id}/{ti.run_id}/{ti.task_id}/{ti.map_index}"

    def variable(self, key: str) -> str:
        name = f"{key}/{self.identity}"
        if len(name) > 250:  # Airflow's limit on variable keys
            name = f"{key}/{hashlib.sha256(self.identity.encode()).hexdigest()}"
        return name

    def get(self, key: str) -> Any:
        from airflow.sdk import Variable

        text = Variable.get(self.variable(key), default=None)
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:  # recorded as bare text by release 0.2.0
            return text

    def set(self, key: str, value: Any) -> None:
        from airflow.sdk import Variable

        Variable.set(self.variable(key), json.dumps(value), description=f"{key} of a Wistia task instance")

    def delete(self, key: str) -> None:
        from airflow.sdk import Variable

        Variable.delete(self.variable(key))


class _NoStore:
    """Outside a task run (no task instance in the context) there is nothing to keep."""

    def get(self, key: str) -> Any:
        return None

    def set(self, key: str, value: Any) -> None:
        pass

    def delete(self, key: str) -> None:
        pass


class TaskRecord:
    """A JSON value one task instance keeps across its tries: what its write started (the
    media it uploaded, the background jobs it started), so a retry resumes instead of
    writing again.

    XComs cannot hold it: Airflow clears a task instance's XComs when a new try starts. On
    Airflow 3.3+ it lives in the task instance's state store (``context["task_state_store"]``,
    scoped to DAG run, task and map index); on older Airflow in an Airflow Variable named
    after the task instance. :meth:`kept_until_final` removes it once the task instance
    ends for good, on every Airflow, so a clear starts afresh and no record outlives its task.
    """

    def __init__(self, context: Any, key: str) -> None:
        self.key = key
        ti = context.get("ti")
        store = context.get("task_state_store")
        self._store = store if store is not None else _VariableStore(ti) if ti is not None else _NoStore()

    def get(self) -> Any:
        """The recorded value (None when there is none)."""
        return self._store.get(self.key)

    def set(self, value: Any) -> None:
        self._store.set(self.key, value)

    def clear(self) -> None:
        self._store.delete(self.key)

    @contextmanager
    def kept_until_final(self, context: Any) -> Iterator[TaskRecord]:
        """Run a try (or its resumption after a deferral); remove the record if the task
        instance then ends for good (:func:`ends_for_good`), keep it for the next try otherwise."""
        try:
            yield self
        except BaseException as error:
            if ends_for_good(context, error):
                self._clear_after_the_end()
            raise
        self._clear_after_the_end()

    def _clear_after_the_end(self) -> None:
        """Remove the record; a failure to do so is logged, never raised over the task's outcome."""
        try:
            self.clear()
        except Exception as exc:
            log.warning("Could not remove the task record %r (%s); it is left behind.", self.key, exc)


def has_shared_streams() -> bool:
    """Whether this Airflow's triggerer runs shared streams in ack mode (Airflow 3.3+).

    Detected by feature, not by version: ``airflow.triggers.shared_stream`` with its
    ``SharedStreamProducer``, and ``BaseEventTrigger.create_shared_stream_producer``.
    """
    try:
        from airflow.triggers.base import BaseEventTrigger
        from airflow.triggers.shared_stream import SharedStreamProducer  # noqa: F401
    except ImportError:
        return False
    return hasattr(BaseEventTrigger, "create_shared_stream_producer")


def shared_stream_producer_base() -> type:
    """Airflow's ``SharedStreamProducer`` where shared streams exist, else ``object``."""
    if not has_shared_streams():
        return object
    from airflow.triggers.shared_stream import SharedStreamProducer

    return SharedStreamProducer


__all__ = [
    "AirflowException",
    "AirflowFailException",
    "AirflowSensorTimeout",
    "AirflowSkipException",
    "TaskRecord",
    "default_deferrable",
    "ends_for_good",
    "has_shared_streams",
    "shared_stream_producer_base",
]
