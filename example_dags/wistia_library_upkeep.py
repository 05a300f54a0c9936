"""Weekly library upkeep: caption the newest video, brand its player, tag it, archive a stale one.

Picks the newest ``ready`` video of the account, uploads its
English captions (replacing earlier ones, so a rerun is safe), sets its player colour and turns
captions on by default, tags it, and archives the oldest video not updated for
``params.archive_after_days`` days, waiting for Wistia's background job in the triggerer.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pendulum
from airflow.sdk import DAG, Param, task

from airflow_provider_wistia.operators import (
    WistiaArchiveMediasOperator,
    WistiaCreateCaptionsOperator,
    WistiaCreateTagOperator,
    WistiaListMediasOperator,
    WistiaUpdateCustomizationsOperator,
    WistiaUpdateMediaOperator,
)

CAPTIONS = """1
00:00:00,000 --> 00:00:04,000
Welcome to {{ params.tag }}.

2
00:00:04,000 --> 00:00:08,000
Captions uploaded by Airflow run {{ run_id }}.
"""
FEATURED_ID = "{{ ti.xcom_pull(task_ids='pick_featured_video') }}"


def _when(media: dict[str, Any], key: str) -> datetime:
    text = str(media.get(key) or media.get("created") or "1970-01-01T00:00:00+00:00")
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


with DAG(
    dag_id="wistia_library_upkeep",
    description="Caption, brand and tag the newest video; archive a stale one.",
    schedule="@weekly",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["wistia", "example"],
    params={
        "player_color": Param("1e71e8", type="string"),
        "tag": Param("featured", type="string"),
        "archive_after_days": Param(365, type="integer", minimum=0),
    },
) as dag:
    videos = WistiaListMediasOperator(task_id="list_videos", media_type="Video", archived=False)

    @task
    def pick_featured_video(medias: list[dict[str, Any]]) -> str:
        """The newest ready video: the one to caption, brand and tag."""
        ready = [m for m in medias if m.get("status") == "ready"]
        if not ready:
            raise ValueError("No ready video to feature.")
        return max(ready, key=lambda m: _when(m, "created"))["hashed_id"]

    @task.short_circuit
    def pick_stale_video(
        medias: list[dict[str, Any]], featured: str, params: dict | None = None
    ) -> list[str]:
        """The oldest video not updated for archive_after_days (none: archiving is skipped)."""
        days = int((params or {}).get("archive_after_days", 365))
        cutoff = datetime.now(timezone.utc) - timedelta(days=days)
        stale = [m for m in medias if m["hashed_id"] != featured and _when(m, "updated") <= cutoff]
        return [min(stale, key=lambda m: _when(m, "updated"))["hashed_id"]] if stale else []

    featured = pick_featured_video(videos.output)
    caption = WistiaCreateCaptionsOperator(
        task_id="caption_video",
        media_id=FEATURED_ID,
        caption_file=CAPTIONS,
        language="eng",
        if_exists="replace",
    )
    brand = WistiaUpdateCustomizationsOperator(
        task_id="brand_player",
        media_id=FEATURED_ID,
        customizations={
            "playerColor": "{{ params.player_color }}",
            "plugin": {"captions-v1": {"on": "true", "onByDefault": "true"}},
        },
    )
    create_tag = WistiaCreateTagOperator(
        task_id="create_tag", name="{{ params.tag }}-{{ ds_nodash }}", if_exists="reuse"
    )
    tag = WistiaUpdateMediaOperator(
        task_id="tag_video",
        media_id=FEATURED_ID,
        tags=["{{ params.tag }}", "{{ params.tag }}-{{ ds_nodash }}"],
    )
    archive = WistiaArchiveMediasOperator(
        task_id="archive_stale_video",
        media_ids=pick_stale_video(videos.output, featured),
        deferrable=True,
        poll_interval=2,
        timeout=600,
    )

    featured >> caption >> brand >> create_tag >> tag >> archive
