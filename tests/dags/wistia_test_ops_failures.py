"""Operators that must fail before sending the request that would do harm.

``conf``: ``existing`` (name of a project that exists). Every task is independent.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG

from airflow_provider_wistia.operators import (
    WistiaCreateProjectOperator,
    WistiaDeleteMediaOperator,
    WistiaExportStatsOperator,
    WistiaGetMediaOperator,
    WistiaUpdateSharingOperator,
    WistiaUploadMediaOperator,
)

MISSING = "{{ dag_run.conf.get('missing', '') }}"

with DAG(
    dag_id="wistia_test_ops_failures",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
) as dag:
    WistiaGetMediaOperator(task_id="get_media_empty_id", media_id=MISSING)
    WistiaDeleteMediaOperator(task_id="delete_media_empty_id", media_id=MISSING, missing_ok=True)
    WistiaUpdateSharingOperator(
        task_id="update_sharing_bad_id", project_id="abc123", sharing_id="{{ 'not-a-number' }}", is_admin=True
    )
    WistiaUploadMediaOperator(task_id="upload_neither", file_path=MISSING, url=MISSING)
    WistiaExportStatsOperator(
        task_id="export_bad_fields",
        destination="{{ dag_run.conf['destination'] }}",
        fields=["hashed_id", "nonsense"],
    )
    WistiaCreateProjectOperator(
        task_id="create_existing_fails", name="{{ dag_run.conf['existing'] }}", if_exists="fail"
    )
