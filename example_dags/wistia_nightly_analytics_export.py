"""Nightly analytics export on the modern track: every media's daily metrics into a dated CSV.

``wistia_nightly_analytics_export`` runs ``@daily`` on the connection ``wistia_modern`` (a
``wistia`` connection whose extra ``api_version`` pins a modern release, e.g. ``"2026-03"``) and
writes ``<wistia_stats_dir>/analytics/<date>.csv``: one row per media and day (plays, unique
loads and visitors, play and engagement rates, played time, CTA and form conversions) from
Wistia's Analytics API. The Airflow Variable ``wistia_stats_dir`` defaults to
``/tmp/wistia/stats``; an ``s3://`` or ``gs://`` URL writes to object storage. It declares the
``WISTIA_MEDIA_ANALYTICS`` asset as an outlet, so a warehouse load can be scheduled on it.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG, Asset

from airflow_provider_wistia.operators import WistiaExportAnalyticsOperator

WISTIA_MEDIA_ANALYTICS = Asset(name="wistia_media_analytics", uri="wistia://analytics/medias")
# `ds` exists only in runs with a logical date; a manual or REST-triggered run has none.
RUN_DATE = "{{ ds if ds is defined else dag_run.run_after | ds }}"
DESTINATION = "{{ var.value.get('wistia_stats_dir', '/tmp/wistia/stats') }}/analytics/" + RUN_DATE + ".csv"

with DAG(
    dag_id="wistia_nightly_analytics_export",
    description="Export every Wistia media's daily analytics (modern track) to a dated CSV each night.",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["wistia", "example", "modern"],
) as dag:
    WistiaExportAnalyticsOperator(
        task_id="export_media_analytics",
        wistia_conn_id="wistia_modern",
        destination=DESTINATION,
        start_date=RUN_DATE,
        end_date=RUN_DATE,
        outlets=[WISTIA_MEDIA_ANALYTICS],
        retries=3,
        retry_delay=pendulum.duration(minutes=5),
    )
