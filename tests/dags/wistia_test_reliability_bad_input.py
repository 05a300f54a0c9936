"""Bad connections and arguments: every task must fail before sending any request.

The connections ``wistia_plain_http`` (http to a non-loopback host), ``wistia_no_token`` and
``wistia_bad_auth`` (``auth_type`` "oauth") are set by the test. Blank and malformed ids come
from templates, as they would from an upstream XCom.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG, task

from airflow_provider_wistia.hooks.wistia import WistiaHook
from airflow_provider_wistia.operators import (
    WistiaCopyMediaOperator,
    WistiaDeleteProjectOperator,
    WistiaDeleteSharingOperator,
    WistiaGetAccountOperator,
    WistiaGetMediaStatsOperator,
    WistiaGetProjectOperator,
    WistiaGetSharingOperator,
    WistiaListMediasOperator,
)

BLANK = "{{ '' }}"
SPACES = "{{ '   ' }}"

with DAG(
    dag_id="wistia_test_reliability_bad_input",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
) as dag:
    WistiaGetAccountOperator(task_id="plain_http_host", wistia_conn_id="wistia_plain_http")
    WistiaListMediasOperator(task_id="empty_token", wistia_conn_id="wistia_no_token")
    WistiaGetAccountOperator(task_id="unknown_auth_type", wistia_conn_id="wistia_bad_auth")

    @task
    def per_page_over_100() -> int:
        """No operator takes ``per_page``; a TaskFlow task using the hook is where it can be wrong."""
        return len(WistiaHook().list_medias(per_page=101))

    per_page_over_100()
    WistiaGetProjectOperator(task_id="empty_project_id", project_id=BLANK)
    WistiaDeleteProjectOperator(task_id="blank_project_id_missing_ok", project_id=SPACES, missing_ok=True)
    WistiaGetMediaStatsOperator(task_id="blank_media_id", media_id=SPACES)
    WistiaCopyMediaOperator(task_id="empty_media_id", media_id=BLANK)
    WistiaGetSharingOperator(task_id="word_sharing_id", project_id="abc123", sharing_id="{{ 'twelve' }}")
    WistiaDeleteSharingOperator(
        task_id="fraction_sharing_id_missing_ok",
        project_id="abc123",
        sharing_id="{{ '1.5' }}",
        missing_ok=True,
    )
