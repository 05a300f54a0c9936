"""The emulator's newer v1 endpoints over raw HTTP, its demo seed, its admin view, and wystia."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from conftest import TOKEN

from airflow_provider_wistia.emulator import WistiaEmulator

SRT = "1\n00:00:00,000 --> 00:00:01,500\nHello.\n"


@pytest.fixture
def api(emulator: WistiaEmulator) -> Iterator[Any]:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {TOKEN}"

    def call(method: str, path: str, **kwargs: Any) -> requests.Response:
        return session.request(method, emulator.base_url + "/v1" + path, timeout=10, **kwargs)

    yield call
    session.close()
    emulator.configure(job_lifecycle=["queued", "started", "finished"], newer_media_fields=True)


def test_empty_bodies_where_wistia_sends_them(emulator: WistiaEmulator, api: Any) -> None:
    video = emulator.create_media("a.mp4")["hashed_id"]
    created = api("POST", f"/medias/{video}/captions.json", json={"caption_file": SRT, "language": "eng"})
    assert (created.status_code, created.content) == (200, b"")
    assert api("PUT", f"/medias/{video}/captions/eng", json={"caption_file": SRT}).content == b""
    assert api("DELETE", f"/medias/{video}/customizations").content == b""
    for path in (
        "/medias/nosuchmed1/captions",
        f"/medias/{video}/captions/fra",
        "/background_job_status/424242",
    ):
        missing = api("GET", path)
        assert (missing.status_code, missing.content) == (404, b"")
    assert api("DELETE", f"/medias/{video}/captions/eng.json").content == b""
    assert emulator.content.get_captions(video) == []


def test_json_only_and_form_bodies(emulator: WistiaEmulator, api: Any) -> None:
    video = emulator.create_media("a.mp4")["hashed_id"]
    refused = api("POST", f"/medias/{video}/customizations", data={"playerColor": "ff0000"})
    assert refused.status_code == 400 and "only accepts JSON" in refused.json()["error"]
    assert api("POST", f"/medias/{video}/customizations", json={"playerColor": "ff0000"}).status_code == 201
    # Other endpoints keep accepting form bodies, with Rails-style lists.
    tag = api("POST", "/tags", data={"name": "news"})
    assert tag.status_code == 200 and tag.json()["taggingsCount"] == 0
    put = api("PUT", f"/medias/{video}", data={"tags[]": ["news", "2024"]})
    assert put.json()["tags"] == [{"name": "news"}, {"name": "2024"}]
    assert [m["hashed_id"] for m in api("GET", "/medias", params={"tags[]": ["news", "2024"]}).json()] == [
        video
    ]


def test_jobs_move_207_and_throttle(emulator: WistiaEmulator, api: Any) -> None:
    target = emulator.create_project("Target")["hashedId"]
    video = emulator.create_media("a.mp4")["hashed_id"]
    moved = api("PUT", "/medias/move.json", json={"hashed_ids": [video, "nosuchmed1"], "project_id": target})
    assert moved.status_code == 207
    assert moved.json()["partial_errors"] == [{"media_id": "nosuchmed1", "error": "Media not found"}]
    job = moved.json()["background_job_status"]
    statuses = [api("GET", f"/background_job_status/{job['id']}").json()["background_job_status"]["status"]]
    statuses += [
        api("GET", f"/background_job_status/{job['id']}.json").json()["background_job_status"]["status"]
    ]
    statuses += [api("GET", f"/background_job_status/{job['id']}").json()["background_job_status"]["status"]]
    assert statuses == ["started", "finished", "finished"]
    assert emulator.get_media(video)["project"]["hashed_id"] == target
    too_many = api(
        "PUT", "/medias/move", json={"hashed_ids": [f"m{i:09d}" for i in range(101)], "project_id": target}
    )
    assert too_many.status_code == 400 and "100 or less" in too_many.json()["error"]
    for _ in range(8):
        assert (
            api("PUT", "/medias/move", json={"hashed_ids": [video], "project_id": target}).status_code == 200
        )
    throttled = api("PUT", "/medias/move", json={"hashed_ids": [video], "project_id": target})
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0
    assert throttled.text == "Rate limit exceeded"
    emulator.configure(move_limit=10, move_window_seconds=300)


def test_job_lifecycle_configured_over_the_admin_api(emulator: WistiaEmulator, api: Any) -> None:
    admin = emulator.base_url + "/__emulator__"
    config = requests.post(admin + "/config", json={"job_lifecycle": ["queued", "failed"]}, timeout=5).json()
    assert config["job_lifecycle"] == ["queued", "failed"]
    video = emulator.create_media("a.mp4")["hashed_id"]
    job = api("PUT", "/medias/archive", json={"hashed_ids": [video]}).json()["background_job_status"]
    assert (
        api("GET", f"/background_job_status/{job['id']}").json()["background_job_status"]["status"]
        == "failed"
    )
    assert emulator.get_media(video)["archived"] is False
    bad = requests.post(admin + "/config", json={"job_lifecycle": ["done"]}, timeout=5)
    assert bad.status_code == 400
    extras = requests.get(admin + "/extras", timeout=5).json()
    assert extras["background_jobs"] == [{"id": job["id"], "status": "failed", "kind": "archive"}]


def test_demo_seed_has_the_newer_data(emulator: WistiaEmulator, hook: Any) -> None:
    ids = emulator.seed_demo()
    extras = emulator.snapshot_v1_extras()
    assert len(extras["captions"]) == 2 and len(extras["customizations"]) == 1
    assert {t["name"]: t["taggingsCount"] for t in extras["tags"]} == {"tutorial": 5, "launch": 1, "2024": 1}
    assert extras["visitor_count"] == 12 and extras["event_count"] == 120
    assert extras["channels"][0]["mediaCount"] == 1 and extras["allowed_domains"] == ["example.com"]
    assert len(list(hook.iter_events())) == 120
    (named,) = hook.iter_visitors(search="ada@")
    assert named["visitor_identity"]["name"] == "Ada Lovelace"
    teaser = next(m for m in hook.list_medias(tags=["launch"]))
    assert teaser["subfolder"]["hashed_id"] == ids["subfolders"][0]
    assert hook.get_customizations(teaser["hashed_id"])["playerColor"] == "54bbff"
    assert requests.get(emulator.base_url + "/__emulator__/extras", timeout=5).json()["event_count"] == 120


def test_wystia_captions_and_customizations(emulator: WistiaEmulator) -> None:
    """The public ``wystia`` client (1.2.2) against the emulator. In its default strict mode it
    refuses keys it does not know (the caption ``id``): ``newer_media_fields=False`` serves it the
    shapes it was written for; with ``RAISE_ON_UNKNOWN_KEY=false`` it reads the current ones."""
    wystia = pytest.importorskip("wystia")
    from wystia.models import Customizations, LanguageCode

    strict = bool(wystia.models.RAISE_ON_UNKNOWN_KEY)  # read once, when wystia is imported
    emulator.configure(newer_media_fields=not strict)
    try:
        api = wystia.WistiaDataApi
        api.configure(TOKEN)
        api._API_ENDPOINT = emulator.base_url + "/v1/"
        video = emulator.create_media("talk.mp4")["hashed_id"]
        api.create_captions(video, LanguageCode.ENGLISH, srt_contents=SRT)
        assert [c.language for c in api.list_captions(video)] == [LanguageCode.ENGLISH]
        assert api.get_captions(video, LanguageCode.ENGLISH).text == SRT
        api.update_captions(video, LanguageCode.FRENCH, srt_contents=SRT)  # 404, then wystia creates
        assert sorted(c["language"] for c in emulator.content.get_captions(video)) == ["eng", "fre"]
        assert api.delete_captions(video, LanguageCode.FRENCH) is True
        other = emulator.create_media("other.mp4")["hashed_id"]
        api.order_captions(other)  # the deprecated captions/purchase, query parameters, no body
        assert emulator.content.charges[-1]["media_id"] == other

        saved = api.create_customizations(video, Customizations(player_color="ff0000", auto_play=True))
        assert saved.player_color == "ff0000" and saved.auto_play is True
        api.update_customizations(video, Customizations(player_color="00ff00"))
        assert emulator.content.customizations[video]["playerColor"] == "00ff00"
        assert api.get_customizations(video).player_color == "00ff00"
        assert api.delete_customizations(video) is True and video not in emulator.content.customizations
    finally:
        emulator.configure(newer_media_fields=True)


def test_caption_track_as_srt_vtt_and_text(emulator: WistiaEmulator, api: Any) -> None:
    video = emulator.create_media("a.mp4")["hashed_id"]
    emulator.content.add_caption(video, "eng", SRT + "\n2\n00:00:01,500 --> 00:00:03,000\nBye.\n")
    srt = api("GET", f"/medias/{video}/captions/eng.srt")
    assert srt.headers["Content-Type"].startswith("text/plain") and srt.text.startswith(SRT)
    vtt = api("GET", f"/medias/{video}/captions/eng.vtt")
    assert vtt.headers["Content-Type"].startswith("text/vtt")
    assert (
        vtt.text == "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nHello.\n\n00:00:01.500 --> 00:00:03.000\nBye.\n"
    )
    assert api("GET", f"/medias/{video}/captions/eng.txt").text == "Hello.\nBye.\n"
    assert api("GET", f"/medias/{video}/captions/eng.json").json()["language"] == "eng"
    assert api("GET", f"/medias/{video}.srt").status_code == 406
    assert api("GET", f"/medias/{video}/captions/fra.srt").status_code == 404
