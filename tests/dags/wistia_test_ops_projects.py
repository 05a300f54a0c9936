"""Projects and sharings lifecycle in one DAG run, every id flowing through templates/XCom.

``conf``: ``name`` (a new project name), ``email`` (whom to share with), ``extra`` (a value
for the pass-through ``extra_fields``, which are templated).
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG, chain

from airflow_provider_wistia.operators import (
    WistiaCopyProjectOperator,
    WistiaCreateProjectOperator,
    WistiaCreateSharingOperator,
    WistiaDeleteProjectOperator,
    WistiaDeleteSharingOperator,
    WistiaGetAccountOperator,
    WistiaGetProjectOperator,
    WistiaGetSharingOperator,
    WistiaListProjectsOperator,
    WistiaListSharingsOperator,
    WistiaUpdateProjectOperator,
    WistiaUpdateSharingOperator,
)

PROJECT = "{{ ti.xcom_pull(task_ids='create_project')['hashedId'] }}"
COPY = "{{ ti.xcom_pull(task_ids='copy_project')['hashedId'] }}"
SHARING = "{{ ti.xcom_pull(task_ids='create_sharing')['sharing']['id'] }}"

with DAG(
    dag_id="wistia_test_ops_projects",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
) as dag:
    chain(
        WistiaGetAccountOperator(task_id="account"),
        WistiaCreateProjectOperator(
            task_id="create_project",
            name="{{ dag_run.conf['name'] }}",
            description="Made by {{ dag.dag_id }}",
            public=False,
            anonymous_can_download=True,
            if_exists="reuse",
            extra_fields={"futureField": "{{ dag_run.conf['extra'] }}"},
        ),
        WistiaCreateProjectOperator(
            task_id="create_project_again", name="{{ dag_run.conf['name'] }}", if_exists="reuse"
        ),
        WistiaUpdateProjectOperator(
            task_id="update_project",
            project_id=PROJECT,
            name="{{ dag_run.conf['name'] }} (renamed)",
            public=True,
            extra_fields={"futureField": "{{ dag_run.conf['extra'] }} update"},
        ),
        WistiaGetProjectOperator(task_id="get_project", project_id=PROJECT),
        WistiaCreateSharingOperator(
            task_id="create_sharing",
            project_id=PROJECT,
            with_email="{{ dag_run.conf['email'] }}",
            can_download=True,
            require_password=False,
            extra_fields={"sendEmailNotification": False},
        ),
        WistiaUpdateSharingOperator(
            task_id="update_sharing",
            project_id=PROJECT,
            sharing_id=SHARING,
            can_upload=True,
            is_admin=True,
            extra_fields={"futureField": "{{ dag_run.conf['extra'] }}"},
        ),
        WistiaGetSharingOperator(task_id="get_sharing", project_id=PROJECT, sharing_id=SHARING),
        WistiaListSharingsOperator(task_id="list_sharings", project_id=PROJECT),
        WistiaCopyProjectOperator(
            task_id="copy_project", project_id=PROJECT, extra_fields={"futureField": "copy"}
        ),
        WistiaDeleteSharingOperator(
            task_id="delete_sharing", project_id=PROJECT, sharing_id=SHARING, missing_ok=True
        ),
        WistiaDeleteSharingOperator(
            task_id="delete_sharing_again", project_id=PROJECT, sharing_id=SHARING, missing_ok=True
        ),
        WistiaDeleteProjectOperator(task_id="delete_copy", project_id=COPY, missing_ok=True),
        WistiaDeleteProjectOperator(task_id="delete_copy_again", project_id=COPY, missing_ok=True),
        WistiaListProjectsOperator(task_id="list_projects"),
    )
