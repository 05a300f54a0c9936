"""Issue 12's operators in one DAG run: captions, customizations, tags, subfolders, channel
episodes, background jobs (in the worker and deferred), and the generic API operator.

``conf``: ``video`` (gets captions, a branded player, tags, an episode, a swap and a trim),
``other`` (ordered captions, replaced then deleted customizations, moved), ``replacement``
(the swap's new file), ``old`` (archived, then restored), ``project`` and ``project2``
(where ``old`` is restored and ``other`` moved), ``channel``, ``colour``.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG, chain

from airflow_provider_wistia.operators import (
    WistiaApiOperator,
    WistiaArchiveMediasOperator,
    WistiaCreateCaptionsOperator,
    WistiaCreateChannelEpisodeOperator,
    WistiaCreateSubfolderOperator,
    WistiaCreateTagOperator,
    WistiaDeleteCaptionsOperator,
    WistiaDeleteCustomizationsOperator,
    WistiaListMediasOperator,
    WistiaMoveMediasOperator,
    WistiaOrderCaptionsOperator,
    WistiaRestoreMediasOperator,
    WistiaSwapMediaOperator,
    WistiaTrimMediaOperator,
    WistiaUpdateCaptionsOperator,
    WistiaUpdateCustomizationsOperator,
    WistiaUpdateMediaOperator,
)

VIDEO = "{{ dag_run.conf['video'] }}"
OTHER = "{{ dag_run.conf['other'] }}"
SRT = "1\n00:00:00,000 --> 00:00:02,000\n{text}\n"
FAST = {"poll_interval": 0.1, "timeout": 60}

with DAG(
    dag_id="wistia_test_ops_library",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
) as dag:
    captions = [
        WistiaCreateCaptionsOperator(
            task_id="create_captions", media_id=VIDEO, caption_file=SRT.format(text="First"), language="eng"
        ),
        WistiaCreateCaptionsOperator(  # a rerun-safe create: the English track exists, so it is replaced
            task_id="recreate_captions",
            media_id=VIDEO,
            caption_file=SRT.format(text="Second {{ ti.task_id }}"),
            language="eng",
            if_exists="replace",
        ),
        WistiaCreateCaptionsOperator(
            task_id="create_french", media_id=VIDEO, caption_file=SRT.format(text="Bonjour"), language="fra"
        ),
        WistiaUpdateCaptionsOperator(
            task_id="update_french", media_id=VIDEO, language="fra", caption_file=SRT.format(text="Salut")
        ),
        WistiaCreateCaptionsOperator(
            task_id="create_german", media_id=VIDEO, caption_file=SRT.format(text="Hallo"), language="deu"
        ),
        WistiaDeleteCaptionsOperator(task_id="delete_german", media_id=VIDEO, language="deu"),
        WistiaDeleteCaptionsOperator(
            task_id="delete_german_again", media_id=VIDEO, language="deu", missing_ok=True
        ),
        WistiaOrderCaptionsOperator(task_id="order_captions", media_id=OTHER, confirm_charge=True),
    ]
    player = [
        WistiaUpdateCustomizationsOperator(
            task_id="brand_player",
            media_id=VIDEO,
            customizations={"playerColor": "{{ dag_run.conf['colour'] }}", "autoPlay": False},
            extra_fields={"plugin": {"captions-v1": {"onByDefault": True}}},
        ),
        WistiaUpdateCustomizationsOperator(  # merge: None deletes a key
            task_id="merge_player", media_id=VIDEO, customizations={"autoPlay": None, "muted": True}
        ),
        WistiaUpdateCustomizationsOperator(
            task_id="replace_player", media_id=OTHER, customizations={"playerColor": "000000"}, replace=True
        ),
        WistiaDeleteCustomizationsOperator(task_id="reset_player", media_id=OTHER),
    ]
    tags = [
        WistiaCreateTagOperator(task_id="create_tag", name="launch-{{ dag_run.conf['colour'] }}"),
        WistiaCreateTagOperator(
            task_id="create_tag_again", name="launch-{{ dag_run.conf['colour'] }}", if_exists="reuse"
        ),
        WistiaUpdateMediaOperator(
            task_id="tag_video", media_id=VIDEO, tags=["launch-{{ dag_run.conf['colour'] }}", "keynote"]
        ),
        WistiaListMediasOperator(task_id="list_tagged", tags='["keynote"]'),
    ]
    library = [
        WistiaCreateSubfolderOperator(
            task_id="create_subfolder",
            project_id="{{ dag_run.conf['project2'] }}",
            name="Season {{ dag_run.conf['colour'] }}",
            description="Made by Airflow",
        ),
        WistiaMoveMediasOperator(
            task_id="move_other",
            media_ids=[OTHER],
            project_id="{{ dag_run.conf['project2'] }}",
            subfolder_id="{{ ti.xcom_pull(task_ids='create_subfolder')['hashed_id'] }}",
            **FAST,
        ),
        WistiaCreateChannelEpisodeOperator(
            task_id="publish_episode",
            channel_id="{{ dag_run.conf['channel'] }}",
            media_id=VIDEO,
            extra_fields={"title": "Episode {{ dag_run.conf['colour'] }}", "publish_status": "published"},
        ),
    ]
    jobs = [
        WistiaArchiveMediasOperator(task_id="archive_old", media_ids="{{ [dag_run.conf['old']] }}", **FAST),
        WistiaRestoreMediasOperator(
            task_id="restore_old",
            media_ids=["{{ dag_run.conf['old'] }}"],
            project_id="{{ dag_run.conf['project'] }}",
            deferrable=True,
            **FAST,
        ),
        WistiaSwapMediaOperator(
            task_id="swap_video",
            media_id=VIDEO,
            replacement_media_id="{{ dag_run.conf['replacement'] }}",
            deferrable=True,
            **FAST,
        ),
        WistiaTrimMediaOperator(
            task_id="trim_video",
            media_id=VIDEO,
            trims=["00:00:01.000-00:00:02.500"],
            wait_for_completion=False,
        ),
    ]
    api = [
        WistiaApiOperator(
            task_id="api_list_captions", method="get", path=f"/v1/medias/{VIDEO}/captions.json"
        ),
        WistiaApiOperator(
            task_id="api_rename", method="PUT", path=f"medias/{OTHER}", data={"name": "Renamed {{ ds }}"}
        ),
        WistiaApiOperator(
            task_id="api_customize",
            method="PUT",
            path=f"medias/{OTHER}/customizations",
            json={"plugin": {"chapters": {"on": True}}},
        ),
    ]
    chain(*captions, *player, *tags, *library, *jobs, *api)
