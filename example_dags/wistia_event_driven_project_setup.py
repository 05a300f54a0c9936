"""Event-driven project set-up, and a DAG that reacts when media lands in a project.

``wistia_event_driven_project_setup`` is meant to be triggered from the REST API when a
customer signs up, with a conf such as
``{"customer_name": "Acme", "reviewer_emails": ["ana@acme.test", "bo@acme.test"]}``.
It creates the customer's project idempotently (``if_exists="reuse"``), copies the media
of the template project into it (only what is not there yet), shares it with each
reviewer (one mapped task per reviewer) and makes the project public. Rerunning it with
the same conf changes nothing.

``wistia_new_media_reactor`` is scheduled by an ``AssetWatcher``: the
``WistiaNewMediaEventTrigger`` polls the project named by the environment variable
``WISTIA_WATCHED_PROJECT_ID`` in the triggerer and fires at most once per poll, with every
new media of that poll (``"medias"``, oldest first, each with its ``"dedupe_key"``).
"""

from __future__ import annotations

import logging
import os

import pendulum
from airflow.sdk import DAG, Asset, AssetWatcher, Param, task

from airflow_provider_wistia.operators import (
    WistiaCopyMediaOperator,
    WistiaCreateProjectOperator,
    WistiaCreateSharingOperator,
    WistiaGetMediaOperator,
    WistiaListMediasOperator,
    WistiaListSharingsOperator,
    WistiaUpdateProjectOperator,
)
from airflow_provider_wistia.triggers import WistiaNewMediaEventTrigger

CUSTOMER_PROJECT_ID = "{{ ti.xcom_pull(task_ids='create_customer_project')['hashedId'] }}"
log = logging.getLogger(__name__)

with DAG(
    dag_id="wistia_event_driven_project_setup",
    description="Create a customer's Wistia project from a template and share it with reviewers.",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["wistia", "example"],
    params={
        "customer_name": Param("Acme Corp", type="string", minLength=1),
        "reviewer_emails": Param(["reviewer@example.com"], type="array"),
        "template_project_name": Param("Template", type="string"),
    },
) as setup_dag:
    customer_project = WistiaCreateProjectOperator(
        task_id="create_customer_project",
        name="{{ params.customer_name }}",
        description="Videos for {{ params.customer_name }}",
        if_exists="reuse",
    )
    template_project = WistiaCreateProjectOperator(
        task_id="find_template_project", name="{{ params.template_project_name }}", if_exists="reuse"
    )
    template_medias = WistiaListMediasOperator(
        task_id="list_template_medias",
        project_id="{{ ti.xcom_pull(task_ids='find_template_project')['hashedId'] }}",
    )
    customer_medias = WistiaListMediasOperator(task_id="list_customer_medias", project_id=CUSTOMER_PROJECT_ID)
    existing_sharings = WistiaListSharingsOperator(task_id="list_sharings", project_id=CUSTOMER_PROJECT_ID)

    @task
    def medias_to_copy(template: list[dict], already_there: list[dict]) -> list[str]:
        """Template media not yet in the customer's project (by name): reruns copy nothing twice."""
        present = {media["name"] for media in already_there}
        return [media["hashed_id"] for media in template if media["name"] not in present]

    @task
    def reviewers_to_add(sharings: list[dict], params: dict | None = None) -> list[str]:
        """Reviewers from the conf that the project is not shared with yet."""
        shared = {(s.get("share") or {}).get("email", "").lower() for s in sharings}
        wanted = [email.strip() for email in (params or {}).get("reviewer_emails", []) if email.strip()]
        return [email for email in dict.fromkeys(wanted) if email.lower() not in shared]

    copies = WistiaCopyMediaOperator.partial(
        task_id="copy_template_media", project_id=CUSTOMER_PROJECT_ID, pool="wistia_api"
    ).expand(media_id=medias_to_copy(template_medias.output, customer_medias.output))
    sharings = WistiaCreateSharingOperator.partial(
        task_id="share_with_reviewer", project_id=CUSTOMER_PROJECT_ID, can_download=True, pool="wistia_api"
    ).expand(with_email=reviewers_to_add(existing_sharings.output))
    make_public = WistiaUpdateProjectOperator(
        task_id="make_project_public", project_id=CUSTOMER_PROJECT_ID, public=True
    )

    customer_project >> [customer_medias, existing_sharings]
    template_project >> template_medias
    [copies, sharings] >> make_public


WATCHED_PROJECT_ID = os.environ.get("WISTIA_WATCHED_PROJECT_ID", "demo-uploads")
NEW_MEDIA = Asset(
    name="wistia_new_media",
    uri=f"wistia://projects/{WATCHED_PROJECT_ID}",
    watchers=[
        AssetWatcher(
            name="wistia_new_media_watcher",
            trigger=WistiaNewMediaEventTrigger(project_id=WATCHED_PROJECT_ID, poll_interval=60),
        )
    ],
)

with DAG(
    dag_id="wistia_new_media_reactor",
    description="React to each media added to a watched Wistia project.",
    schedule=[NEW_MEDIA],
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["wistia", "example"],
) as reactor_dag:

    @task
    def new_media_ids(triggering_asset_events=None, params: dict | None = None) -> list[str]:
        """The media ids the watcher reported (or ``params.media_ids`` when run by hand)."""
        ids = list((params or {}).get("media_ids") or [])
        # The DAG is scheduled on one asset only, so every triggering event is about it.
        # One asset event per poll: its "medias", oldest first, each with its "dedupe_key".
        for event in (e for events in (triggering_asset_events or {}).values() for e in events):
            payload = (event.extra or {}).get("payload", event.extra or {})
            ids.extend(media["dedupe_key"] for media in payload.get("medias") or [])
        ids = list(dict.fromkeys(ids))  # a media repeated after a triggerer crash is handled once per run
        log.info("New media in project %s: %s", WATCHED_PROJECT_ID, ids)
        return ids

    WistiaGetMediaOperator.partial(task_id="describe_new_media", pool="wistia_api").expand(
        media_id=new_media_ids()
    )
