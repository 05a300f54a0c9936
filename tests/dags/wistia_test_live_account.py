"""Issue 10 workflows on a live account, in real DAG runs.

``wistia_test_live_export``: the same account exported twice while one media's stats always
fail: ``export_skip`` (``on_stats_error="skip"``) and ``export_fail`` (the default, no retries).
``conf``: ``skip``, ``fail`` (destinations).

``wistia_test_live_upload``: an upload that waits for ``ready`` (one retry), in the worker
(``upload_worker``) or deferred (``upload_deferred``); ``conf``: ``file_path``, ``project_id``.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import DAG

from airflow_provider_wistia.operators import WistiaExportStatsOperator, WistiaUploadMediaOperator

START = pendulum.datetime(2026, 1, 1, tz="UTC")

with DAG(dag_id="wistia_test_live_export", schedule=None, start_date=START, catchup=False) as export_dag:
    WistiaExportStatsOperator(
        task_id="export_skip",
        destination="{{ dag_run.conf['skip'] }}",
        file_format="jsonl",
        on_stats_error="skip",
    )
    WistiaExportStatsOperator(task_id="export_fail", destination="{{ dag_run.conf['fail'] }}", retries=0)

with DAG(dag_id="wistia_test_live_upload", schedule=None, start_date=START, catchup=False) as upload_dag:
    for deferrable in (False, True):
        WistiaUploadMediaOperator(
            task_id="upload_deferred" if deferrable else "upload_worker",
            file_path="{{ dag_run.conf['file_path'] }}",
            project_id="{{ dag_run.conf['project_id'] }}",
            name="{{ task.task_id }}",
            wait_for_ready=True,
            deferrable=deferrable,
            poll_interval=0.05,
            ready_timeout=30,
            retries=1,
            retry_delay=timedelta(0),
        )
