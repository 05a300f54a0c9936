"""Airflow's task exceptions (from ``airflow.sdk`` where this Airflow has them there), and
Airflow settings the operators honour.

Airflow 3.2 moved ``AirflowFailException`` and friends into ``airflow.sdk.exceptions`` (and
deprecated the old ``airflow.exceptions`` names); Airflow 3.1 has them in ``airflow.exceptions``
only. Both names point at the same classes the task runner catches.
"""

from __future__ import annotations

try:
    from airflow.sdk.exceptions import (
        AirflowException,
        AirflowFailException,
        AirflowSensorTimeout,
        AirflowSkipException,
    )
except ImportError:  # Airflow 3.1
    from airflow.exceptions import (  # type: ignore[no-redef]
        AirflowException,
        AirflowFailException,
        AirflowSensorTimeout,
        AirflowSkipException,
    )


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
    "default_deferrable",
    "has_shared_streams",
    "shared_stream_producer_base",
]
