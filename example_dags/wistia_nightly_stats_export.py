"""Nightly stats export: every media's plays, visitors and engagement into a dated CSV.

``wistia_nightly_stats_export`` runs ``@daily`` and writes
``<wistia_stats_dir>/<date>.csv``: the Airflow Variable ``wistia_stats_dir`` (default
``/tmp/wistia/stats``; an ``s3://`` or ``gs://`` URL writes to object storage), and the run's
logical date, or for a run without one (triggered by hand, from the REST API or by an asset:
Airflow 3 gives those none) the date of its ``run_after``. It declares the
``WISTIA_MEDIA_STATS`` asset as an outlet, so ``wistia_stats_summary`` runs whenever fresh
stats land and logs the top 10 videos by plays.
"""

from __future__ import annotations

import csv
import io
import logging

import pendulum
from airflow.sdk import DAG, Asset, ObjectStoragePath, task

from airflow_provider_wistia.operators import WistiaExportStatsOperator

WISTIA_MEDIA_STATS = Asset(name="wistia_media_stats", uri="wistia://stats/medias")
# `ds` exists only in runs with a logical date; a manual or REST-triggered run has none.
RUN_DATE = "{{ ds if ds is defined else dag_run.run_after | ds }}"
STATS_DESTINATION = "{{ var.value.get('wistia_stats_dir', '/tmp/wistia/stats') }}/" + RUN_DATE + ".csv"

log = logging.getLogger(__name__)

with DAG(
    dag_id="wistia_nightly_stats_export",
    description="Export every Wistia media's stats to a dated CSV file each night.",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["wistia", "example"],
) as export_dag:
    WistiaExportStatsOperator(
        task_id="export_media_stats",
        destination=STATS_DESTINATION,
        file_format="csv",
        outlets=[WISTIA_MEDIA_STATS],
        retries=3,
        retry_delay=pendulum.duration(minutes=5),
    )


with DAG(
    dag_id="wistia_stats_summary",
    description="Summarise the newest stats export: the top 10 videos by plays.",
    schedule=[WISTIA_MEDIA_STATS],
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["wistia", "example"],
) as summary_dag:

    @task
    def top_videos_by_plays(triggering_asset_events=None, params: dict | None = None) -> list[dict]:
        """Read the exported file named by the asset event (or ``params.path``); return the top 10."""
        path = (params or {}).get("path")
        # Scheduled on the one stats asset: every triggering event names a fresh file.
        for event in (e for events in (triggering_asset_events or {}).values() for e in events):
            path = (event.extra or {}).get("path", path)
        if not path:
            raise ValueError("No stats file: trigger with conf {'path': ...} or let the export run first.")
        with ObjectStoragePath(path).open("r") as handle:
            rows = list(csv.DictReader(io.StringIO(handle.read())))
        videos = [row for row in rows if row.get("plays") not in (None, "")]
        top = sorted(videos, key=lambda row: int(row["plays"]), reverse=True)[:10]
        for rank, row in enumerate(top, start=1):
            log.info(
                "#%d %s (%s): %s plays, %s visitors",
                rank,
                row["name"],
                row["hashed_id"],
                row["plays"],
                row["visitors"],
            )
        return [{"hashed_id": r["hashed_id"], "name": r["name"], "plays": int(r["plays"])} for r in top]

    top_videos_by_plays()
