"""The exports live in ``airflow_provider_wistia.exports``; the module paths they had before
(``export``, ``export_engine``, ``export_checkpoint``, ``export_activity``, ``export_analytics``)
still import the same objects, so DAGs and scripts written against them keep working."""

from __future__ import annotations

import importlib

import pytest

MOVED = {
    "export": ("stats", ["export_stats", "StatsExport", "EXPORT_FIELDS", "STATS_KEYS", "storage_path"]),
    "export_engine": ("engine", ["Export", "MediaExport", "check_fields", "FILE_FORMATS"]),
    "export_checkpoint": ("checkpoint", ["ExportCheckpoint", "DEFAULT_MAX_CHECKPOINT_AGE", "csv_cell"]),
    "export_activity": ("activity", ["DailyStatsExport", "EventsExport", "EVENT_FIELDS", "resolve_window"]),
    "export_analytics": ("analytics", ["AnalyticsExport", "ANALYTICS_FIELDS", "ANALYTICS_METRICS"]),
}


@pytest.mark.parametrize("old", sorted(MOVED))
def test_an_old_module_path_imports_the_same_objects(old: str) -> None:
    new, names = MOVED[old]
    before = importlib.import_module(f"airflow_provider_wistia.{old}")
    now = importlib.import_module(f"airflow_provider_wistia.exports.{new}")
    for name in names:
        assert getattr(before, name) is getattr(now, name), name
    assert set(dir(now)) <= set(dir(before))
    with pytest.raises(AttributeError):
        before.no_such_name  # noqa: B018


def test_the_package_names_its_exports_lazily() -> None:
    import airflow_provider_wistia.exports as exports
    from airflow_provider_wistia.exports.stats import export_stats

    assert exports.export_stats is export_stats
    for name in exports.__all__:
        assert getattr(exports, name) is not None
