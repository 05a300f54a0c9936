"""Push, not poll: run for each media Wistia reports ready through a webhook.

``wistia_webhook_media_ready`` is scheduled on ``wistia_webhook_asset("media.ready")``:
the provider's plugin on the Airflow API server receives Wistia's signed webhook at
``POST /wistia/webhooks/wistia_default`` and records each delivery's ``media.ready``
events as one asset event (``extra["events"]``, oldest first), which starts this DAG within
a second, with no API request spent on polling. The DAG logs each media the events name
and copies it into a review project (created on first use). Run by hand with
``{"media_ids": ["<hashed id>"]}`` to do the same without a webhook.

Set-up: in Wistia's Account Settings > Webhooks, point a webhook at
``https://<your Airflow>/wistia/webhooks/wistia_default`` for ``media.ready`` and put its
secret key in the ``wistia_default`` connection's ``webhook_secret`` extra.
"""

from __future__ import annotations

import logging

import pendulum
from airflow.sdk import DAG, Param, task

from airflow_provider_wistia.operators import WistiaCopyMediaOperator, WistiaCreateProjectOperator
from airflow_provider_wistia.webhooks import wistia_webhook_asset

log = logging.getLogger(__name__)

with DAG(
    dag_id="wistia_webhook_media_ready",
    description="Copy each media that Wistia reports ready (webhook) into a review project.",
    schedule=[wistia_webhook_asset("media.ready")],
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["wistia", "example", "webhook"],
    params={
        "review_project": Param("Ready for review", type="string", minLength=1),
        "media_ids": Param([], type="array", description="For manual runs: media to copy."),
    },
) as dag:

    @task
    def ready_media_ids(triggering_asset_events=None, params: dict | None = None) -> list[str]:
        """The hashed ids of the media the ``media.ready`` events name (or ``params.media_ids``).

        A delivery becomes one asset event per asset; its ``extra["events"]`` lists the
        delivery's events oldest first, each with a ``dedupe_key`` (the event's uuid).
        """
        ids = list((params or {}).get("media_ids") or [])
        # Scheduled on one asset only, so every listed event is a media.ready event.
        for asset_event in (e for events in (triggering_asset_events or {}).values() for e in events):
            for item in (asset_event.extra or {}).get("events") or []:
                media = (item.get("payload") or {}).get("media") or {}
                if media.get("id"):
                    log.info(
                        "Media %s (%r) ready at %s (event %s)",
                        media["id"],
                        media.get("name"),
                        item.get("generated_at"),
                        item.get("dedupe_key"),
                    )
                    ids.append(media["id"])
        return list(dict.fromkeys(ids))  # a media named by two events is copied once

    review_project = WistiaCreateProjectOperator(
        task_id="review_project", name="{{ params.review_project }}", if_exists="reuse"
    )
    (
        WistiaCopyMediaOperator.partial(
            task_id="copy_to_review",
            project_id="{{ ti.xcom_pull(task_ids='review_project')['hashedId'] }}",
            pool="wistia_api",
        ).expand(media_id=ready_media_ids())
        << review_project
    )
