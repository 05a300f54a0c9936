"""Stats exports in real DAG runs.

``wistia_test_ops_export``: the whole account to CSV (declaring an Asset outlet) and one
project to JSONL with narrowed fields (``conf``: ``csv``, ``jsonl``, ``project_id``).
``wistia_test_ops_export_one``: one CSV export of the account (``conf``: ``destination``).
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG, Asset

from airflow_provider_wistia.operators import WistiaExportStatsOperator

STATS_ASSET = Asset(name="wistia_test_stats", uri="file:///wistia-test/stats.csv")
START = pendulum.datetime(2026, 1, 1, tz="UTC")

with DAG(dag_id="wistia_test_ops_export", schedule=None, start_date=START, catchup=False) as dag:
    WistiaExportStatsOperator(
        task_id="export_csv", destination="{{ dag_run.conf['csv'] }}", outlets=[STATS_ASSET]
    )
    WistiaExportStatsOperator(
        task_id="export_jsonl",
        destination="{{ dag_run.conf['jsonl'] }}",
        project_id="{{ dag_run.conf['project_id'] }}",
        file_format="jsonl",
        fields=["plays", "hashed_id", "type"],
    )

with DAG(dag_id="wistia_test_ops_export_one", schedule=None, start_date=START, catchup=False) as one_dag:
    WistiaExportStatsOperator(task_id="export", destination="{{ dag_run.conf['destination'] }}")
