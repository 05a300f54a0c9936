"""Issue 10 workflows on a live account, in real DAG runs.

``wistia_test_live_export``: the same account exported twice while one media's stats always
fail: ``export_skip`` (``on_stats_error="skip"``) and ``export_fail`` (the default, no retries).
``conf``: ``skip``, ``fail`` (destinations).

``wistia_test_live_upload_<worker|deferred>[_timeout]``: an upload that waits for ``ready``
(one retry; ``ready_timeout`` 30 s, or 1 s for ``_timeout``), in the worker or deferred;
``conf``: ``file_path``, ``project_id``. ``wistia_test_live_upload_variable``: the worker one
without a task state store, as on Airflow < 3.3.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

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


def upload_task(**options: Any) -> WistiaUploadMediaOperator:
    """The upload every upload DAG runs: waits for ``ready``, one immediate retry."""
    return WistiaUploadMediaOperator(
        task_id="upload",
        file_path="{{ dag_run.conf['file_path'] }}",
        project_id="{{ dag_run.conf['project_id'] }}",
        wait_for_ready=True,
        poll_interval=0.05,
        retries=1,
        retry_delay=timedelta(0),
        **options,
    )


UPLOAD_DAGS = {}
for mode in ("worker", "deferred"):
    for ready_timeout in (30, 1):
        dag_id = f"wistia_test_live_upload_{mode}" + ("_timeout" if ready_timeout == 1 else "")
        with DAG(dag_id=dag_id, schedule=None, start_date=START, catchup=False) as UPLOAD_DAGS[dag_id]:
            upload_task(deferrable=mode == "deferred", ready_timeout=ready_timeout)

# As on Airflow < 3.3, which has no task state store: the upload is recorded in a Variable.
with DAG(
    dag_id="wistia_test_live_upload_variable", schedule=None, start_date=START, catchup=False
) as UPLOAD_DAGS["wistia_test_live_upload_variable"]:
    upload_task(pre_execute=lambda context: context.pop("task_state_store", None))
