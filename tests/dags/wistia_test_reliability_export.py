"""The stats export as a task that may be retried (conf ``destination``: a ``.jsonl`` path)."""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import DAG

from airflow_provider_wistia.operators import WistiaExportStatsOperator

with DAG(
    dag_id="wistia_test_reliability_export",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
) as dag:
    WistiaExportStatsOperator(
        task_id="export",
        destination="{{ dag_run.conf['destination'] }}",
        file_format="jsonl",
        checkpoint_rows=20,
        retries=1,
        retry_delay=timedelta(0),
    )
