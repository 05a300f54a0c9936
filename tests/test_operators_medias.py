"""Media operators in a real DAG run against the emulator; the emulator's state is asserted."""

from __future__ import annotations

import wistia_test_ops_medias
from conftest import task_states, xcom

from airflow_provider_wistia.operators.links import WistiaLink, wistia_url

LINK_KEY = WistiaLink().xcom_key


def test_media_operators(run_dag, emulator) -> None:
    source = emulator.create_project("Source")["hashedId"]
    targets = [emulator.create_project(f"Target {i}")["hashedId"] for i in (1, 2)]
    video = emulator.create_media("Keynote.mp4", project_id=source)["hashed_id"]
    image = emulator.create_media("Still.png", project_id=source)["hashed_id"]
    doomed = emulator.create_media("Old.mp4", project_id=source)["hashed_id"]
    emulator.create_media("Keynote.mp4", project_id=targets[0])  # same name, another project
    emulator.set_media_stats(video, plays=42, visitors=100, page_loads=250, average_percent_watched=61)
    conf = {
        "project_id": source,
        "media_id": video,
        "image_id": image,
        "name": "Keynote.mp4",
        "targets": targets,
        "doomed": doomed,
        "maxheight": "200",
    }
    thumbnail = emulator.get_media(video)["thumbnail"]["url"]
    dr = run_dag(wistia_test_ops_medias.dag, conf)
    states = task_states(dr)
    assert set(states.values()) == {"success"}, states
    assert {"copy_media[0]", "copy_media[1]"} <= set(states)

    assert [m["hashed_id"] for m in xcom(dr, "list_videos")] == [video, doomed]
    assert len(xcom(dr, "list_by_name")) == 2  # a blank media_type filter is no filter
    assert [m["hashed_id"] for m in xcom(dr, "list_by_id")] == [video]
    assert xcom(dr, "get_media")["project"]["hashed_id"] == source

    stored = emulator.get_media(video)
    assert stored["name"] == "Keynote.mp4 (edited)" and stored["description"] == "Edited by update_media"
    assert stored["thumbnail"]["url"] != thumbnail  # new_still_media_id reached Wistia
    assert xcom(dr, "update_media")["name"] == "Keynote.mp4 (edited)"
    # extra_fields: rendered and sent in the JSON body (as the v1 OpenAPI has it), next to the named fields.
    (update,) = [r for r in emulator.requests if r.method == "PUT" and r.path == f"/v1/medias/{video}.json"]
    assert update.body_kind == "json" and update.body["futureField"] == "update_media"
    assert update.body["name"] == "Keynote.mp4 (edited)"
    copy_bodies = [r.body for r in emulator.requests if r.path == f"/v1/medias/{video}/copy.json"]
    assert sorted(body["futureField"] for body in copy_bodies) == ["copy 0", "copy 1"]
    assert {body["project_id"] for body in copy_bodies} == set(targets)

    copies = [xcom(dr, "copy_media", map_index=i) for i in (0, 1)]
    for target, copy in zip(targets, copies, strict=True):
        assert emulator.get_media(copy["hashed_id"])["project"]["hashed_id"] == target
        assert copy["name"] == "Keynote.mp4 (edited)"
        # Each mapped copy links to the media it created.
        assert xcom(dr, "copy_media", map_index=targets.index(target), key=LINK_KEY) == wistia_url(
            "medias", copy["hashed_id"]
        )

    stats = xcom(dr, "media_stats")["stats"]
    assert (stats["plays"], stats["visitors"], stats["pageLoads"]) == (42, 100, 250)
    assert xcom(dr, "media_stats", key=LINK_KEY) == wistia_url("medias", video)

    embed = xcom(dr, "media_embed")
    assert f"wistia_async_{video}" in embed["html"]  # embedType rode in the media URL
    assert (embed["width"], embed["height"]) == (640, 200)
    oembed = [r for r in emulator.requests if r.path == "/oembed"][-1]
    assert "Authorization" not in oembed.headers and "authorization" not in oembed.headers

    assert xcom(dr, "delete_media")["hashed_id"] == doomed
    assert xcom(dr, "delete_media_again") is None
    assert emulator.get_media(doomed) is None
