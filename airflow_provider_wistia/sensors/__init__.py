"""Sensors of the Wistia provider, re-exported lazily from :mod:`.wistia` and :mod:`.jobs`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from airflow_provider_wistia._lazy import lazy_exports

if TYPE_CHECKING:
    from airflow_provider_wistia.sensors.jobs import WistiaBackgroundJobSensor
    from airflow_provider_wistia.sensors.wistia import (
        WistiaBaseSensor,
        WistiaMediaFailedError,
        WistiaMediaStatsSensor,
        WistiaMediaStatusSensor,
        WistiaNewMediaSensor,
    )

__all__ = [
    "WistiaBackgroundJobSensor",
    "WistiaBaseSensor",
    "WistiaMediaFailedError",
    "WistiaMediaStatsSensor",
    "WistiaMediaStatusSensor",
    "WistiaNewMediaSensor",
]


__getattr__, __dir__ = lazy_exports(
    __name__, {name: "jobs" if name == "WistiaBackgroundJobSensor" else "wistia" for name in __all__}
)
