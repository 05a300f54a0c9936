"""Every operator (and a deferrable sensor) in one run, for the token-leak check.

``conf``: ``name`` (a new project), ``email``, ``file_path`` (a file to upload), ``video_url``
(a URL to import), ``destination`` (the stats export's ``.jsonl``), ``doomed_project`` (a
project whose copy the test makes fail with a committed-then-500). Besides the main chain,
two leaf tasks fail on purpose with Wistia errors: a 404 and a write that may have applied.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG, chain

from airflow_provider_wistia.operators import (
    WistiaApiOperator,
    WistiaArchiveMediasOperator,
    WistiaCopyMediaOperator,
    WistiaCopyProjectOperator,
    WistiaCreateCaptionsOperator,
    WistiaCreateProjectOperator,
    WistiaCreateSharingOperator,
    WistiaDeleteMediaOperator,
    WistiaDeleteProjectOperator,
    WistiaDeleteSharingOperator,
    WistiaExportEventsOperator,
    WistiaExportStatsOperator,
    WistiaGetAccountOperator,
    WistiaGetMediaEmbedOperator,
    WistiaGetMediaOperator,
    WistiaGetMediaStatsOperator,
    WistiaGetProjectOperator,
    WistiaGetSharingOperator,
    WistiaListMediasOperator,
    WistiaListProjectsOperator,
    WistiaListSharingsOperator,
    WistiaUpdateCustomizationsOperator,
    WistiaUpdateMediaOperator,
    WistiaUpdateProjectOperator,
    WistiaUpdateSharingOperator,
    WistiaUploadMediaOperator,
)
from airflow_provider_wistia.sensors import WistiaMediaStatsSensor, WistiaMediaStatusSensor

CONF = "{{ dag_run.conf['%s'] }}"
PROJECT = "{{ ti.xcom_pull(task_ids='create_project')['hashedId'] }}"
COPY = "{{ ti.xcom_pull(task_ids='copy_project')['hashedId'] }}"
SHARING = "{{ ti.xcom_pull(task_ids='create_sharing')['sharing']['id'] }}"
VIDEO = "{{ ti.xcom_pull(task_ids='upload_file')['hashed_id'] }}"
IMPORTED = "{{ ti.xcom_pull(task_ids='upload_url')['hashed_id'] }}"
COPIED_VIDEO = "{{ ti.xcom_pull(task_ids='copy_media')['hashed_id'] }}"

with DAG(
    dag_id="wistia_test_reliability_every_operator",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
) as dag:
    chain(
        WistiaGetAccountOperator(task_id="account"),
        WistiaCreateProjectOperator(task_id="create_project", name=CONF % "name", if_exists="reuse"),
        WistiaUpdateProjectOperator(task_id="update_project", project_id=PROJECT, description="Updated"),
        WistiaGetProjectOperator(task_id="get_project", project_id=PROJECT),
        WistiaListProjectsOperator(task_id="list_projects"),
        WistiaCopyProjectOperator(task_id="copy_project", project_id=PROJECT),
        WistiaCreateSharingOperator(task_id="create_sharing", project_id=PROJECT, with_email=CONF % "email"),
        WistiaListSharingsOperator(task_id="list_sharings", project_id=PROJECT),
        WistiaGetSharingOperator(task_id="get_sharing", project_id=PROJECT, sharing_id=SHARING),
        WistiaUpdateSharingOperator(
            task_id="update_sharing", project_id=PROJECT, sharing_id=SHARING, can_download=True
        ),
        WistiaUploadMediaOperator(
            task_id="upload_file",
            file_path=CONF % "file_path",
            project_id=PROJECT,
            wait_for_ready=True,
            poll_interval=0.05,
        ),
        WistiaUploadMediaOperator(task_id="upload_url", url=CONF % "video_url", project_id=PROJECT),
        WistiaMediaStatusSensor(
            task_id="imported_ready", media_id=IMPORTED, deferrable=True, poke_interval=0.1, timeout=30
        ),
        WistiaListMediasOperator(task_id="list_medias", project_id=PROJECT),
        WistiaGetMediaOperator(task_id="get_media", media_id=VIDEO),
        WistiaUpdateMediaOperator(task_id="update_media", media_id=VIDEO, description="Edited"),
        WistiaCopyMediaOperator(task_id="copy_media", media_id=VIDEO, project_id=COPY),
        WistiaGetMediaStatsOperator(task_id="media_stats", media_id=VIDEO),
        WistiaMediaStatsSensor(
            task_id="plays_seen", media_id=VIDEO, threshold=0, poke_interval=0.1, timeout=30
        ),
        WistiaGetMediaEmbedOperator(task_id="media_embed", media_id=VIDEO, embed_type="async"),
        WistiaExportStatsOperator(
            task_id="export_stats", destination=CONF % "destination", project_id=PROJECT, file_format="jsonl"
        ),
        # Issue 12's operators: JSON bodies, a generic call, a deferred job wait, the events export.
        WistiaCreateCaptionsOperator(
            task_id="create_captions", media_id=VIDEO, caption_file="1\n00:00:00,000 --> 00:00:01,000\nHi\n"
        ),
        WistiaUpdateCustomizationsOperator(
            task_id="customize_player", media_id=VIDEO, customizations={"playerColor": "ff0000"}
        ),
        WistiaApiOperator(task_id="api_captions", method="GET", path=f"medias/{VIDEO}/captions"),
        WistiaArchiveMediasOperator(
            task_id="archive_imported", media_ids=[IMPORTED], deferrable=True, poll_interval=0.05
        ),
        WistiaExportEventsOperator(
            task_id="export_events", destination=CONF % "destination" + ".events.csv", media_id=VIDEO
        ),
        WistiaDeleteMediaOperator(task_id="delete_copied_media", media_id=COPIED_VIDEO, missing_ok=True),
        WistiaDeleteSharingOperator(task_id="delete_sharing", project_id=PROJECT, sharing_id=SHARING),
        WistiaDeleteProjectOperator(task_id="delete_copy", project_id=COPY),
        WistiaDeleteProjectOperator(task_id="delete_project", project_id=PROJECT),
    )
    WistiaGetMediaOperator(task_id="fails_not_found", media_id="missing0000")
    WistiaCopyProjectOperator(task_id="fails_may_have_applied", project_id=CONF % "doomed_project")
