"""A user's DAG, as in the README's "Testing your own DAGs": create a project, then rename it."""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG

from airflow_provider_wistia.operators import WistiaCreateProjectOperator, WistiaUpdateProjectOperator

with DAG(
    dag_id="wistia_test_plugin",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
) as dag:
    created = WistiaCreateProjectOperator(task_id="create", name="Launch draft")
    renamed = WistiaUpdateProjectOperator(
        task_id="rename",
        project_id="{{ ti.xcom_pull(task_ids='create')['hashedId'] }}",
        name="Launch",
    )
    created >> renamed
