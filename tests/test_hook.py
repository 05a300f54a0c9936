"""WistiaHook over real HTTP against the emulator: every endpoint, paging, auth, formats."""

from __future__ import annotations

import pytest
from conftest import TOKEN

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.hooks.wistia import WistiaHook


def _api_requests(emu: WistiaEmulator, method: str | None = None, path_part: str = "") -> list:
    return [r for r in emu.requests if (method is None or r.method == method) and path_part in r.path]


def test_construction_does_no_io(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIRFLOW_CONN_WISTIA_DEFAULT", raising=False)
    hook = WistiaHook("no_such_connection_anywhere")  # no lookup, no network until first use
    assert hook.wistia_conn_id == "no_such_connection_anywhere"
    assert hook._settings is None and hook._session is None


def test_projects_crud_and_copy(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    created = hook.create_project("Launch", description="Q3 launch", public=True, anonymous_can_download=True)
    pid = created["hashedId"]
    stored = emulator.get_project(pid)
    assert stored["name"] == "Launch" and stored["public"] is True and stored["anonymousCanDownload"] is True
    assert hook.get_project(pid)["name"] == "Launch"

    updated = hook.update_project(pid, name="Launch v2", public=False)
    assert updated["name"] == "Launch v2"
    assert emulator.get_project(pid)["name"] == "Launch v2" and emulator.get_project(pid)["public"] is False

    emulator.create_media("intro.mp4", project_id=pid)
    copy = hook.copy_project(pid)
    assert copy["hashedId"] != pid and copy["name"] == "Launch v2"
    assert emulator.get_project(copy["hashedId"]) is not None
    assert len(emulator.list_medias(project_id=copy["hashedId"])) == 1

    names = [p["name"] for p in hook.list_projects()]
    assert names.count("Launch v2") == 2
    hook.delete_project(pid)
    assert emulator.get_project(pid) is None
    assert [p["hashedId"] for p in hook.iter_projects()] == [copy["hashedId"]]


def test_sharings_crud(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    pid = emulator.create_project("Review")["hashedId"]
    created = hook.create_sharing(pid, "ana@example.com", can_download=True, can_share=False)
    sharing = created.get("sharing", created)
    sid = sharing["id"]
    stored = emulator.get_sharing(pid, sid)
    assert stored["share"]["email"] == "ana@example.com"
    assert stored["canDownload"] is True and stored["canShare"] is False

    assert hook.get_sharing(pid, str(sid))["id"] == sid  # digits from a template are fine
    hook.update_sharing(pid, sid, can_upload=True, is_admin=True)
    stored = emulator.get_sharing(pid, sid)
    assert stored["canUpload"] is True and stored["isAdmin"] is True
    assert [s["id"] for s in hook.list_sharings(pid)] == [sid]
    hook.delete_sharing(pid, sid)
    assert emulator.get_sharing(pid, sid) is None


def test_medias_crud_copy_stats_embed(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    src = emulator.create_project("Source")["hashedId"]
    dst = emulator.create_project("Dest")["hashedId"]
    video = emulator.create_media("talk.mp4", project_id=src)
    image = emulator.create_media("still.png", project_id=src, media_type="Image")
    vid = video["hashed_id"]

    assert hook.get_media(vid)["name"] == "talk.mp4"
    assert {m["hashed_id"] for m in hook.list_medias(project_id=src)} == {vid, image["hashed_id"]}
    assert [m["hashed_id"] for m in hook.list_medias(media_type="Image")] == [image["hashed_id"]]
    assert [m["hashed_id"] for m in hook.list_medias(name="talk.mp4")] == [vid]
    assert [m["hashed_id"] for m in hook.iter_medias(hashed_id=vid)] == [vid]

    hook.update_media(vid, name="Keynote", description="Opening talk", new_still_media_id=image["hashed_id"])
    assert emulator.get_media(vid)["name"] == "Keynote"

    copy = hook.copy_media(vid, project_id=dst)
    assert copy["hashed_id"] != vid
    assert emulator.get_media(copy["hashed_id"])["project"]["hashed_id"] == dst

    emulator.set_media_stats(vid, plays=42, visitors=30, page_loads=100)
    stats = hook.get_media_stats(vid)
    assert stats["stats"]["plays"] == 42 and stats["stats"]["visitors"] == 30
    engagement = hook.get_media_engagement_stats(vid)
    assert engagement["play_count"] == 42

    embed = hook.get_media_embed(vid, embedType="iframe", maxwidth=320)
    assert vid in embed["html"]
    oembed_call = _api_requests(emulator, "GET", "oembed")[-1]
    assert "Authorization" not in oembed_call.headers  # oEmbed is public: the token stays home

    hook.delete_media(copy["hashed_id"])
    assert emulator.get_media(copy["hashed_id"]) is None


def test_account_and_stats(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    pid = emulator.create_project("P")["hashedId"]
    emulator.create_media("a.mp4", project_id=pid)
    account = hook.get_account()
    assert account["mediaCount"] == 1
    assert set(hook.get_account_stats()) >= {"load_count", "play_count", "hours_watched"}
    assert "play_count" in hook.get_project_stats(pid)


def test_paging_past_250_items_costs_three_requests(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    ids = emulator.seed_medias(250)
    before = emulator.request_count
    seen = [m["hashed_id"] for m in hook.iter_medias()]
    assert sorted(seen) == sorted(ids) and len(set(seen)) == 250
    assert emulator.request_count - before == 3
    pages = [r for r in _api_requests(emulator, "GET", "/v1/medias")][-3:]
    assert all("per_page=100" in r.raw_path for r in pages)


def test_exact_multiple_of_page_size_stops_on_empty_page(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    emulator.seed_medias(200)
    before = emulator.request_count
    assert len(hook.list_medias()) == 200
    assert emulator.request_count - before == 3  # ceil((200 + 1) / 100)


def test_xml_escape_hatch_and_generic_request(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    emulator.create_project("Xml Project")
    xml = hook.request("GET", "/v1/projects.xml", response_format="xml")
    assert xml.lstrip().startswith("<") and "Xml Project" in xml
    as_json = hook.request("GET", "projects")
    assert as_json[0]["name"] == "Xml Project"


def test_upload_file_is_streamed_and_url_import(hook: WistiaHook, emulator: WistiaEmulator, tmp_path) -> None:
    pid = emulator.create_project("Uploads")["hashedId"]
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\x00\x01" * 300_000)
    media = hook.upload_media(file_path=str(video), project_id=pid, name="Clip", description="d")
    assert media["status"] == "queued" and media["name"] == "Clip"
    stored = emulator.get_media(media["hashed_id"])
    assert stored["project"]["hashed_id"] == pid
    original = [a for a in stored.get("assets", []) if a.get("type") == "OriginalFile"]
    assert original[0]["fileSize"] == 600_000  # every byte arrived, streamed in chunks
    upload_call = [r for r in emulator.requests if r.path == "/"][-1]
    assert upload_call.headers.get("Authorization") == "Bearer <redacted>"  # the log never keeps a token
    assert TOKEN not in upload_call.raw_path

    imported = hook.upload_media(url="https://example.com/videos/launch.mp4", project_id=pid)
    assert emulator.get_media(imported["hashed_id"])["type"] == "Video"


def test_upload_needs_exactly_one_source(hook: WistiaHook, emulator: WistiaEmulator, tmp_path) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        hook.upload_media()
    with pytest.raises(ValueError, match="does not exist"):
        hook.upload_media(file_path=str(tmp_path / "missing.mp4"))
    assert emulator.request_count == 0


def test_basic_auth_and_method_override(set_connection, emulator: WistiaEmulator) -> None:
    set_connection(auth_type="basic", method_override=True)
    hook = WistiaHook()
    pid = hook.create_project("Legacy")["hashedId"]
    hook.update_project(pid, name="Legacy 2")
    hook.delete_project(pid)
    assert emulator.get_project(pid) is None
    calls = _api_requests(emulator, path_part="/v1/projects")
    assert {r.method for r in calls} == {"POST"}  # PUT and DELETE travelled as POST + _method
    assert all(r.headers["Authorization"].startswith("Basic ") for r in calls)


def test_test_connection(hook: WistiaHook, set_connection, emulator: WistiaEmulator) -> None:
    ok, message = hook.test_connection()
    assert ok and "Emulated" in message
    set_connection(token="wrong-token")
    ok, message = WistiaHook().test_connection()
    assert not ok and "401" in message and "wrong-token" not in message


def test_one_session_is_reused(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    hook.get_account()
    session = hook.get_conn()
    hook.get_account()
    assert hook.get_conn() is session
    assert session.headers["User-Agent"].startswith("airflow-provider-wistia/")
