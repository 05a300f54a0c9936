"""Sensors of the Wistia provider, re-exported lazily from :mod:`.wistia`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from airflow_provider_wistia.sensors.wistia import (
        WistiaBaseSensor,
        WistiaMediaFailedError,
        WistiaMediaStatsSensor,
        WistiaMediaStatusSensor,
        WistiaNewMediaSensor,
    )

__all__ = [
    "WistiaBaseSensor",
    "WistiaMediaFailedError",
    "WistiaMediaStatsSensor",
    "WistiaMediaStatusSensor",
    "WistiaNewMediaSensor",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from airflow_provider_wistia.sensors import wistia

        return getattr(wistia, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
