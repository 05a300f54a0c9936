"""Upload operators in one DAG run: file and URL uploads, waiting in the worker and deferred.

``conf``: ``project_id``, ``file_path`` (a small video file), ``url``, ``deferred_url``,
``broken_file`` and ``broken_url`` (uploads the test makes Wistia fail to process).
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG

from airflow_provider_wistia.operators import WistiaUploadMediaOperator

PROJECT = "{{ dag_run.conf['project_id'] }}"
FAST = {"poll_interval": 0.05, "ready_timeout": 30}

with DAG(
    dag_id="wistia_test_ops_upload",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
) as dag:
    WistiaUploadMediaOperator(
        task_id="upload_file",
        file_path="{{ dag_run.conf['file_path'] }}",
        project_id=PROJECT,
        name="Clip {{ ds }}",
        description="Uploaded by {{ dag.dag_id }}",
        wait_for_ready=True,
        extra_fields={"contact_id": "{{ dag_run.conf['contact_id'] }}", "futureField": ["a", "b"]},
        **FAST,
    )
    WistiaUploadMediaOperator(
        task_id="upload_url",
        url="{{ dag_run.conf['url'] }}",
        project_id=PROJECT,
        extra_fields={"low_priority": True, "contact_id": 7},
    )
    WistiaUploadMediaOperator(
        task_id="upload_deferred",
        url="{{ dag_run.conf['deferred_url'] }}",
        file_path="{{ dag_run.conf.get('no_such_key', '') }}",  # renders blank: not given
        project_id=PROJECT,
        wait_for_ready=True,
        deferrable=True,
        **FAST,
    )
    WistiaUploadMediaOperator(
        task_id="upload_broken",
        file_path="{{ dag_run.conf['broken_file'] }}",
        project_id=PROJECT,
        wait_for_ready=True,
        **FAST,
    )
    WistiaUploadMediaOperator(
        task_id="upload_broken_deferred",
        url="{{ dag_run.conf['broken_url'] }}",
        project_id=PROJECT,
        wait_for_ready=True,
        deferrable=True,
        **FAST,
    )
