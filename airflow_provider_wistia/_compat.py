"""Airflow's task exceptions, from ``airflow.sdk`` where this Airflow has them there.

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

__all__ = ["AirflowException", "AirflowFailException", "AirflowSensorTimeout", "AirflowSkipException"]
