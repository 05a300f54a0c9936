"""Triggers of the Wistia provider, re-exported lazily from :mod:`.wistia` and :mod:`.jobs`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from airflow_provider_wistia._lazy import lazy_exports

if TYPE_CHECKING:
    from airflow_provider_wistia.triggers.jobs import WistiaBackgroundJobTrigger
    from airflow_provider_wistia.triggers.wistia import (
        WistiaMediaStatsTrigger,
        WistiaMediaStatusTrigger,
        WistiaNewMediaEventTrigger,
        WistiaNewMediaTrigger,
    )

__all__ = [
    "WistiaBackgroundJobTrigger",
    "WistiaMediaStatsTrigger",
    "WistiaMediaStatusTrigger",
    "WistiaNewMediaEventTrigger",
    "WistiaNewMediaTrigger",
]


__getattr__, __dir__ = lazy_exports(
    __name__, {name: "jobs" if name == "WistiaBackgroundJobTrigger" else "wistia" for name in __all__}
)
