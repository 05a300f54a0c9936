"""Issue 12's operators in one real DAG run against the emulator; the emulator's state is asserted."""

from __future__ import annotations

import pytest
import wistia_test_ops_library
from conftest import task_states, xcom

from airflow_provider_wistia.exceptions import WistiaConfigError
from airflow_provider_wistia.operators import (
    WistiaApiOperator,
    WistiaArchiveMediasOperator,
    WistiaCreateCaptionsOperator,
    WistiaCreateSubfolderOperator,
    WistiaOrderCaptionsOperator,
    WistiaTrimMediaOperator,
    WistiaUpdateCustomizationsOperator,
)
from airflow_provider_wistia.operators.links import WistiaLink, wistia_url

LINK_KEY = WistiaLink().xcom_key


def test_library_operators(run_dag, emulator) -> None:
    project = emulator.create_project("Library")["hashedId"]
    project2 = emulator.create_project("Series")["hashedId"]
    video = emulator.create_media("Keynote.mp4", project_id=project, duration=60.0)["hashed_id"]
    other = emulator.create_media("Teaser.mp4", project_id=project, duration=30.0)["hashed_id"]
    replacement = emulator.create_media("Keynote v2.mp4", project_id=project, duration=75.0)["hashed_id"]
    old = emulator.create_media("Old.mp4", project_id=project, duration=10.0)["hashed_id"]
    channel = emulator.catalog.create_channel("Launch week")["hashedId"]
    conf = {
        "video": video,
        "other": other,
        "replacement": replacement,
        "old": old,
        "project": project,
        "project2": project2,
        "channel": channel,
        "colour": "ff0066",
    }
    dr = run_dag(wistia_test_ops_library.dag, conf)
    states = task_states(dr)
    assert set(states.values()) == {"success"}, states

    # Captions: the rerun-safe create replaced the English track; French updated; German gone.
    tracks = {c["language"]: c["text"] for c in emulator.content.get_captions(video)}
    assert set(tracks) == {"eng", "fra"}
    assert "Second recreate_captions" in tracks["eng"] and "Salut" in tracks["fra"]
    assert xcom(dr, "create_captions") is None  # Wistia's empty 200
    assert xcom(dr, "delete_german_again") is None
    assert xcom(dr, "create_captions", key=LINK_KEY) == wistia_url("medias", video)
    (charge,) = emulator.content.charges
    assert charge["media_id"] == other and xcom(dr, "order_captions")["id"]

    # Customizations: merged (None deleted autoPlay), values saved as strings; the other
    # media's were replaced, reset, then set through the generic API operator.
    assert emulator.content.customizations[video] == {
        "playerColor": "ff0066",
        "muted": "true",
        "plugin": {"captions-v1": {"onByDefault": "true"}},
    }
    assert xcom(dr, "merge_player") == emulator.content.customizations[video]
    assert xcom(dr, "replace_player") == {"playerColor": "000000"}
    assert emulator.content.customizations[other] == {"plugin": {"chapters": {"on": "true"}}}

    # Tags: created once (the second create reused it), set on the video, listed by tag.
    assert [t["name"] for t in emulator.catalog.list_tags() if t["name"].startswith("launch")] == [
        "launch-ff0066"
    ]
    assert xcom(dr, "create_tag_again")["name"] == "launch-ff0066"
    assert sorted(t["name"] for t in emulator.get_media(video)["tags"]) == ["keynote", "launch-ff0066"]
    assert [m["hashed_id"] for m in xcom(dr, "list_tagged")] == [video]

    # Subfolder, move (waited for its job), channel episode with extra_fields.
    subfolder = xcom(dr, "create_subfolder")
    assert subfolder["name"] == "Season ff0066" and subfolder["description"] == "Made by Airflow"
    assert xcom(dr, "create_subfolder", key=LINK_KEY) == wistia_url("projects", project2)
    moved = emulator.get_media(other)
    assert moved["project"]["hashed_id"] == project2
    assert moved["subfolder"]["hashed_id"] == subfolder["hashed_id"]
    assert xcom(dr, "move_other")[0]["background_job_status"]["status"] == "finished"
    (episode,) = emulator.catalog.episodes.values()
    assert (episode["mediaHashedId"], episode["title"], episode["published"]) == (
        video,
        "Episode ff0066",
        True,
    )

    # Jobs: archive waited in the worker, restore and swap deferred; each ends finished.
    assert xcom(dr, "archive_old")[0]["background_job_status"]["status"] == "finished"
    assert xcom(dr, "restore_old")[0]["background_job_status"]["status"] == "finished"
    assert emulator.get_media(old)["archived"] is False
    assert emulator.get_media(old)["project"]["hashed_id"] == project
    swap = xcom(dr, "swap_video")
    assert swap["background_job_status"]["status"] == "finished" and swap["media"]["hashed_id"] == video
    assert emulator.get_media(video)["duration"] == 75.0  # the replacement's file
    trim = xcom(dr, "trim_video")
    assert trim["background_job_status"]["status"] == "queued"  # wait_for_completion=False
    archives = [r for r in emulator.requests if r.path.startswith("/v1/medias/archive")]
    assert len(archives) == 1  # one request: the job was polled, never re-sent

    # The generic API operator: any path, form or JSON bodies.
    assert {c["language"] for c in xcom(dr, "api_list_captions")} == {"eng", "fra"}
    assert emulator.get_media(other)["name"].startswith("Renamed ")


@pytest.mark.parametrize(
    ("operator", "error"),
    [
        (
            lambda: WistiaCreateCaptionsOperator(
                task_id="t", media_id="m", caption_file="x", extra_fields=[1]
            ),
            "extra_fields must be a dict of field names",
        ),
        (
            lambda: WistiaCreateSubfolderOperator(
                task_id="t", project_id="p", name="n", extra_fields={"name": "again"}
            ),
            r"extra_fields repeats \['name'\]",
        ),
        (
            lambda: WistiaCreateCaptionsOperator(
                task_id="t", media_id="m", caption_file="x", if_exists="replace"
            ),
            "if_exists='replace' needs the captions' language",
        ),
        (lambda: WistiaOrderCaptionsOperator(task_id="t", media_id="m"), "confirm_charge"),
        (
            lambda: WistiaUpdateCustomizationsOperator(task_id="t", media_id="m", customizations="red"),
            "customizations must be a dict",
        ),
        (
            lambda: WistiaArchiveMediasOperator(task_id="t", media_ids="[]"),
            "media_ids must name at least one",
        ),
        (
            lambda: WistiaTrimMediaOperator(task_id="t", media_id="m", trims=""),
            "trims must name at least one",
        ),
        (lambda: WistiaApiOperator(task_id="t", method="FETCH", path="medias"), "method must be one of"),
        (
            lambda: WistiaApiOperator(task_id="t", method="GET", path="medias", query="a=b"),
            "query must be a dict",
        ),
    ],
)
def test_bad_arguments_fail_before_any_request(emulator, hook, operator, error) -> None:
    with pytest.raises(WistiaConfigError, match=error):
        operator().call(hook)
    assert emulator.request_count == 0
