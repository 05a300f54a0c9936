"""The modern track: ``api_version`` moves every request of both clients to ``/modern``, pinned;
folders on both tracks over one account; the emulator's release resolution."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from conftest import TOKEN

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.emulator.common import ApiError
from airflow_provider_wistia.emulator.modern import resolve_release
from airflow_provider_wistia.exceptions import WistiaConfigError
from airflow_provider_wistia.hooks.async_client import WistiaAsyncClient
from airflow_provider_wistia.hooks.tracks import MODERN_RELEASES, Track
from airflow_provider_wistia.hooks.wistia import WistiaHook
from airflow_provider_wistia.provider_info import CONN_FIELDS

RELEASE = "2026-03"


def _since(emulator: WistiaEmulator, start: int) -> list[Any]:
    return emulator.requests[start:]


# ---------------------------------------------------------------------- api_version
@pytest.mark.parametrize("value", ["2026-3", "v2", "2026-13", "march", "2026-02", "2025-11", "2026-04-01"])
def test_bad_api_version_is_refused_before_any_request(
    set_connection, emulator: WistiaEmulator, value: str
) -> None:
    set_connection(api_version=value)
    with pytest.raises(WistiaConfigError, match="api_version") as info:
        WistiaHook().list_folders()
    assert repr(value) in str(info.value)
    assert emulator.requests == []


def test_api_version_form_field_offers_every_release() -> None:
    assert CONN_FIELDS["api_version"]["schema"]["enum"] == ["v1", *MODERN_RELEASES]
    assert CONN_FIELDS["api_version"]["schema"]["default"] == "v1"


@pytest.mark.parametrize("value", [None, "", "v1", "V1"])
def test_v1_is_the_default(set_connection, emulator: WistiaEmulator, value: str | None) -> None:
    extra = {} if value is None else {"api_version": value}
    set_connection(**extra)
    WistiaHook().get_account()
    (request,) = emulator.requests
    assert request.path == "/v1/account.json"
    assert "X-Wistia-Api-Version" not in request.headers


def test_every_sync_request_is_pinned_and_json(modern_hook: WistiaHook, emulator: WistiaEmulator) -> None:
    folder = modern_hook.create_folder("Launch", public=True, adminEmail="a@example.com")
    modern_hook.create_sharing(folder["hashed_id"], "guest@example.com", can_share=True)
    media = emulator.create_media("clip.mp4", project_id=folder["hashed_id"])
    modern_hook.copy_media(media["hashed_id"], project_id=folder["hashed_id"])
    modern_hook.list_medias(project_id=folder["hashed_id"])
    log = emulator.requests
    assert [r.path for r in log] == [
        "/modern/folders",
        f"/modern/folders/{folder['hashed_id']}/sharings",
        f"/modern/medias/{media['hashed_id']}/copy",
        "/modern/medias",
    ]
    assert all(r.headers.get("X-Wistia-Api-Version") == RELEASE for r in log)
    assert [r.body_kind for r in log] == ["json", "json", "json", "none"]
    assert log[0].body == {"name": "Launch", "public": True, "adminEmail": "a@example.com"}
    # the v1 form sends sharing fields bare and as sharing[...]; modern JSON nests them once
    assert log[1].body == {"sharing": {"with": "guest@example.com", "canShare": True}}
    assert log[2].body == {"folder_id": folder["hashed_id"]}
    assert log[3].query["folder_id"] == folder["hashed_id"]


def test_the_async_client_is_pinned_too(set_connection, emulator: WistiaEmulator) -> None:
    set_connection(api_version="2026-05")
    project = emulator.create_project("P")["hashedId"]
    media = emulator.create_media("clip.mp4", project_id=project)

    async def read() -> Any:
        client = WistiaAsyncClient("wistia_default")
        try:
            return await client.request("GET", "medias", params={"project_id": project})
        finally:
            await client.aclose()

    assert [m["hashed_id"] for m in asyncio.run(read())] == [media["hashed_id"]]
    (request,) = emulator.requests
    assert (request.path, request.headers.get("X-Wistia-Api-Version")) == ("/modern/medias", "2026-05")
    assert request.query == {"folder_id": project}


def test_xml_is_refused_on_modern_before_any_request(
    modern_hook: WistiaHook, emulator: WistiaEmulator
) -> None:
    with pytest.raises(WistiaConfigError, match="api_version"):
        modern_hook.request("GET", "account", response_format="xml")
    assert emulator.requests == []


def test_track_maps_v1_vocabulary() -> None:
    track = Track("2026-07")
    call = track.prepare(
        "PUT",
        "/v1/projects/abc/sharings/3.json",
        data={"sharing[canShare]": True, "canShare": True, "tags[]": ["a"], "project_id": "p"},
    )
    assert call.display == "/modern/folders/abc/sharings/3"
    assert call.json == {"sharing": {"canShare": True}, "tags": ["a"], "folder_id": "p"}
    assert call.headers == {"X-Wistia-Api-Version": "2026-07"}
    assert Track().prepare("GET", "stats/projects/abc").display == "/v1/stats/projects/abc.json"
    assert track.prepare("GET", "stats/projects/abc").display == "/modern/stats/projects/abc"


# ---------------------------------------------------------------------- folders on both tracks
@pytest.mark.parametrize("api_version", ["v1", RELEASE])
def test_folders_on_both_tracks(set_connection, emulator: WistiaEmulator, api_version: str) -> None:
    set_connection(api_version=api_version)
    hook = WistiaHook()
    key = "hashed_id" if api_version != "v1" else "hashedId"
    folder = hook.create_folder("Q3", public=True)
    fid = folder[key]
    assert hook.update_folder(fid, name="Q3 final")["name"] == "Q3 final"
    assert [f[key] for f in hook.list_folders()] == [fid]
    assert [f[key] for f in hook.iter_folders(per_page=1)] == [fid]
    assert hook.get_folder(fid)["name"] == "Q3 final"
    assert hook.get_project(fid)["name"] == "Q3 final"  # the project methods work on both tracks
    copied = hook.copy_folder(fid)
    if api_version == "v1":
        assert copied["name"] == "Q3 final"
    else:  # a background job on the modern track: the copy appears when it finishes
        job = copied["background_job_status"]
        assert len(emulator.store.projects) == 1
        while hook.get_background_job(job["id"])["status"] != "finished":
            pass
    assert len(emulator.store.projects) == 2
    hook.delete_folder(fid)
    assert fid not in emulator.store.projects
    sub = hook.create_subfolder(next(iter(emulator.store.projects)), "Drafts")
    assert sub["name"] == "Drafts"


def test_one_account_seen_from_both_tracks(set_connection, emulator: WistiaEmulator) -> None:
    set_connection(api_version=RELEASE)
    modern = WistiaHook()
    folder = modern.create_folder("Shared")
    set_connection(conn_id="wistia_v1")
    v1 = WistiaHook("wistia_v1")
    assert [p["hashedId"] for p in v1.list_projects()] == [folder["hashed_id"]]
    project = v1.create_project("From v1", anonymous_can_upload=True)
    seen = modern.get_folder(project["hashedId"])
    assert (seen["name"], seen["anonymous_can_upload"], seen["media_count"]) == ("From v1", True, 0)
    sharing = v1.create_sharing(project["hashedId"], "x@example.com")["sharing"]
    assert modern.get_sharing(project["hashedId"], sharing["id"])["folder"]["name"] == "From v1"


# ---------------------------------------------------------------------- emulator releases
def test_release_resolution() -> None:
    assert resolve_release(None) == resolve_release("") == "2026-07"  # no header: the newest
    assert resolve_release("2026-03") == "2026-03"
    assert resolve_release("2026-04") == "2026-03"  # a date with no release: the one before
    assert resolve_release("2027-12") == "2026-07"
    for bad in ("2025-12", "2026-13", "26-03", "latest"):
        with pytest.raises(ApiError) as info:
            resolve_release(bad)
        assert info.value.status == 400


def _get(emulator: WistiaEmulator, path: str, version: str | None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    if version is not None:
        headers["X-Wistia-Api-Version"] = version
    req = urllib.request.Request(emulator.base_url + path, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def test_emulator_serves_every_release_and_refuses_bad_headers(emulator: WistiaEmulator) -> None:
    emulator.create_project("P")
    for version in (None, "2026-01", "2026-02", "2026-03", "2026-05", "2026-07", "2030-01"):
        status, body = _get(emulator, "/modern/folders", version)
        assert (status, [f["name"] for f in body]) == (200, ["P"])
    for version in ("2025-06", "soon"):
        status, body = _get(emulator, "/modern/folders", version)
        assert status == 400, (version, status, body)
        assert "X-Wistia-Api-Version" in body["error"] or "release" in body["error"]
    assert _get(emulator, "/modern/projects", RELEASE)[0] == 404  # v1-only paths do not exist on modern
    assert _get(emulator, "/modern/account.json", RELEASE)[0] == 404  # nor format extensions
