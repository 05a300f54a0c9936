"""Media operators in one DAG run, including a copy mapped over projects from ``conf``.

``conf``: ``project_id``, ``media_id`` (a video), ``image_id``, ``name`` (the video's name),
``targets`` (project ids to copy the video into), ``doomed`` (a media to delete), ``maxheight``.
"""

from __future__ import annotations

from typing import Any

import pendulum
from airflow.sdk import DAG, chain, task

from airflow_provider_wistia.operators import (
    WistiaCopyMediaOperator,
    WistiaDeleteMediaOperator,
    WistiaGetMediaEmbedOperator,
    WistiaGetMediaOperator,
    WistiaGetMediaStatsOperator,
    WistiaListMediasOperator,
    WistiaUpdateMediaOperator,
)

MEDIA = "{{ dag_run.conf['media_id'] }}"

with DAG(
    dag_id="wistia_test_ops_medias",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
) as dag:

    @task
    def targets(**context: Any) -> list[str]:
        return list(context["dag_run"].conf["targets"])

    lists = [
        WistiaListMediasOperator(
            task_id="list_videos", project_id="{{ dag_run.conf['project_id'] }}", media_type="Video"
        ),
        WistiaListMediasOperator(task_id="list_by_name", name="{{ dag_run.conf['name'] }}", media_type=""),
        WistiaListMediasOperator(task_id="list_by_id", hashed_id=MEDIA),
    ]
    chain(
        lists,
        WistiaGetMediaOperator(task_id="get_media", media_id=MEDIA),
        WistiaUpdateMediaOperator(
            task_id="update_media",
            media_id=MEDIA,
            name="{{ dag_run.conf['name'] }} (edited)",
            description="Edited by {{ ti.task_id }}",
            new_still_media_id="{{ dag_run.conf['image_id'] }}",
            extra_fields={"futureField": "{{ ti.task_id }}"},
        ),
        WistiaCopyMediaOperator.partial(
            task_id="copy_media", media_id=MEDIA, extra_fields={"futureField": "copy {{ ti.map_index }}"}
        ).expand(project_id=targets()),
        WistiaGetMediaStatsOperator(task_id="media_stats", media_id=MEDIA),
        WistiaGetMediaEmbedOperator(
            task_id="media_embed",
            media_id=MEDIA,
            embedType="async",
            width=640,
            oembed_params={"maxheight": "{{ dag_run.conf['maxheight'] }}"},
        ),
        WistiaDeleteMediaOperator(
            task_id="delete_media", media_id="{{ dag_run.conf['doomed'] }}", missing_ok=True
        ),
        WistiaDeleteMediaOperator(
            task_id="delete_media_again", media_id="{{ dag_run.conf['doomed'] }}", missing_ok=True
        ),
    )
