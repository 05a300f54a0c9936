"""The modern-track operators in one run: webinars, import from URL, bulk copy and tag, publish.

``conf``: ``folder`` (a folder hashed id), ``medias`` (hashed ids to copy and tag), ``episode``
(a channel episode to publish). ``wistia_default`` is a modern connection; ``wistia_v1`` a v1 one,
on which a modern-only operator must fail before any request.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG

from airflow_provider_wistia.operators import (
    WistiaCopyMediasOperator,
    WistiaCreateChannelOperator,
    WistiaCreateWebinarOperator,
    WistiaDeleteWebinarOperator,
    WistiaImportMediaUrlOperator,
    WistiaPublishChannelEpisodeOperator,
    WistiaRegisterForWebinarOperator,
    WistiaTagMediasOperator,
    WistiaUpdateWebinarOperator,
)

WEBINAR = "{{ ti.xcom_pull(task_ids='create_webinar')['id'] }}"
FAST = {"poll_interval": 0.05, "timeout": 30}

with DAG(
    dag_id="wistia_test_ops_modern",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
) as dag:
    create = WistiaCreateWebinarOperator(
        task_id="create_webinar", title="Launch", scheduled_for="{{ ds }}T16:00:00Z", event_duration="45"
    )
    update = WistiaUpdateWebinarOperator(task_id="update_webinar", webinar_id=WEBINAR, title="Launch day")
    register = WistiaRegisterForWebinarOperator(
        task_id="register",
        webinar_id=WEBINAR,
        registrant_email="ann@example.com",
        first_name="Ann",
        last_name="Lee",
        extra_fields={"company": "ACME"},
    )
    delete = WistiaDeleteWebinarOperator(task_id="delete_webinar", webinar_id=WEBINAR)
    create >> update >> register >> delete
    WistiaImportMediaUrlOperator(
        task_id="import_url",
        url="https://example.com/talk.mp4",
        folder_id="{{ dag_run.conf['folder'] }}",
        deferrable=False,
        **FAST,
    )
    WistiaCopyMediasOperator(
        task_id="copy_medias",
        media_ids="{{ dag_run.conf['medias'] }}",
        folder_id="{{ dag_run.conf['folder'] }}",
        deferrable=True,
        **FAST,
    )
    WistiaTagMediasOperator(
        task_id="tag_medias",
        media_ids="{{ dag_run.conf['medias'] }}",
        tag_names=["launch", "q3"],
        deferrable=False,
        **FAST,
    )
    WistiaPublishChannelEpisodeOperator(task_id="publish", episode_id="{{ dag_run.conf['episode'] }}")
    WistiaCreateChannelOperator(
        task_id="create_channel", name="Product updates", extra_fields={"podcast_enabled": False}
    )
    WistiaCreateWebinarOperator(
        task_id="refused_on_v1",
        wistia_conn_id="wistia_v1",
        title="Never",
        scheduled_for="2026-12-24T10:00:00Z",
        event_duration=30,
    )
