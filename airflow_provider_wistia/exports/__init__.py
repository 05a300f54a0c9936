"""The exports: one CSV or JSONL file per run, atomic, resumable, streaming, at the rate limit.

* :mod:`.engine`: what every export shares (listing, bounded fetch pool, progress, the file).
* :mod:`.checkpoint`: progress beside the destination that survives the task process.
* :mod:`.stats`: every media's stats (:func:`export_stats`).
* :mod:`.activity`: daily stats per media and viewing events (Stats API), and the base of every
  export with one row per media and day.
* :mod:`.analytics`: the modern Analytics API's daily series per media.

The names below load on first use, so importing the package costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from airflow_provider_wistia._lazy import lazy_exports

_MODULE_OF = {
    "EXPORT_FIELDS": "stats",
    "StatsExport": "stats",
    "export_stats": "stats",
    "DAILY_STATS_FIELDS": "activity",
    "EVENT_FIELDS": "activity",
    "DailyStatsExport": "activity",
    "EventsExport": "activity",
    "ANALYTICS_FIELDS": "analytics",
    "AnalyticsExport": "analytics",
    "Export": "engine",
    "MediaExport": "engine",
    "ExportCheckpoint": "checkpoint",
}

__getattr__, __dir__ = lazy_exports(__name__, _MODULE_OF)
__all__ = [
    "ANALYTICS_FIELDS",
    "DAILY_STATS_FIELDS",
    "EVENT_FIELDS",
    "EXPORT_FIELDS",
    "AnalyticsExport",
    "DailyStatsExport",
    "EventsExport",
    "Export",
    "ExportCheckpoint",
    "MediaExport",
    "StatsExport",
    "export_stats",
]

if TYPE_CHECKING:
    from airflow_provider_wistia.exports.activity import (
        DAILY_STATS_FIELDS,
        EVENT_FIELDS,
        DailyStatsExport,
        EventsExport,
    )
    from airflow_provider_wistia.exports.analytics import ANALYTICS_FIELDS, AnalyticsExport
    from airflow_provider_wistia.exports.checkpoint import ExportCheckpoint
    from airflow_provider_wistia.exports.engine import Export, MediaExport
    from airflow_provider_wistia.exports.stats import EXPORT_FIELDS, StatsExport, export_stats
