"""Triggers of the Wistia provider, re-exported lazily from :mod:`.wistia`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from airflow_provider_wistia.triggers.wistia import (
        WistiaMediaStatsTrigger,
        WistiaMediaStatusTrigger,
        WistiaNewMediaEventTrigger,
        WistiaNewMediaTrigger,
    )

__all__ = [
    "WistiaMediaStatsTrigger",
    "WistiaMediaStatusTrigger",
    "WistiaNewMediaEventTrigger",
    "WistiaNewMediaTrigger",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from airflow_provider_wistia.triggers import wistia

        return getattr(wistia, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
