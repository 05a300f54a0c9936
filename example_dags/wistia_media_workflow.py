"""Orchestrated media workflow: upload, wait for processing, copy for review, rename, embed, share, clean up.

Trigger it manually (or from the REST API) with a conf such as
``{"source_url": "https://example.com/videos/launch.mp4", "reviewer_email": "reviewer@example.com"}``.
Every Wistia call goes through the ``wistia_default`` connection; fan-out tasks use the
``wistia_api`` pool so that several workers share one account's rate limit.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG, Param, TriggerRule, task

from airflow_provider_wistia.operators import (
    WistiaCopyMediaOperator,
    WistiaCreateProjectOperator,
    WistiaCreateSharingOperator,
    WistiaDeleteMediaOperator,
    WistiaDeleteProjectOperator,
    WistiaGetMediaEmbedOperator,
    WistiaUpdateMediaOperator,
    WistiaUploadMediaOperator,
)
from airflow_provider_wistia.sensors import WistiaMediaStatusSensor

UPLOADED_ID = "{{ ti.xcom_pull(task_ids='upload_media')['hashed_id'] }}"
REVIEW_PROJECT_ID = "{{ ti.xcom_pull(task_ids='create_review_project')['hashedId'] }}"

with DAG(
    dag_id="wistia_media_workflow",
    description="Upload a video, wait until Wistia has processed it, share it for review, clean up.",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["wistia", "example"],
    params={
        "source_url": Param("https://example.com/videos/launch-teaser.mp4", type="string"),
        "media_name": Param("Launch teaser", type="string"),
        "reviewer_email": Param("reviewer@example.com", type="string"),
        "extra_review_projects": Param(["Launch review: legal", "Launch review: sales"], type="array"),
        "cleanup": Param(True, type="boolean"),
    },
) as dag:
    review_project = WistiaCreateProjectOperator(
        task_id="create_review_project", name="Launch review", if_exists="reuse"
    )
    upload = WistiaUploadMediaOperator(
        task_id="upload_media",
        url="{{ params.source_url }}",
        name="{{ params.media_name }}",
        project_id=REVIEW_PROJECT_ID,
    )
    wait_ready = WistiaMediaStatusSensor(
        task_id="wait_until_ready", media_id=UPLOADED_ID, deferrable=True, poke_interval=5, timeout=3600
    )
    rename = WistiaUpdateMediaOperator(
        task_id="rename_media",
        media_id=UPLOADED_ID,
        name="{{ params.media_name }} (for review)",
        description="Uploaded by Airflow run {{ run_id }}",
    )
    embed = WistiaGetMediaEmbedOperator(
        task_id="get_embed_code", media_id=UPLOADED_ID, oembed_params={"embedType": "iframe"}
    )
    share = WistiaCreateSharingOperator(
        task_id="share_with_reviewer",
        project_id=REVIEW_PROJECT_ID,
        with_email="{{ params.reviewer_email }}",
        can_download=True,
    )

    @task
    def extra_review_project_names(params: dict | None = None) -> list[str]:
        """The run's list of extra review projects (mapped over below: one task per project)."""
        return list((params or {}).get("extra_review_projects") or [])

    extra_projects = WistiaCreateProjectOperator.partial(
        task_id="create_extra_review_projects", if_exists="reuse", pool="wistia_api"
    ).expand(name=extra_review_project_names())

    copies = WistiaCopyMediaOperator.partial(
        task_id="copy_into_review_projects", media_id=UPLOADED_ID, pool="wistia_api"
    ).expand(project_id=extra_projects.output.map(lambda project: project["hashedId"]))

    @task.short_circuit(trigger_rule=TriggerRule.ALL_DONE)
    def cleanup_requested(params: dict | None = None) -> bool:
        """Skip the clean-up when the run was asked to keep what it made."""
        return bool((params or {}).get("cleanup", True))

    delete_copies = WistiaDeleteMediaOperator.partial(
        task_id="delete_copies", missing_ok=True, pool="wistia_api"
    ).expand(media_id=copies.output.map(lambda media: media["hashed_id"]))
    delete_media = WistiaDeleteMediaOperator(task_id="delete_media", media_id=UPLOADED_ID, missing_ok=True)
    delete_extra_projects = WistiaDeleteProjectOperator.partial(
        task_id="delete_extra_review_projects", missing_ok=True, pool="wistia_api"
    ).expand(project_id=extra_projects.output.map(lambda project: project["hashedId"]))
    delete_review_project = WistiaDeleteProjectOperator(
        task_id="delete_review_project", project_id=REVIEW_PROJECT_ID, missing_ok=True
    )

    review_project >> upload >> wait_ready >> rename >> [embed, share]
    wait_ready >> copies
    gate = cleanup_requested()
    [embed, share, copies] >> gate
    gate >> [delete_copies, delete_media]
    delete_copies >> delete_extra_projects
    delete_media >> delete_review_project
