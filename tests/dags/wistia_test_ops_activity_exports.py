"""Daily-stats and events exports in one real DAG run.

``conf``: ``out`` (a directory), ``project_id``, ``media_id``, ``start`` and ``end`` (days).
``daily_ds`` uses ``{{ ds }}`` (blank when the run has no logical date) and ``daily_default``
no dates at all: both then cover the run's day.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG, Asset

from airflow_provider_wistia.operators import WistiaExportDailyStatsOperator, WistiaExportEventsOperator

DAILY_ASSET = Asset(name="wistia_test_daily", uri="file:///wistia-test/daily.csv")
OUT = "{{ dag_run.conf['out'] }}"
WINDOW = {"start_date": "{{ dag_run.conf['start'] }}", "end_date": "{{ dag_run.conf['end'] }}"}

with DAG(
    dag_id="wistia_test_ops_activity_exports",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
) as dag:
    WistiaExportDailyStatsOperator(
        task_id="daily_csv",
        destination=f"{OUT}/daily.csv",
        project_id="{{ dag_run.conf['project_id'] }}",
        outlets=[DAILY_ASSET],
        max_workers=2,
        **WINDOW,
    )
    WistiaExportDailyStatsOperator(
        task_id="daily_ds",
        destination=f"file://{OUT}/daily-ds.jsonl",
        start_date="{{ ds }}",
        end_date="{{ ds }}",
        project_id="{{ dag_run.conf['project_id'] }}",
        file_format="jsonl",
    )
    WistiaExportDailyStatsOperator(
        task_id="daily_default",
        destination=f"{OUT}/daily-default.csv",
        fields="hashed_id,date,play_count",
    )
    WistiaExportEventsOperator(task_id="events_csv", destination=f"{OUT}/events.csv", **WINDOW)
    WistiaExportEventsOperator(
        task_id="events_media_jsonl",
        destination=f"{OUT}/events-media.jsonl",
        media_id="{{ dag_run.conf['media_id'] }}",
        file_format="jsonl",
        **WINDOW,
    )
