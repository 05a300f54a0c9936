"""Writes that must not be duplicated, and deletes that must stay idempotent, across retries.

``wistia_test_reliability_create_retry`` (conf ``name``): create a project with
``if_exists="reuse"``, one task retry allowed. ``wistia_test_reliability_deletes`` (conf
``media_id``, ``project_id``, ``sharing_project_id``, ``sharing_id``): three deletes with
``missing_ok=True``.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import DAG

from airflow_provider_wistia.operators import (
    WistiaCreateProjectOperator,
    WistiaDeleteMediaOperator,
    WistiaDeleteProjectOperator,
    WistiaDeleteSharingOperator,
)

START = pendulum.datetime(2026, 1, 1, tz="UTC")

with DAG(dag_id="wistia_test_reliability_create_retry", schedule=None, start_date=START) as create_dag:
    WistiaCreateProjectOperator(
        task_id="create_project",
        name="{{ dag_run.conf['name'] }}",
        if_exists="reuse",
        retries=1,
        retry_delay=timedelta(0),
    )

with DAG(dag_id="wistia_test_reliability_deletes", schedule=None, start_date=START) as deletes_dag:
    WistiaDeleteMediaOperator(
        task_id="delete_media", media_id="{{ dag_run.conf['media_id'] }}", missing_ok=True
    )
    WistiaDeleteSharingOperator(
        task_id="delete_sharing",
        project_id="{{ dag_run.conf['sharing_project_id'] }}",
        sharing_id="{{ dag_run.conf['sharing_id'] }}",
        missing_ok=True,
    )
    WistiaDeleteProjectOperator(
        task_id="delete_project", project_id="{{ dag_run.conf['project_id'] }}", missing_ok=True
    )

with DAG(
    dag_id="wistia_test_reliability_delete_resent", schedule=None, start_date=START
) as delete_resent_dag:
    # missing_ok=False: only the hook's knowledge that it resent the DELETE makes the 404 a success.
    WistiaDeleteMediaOperator(task_id="delete_media", media_id="{{ dag_run.conf['media_id'] }}")
