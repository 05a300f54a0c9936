"""Tags, subfolders, channels, search, expiring tokens and allowed domains through the hook."""

from __future__ import annotations

import datetime as dt

import pytest

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.exceptions import (
    WistiaClientError,
    WistiaConfigError,
    WistiaNotFoundError,
)
from airflow_provider_wistia.hooks.wistia import WistiaHook


def test_tags(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    a, b = (emulator.create_media(f"{n}.mp4")["hashed_id"] for n in "ab")
    assert hook.create_tag("launch 2024")["name"] == "launch 2024"
    with pytest.raises(WistiaClientError, match="already been taken"):
        hook.create_tag("launch 2024")
    updated = hook.update_media(a, tags=["launch 2024", "v1.0"])
    assert updated["tags"] == [{"name": "launch 2024"}, {"name": "v1.0"}]
    hook.update_media(b, tags=["v1.0"], name="B")
    assert emulator.get_media(b)["name"] == "B"
    tags = {t["name"]: t["taggingsCount"] for t in hook.list_tags()}
    assert tags == {"launch 2024": 1, "v1.0": 2}
    assert [m["hashed_id"] for m in hook.list_medias(tags=["launch 2024", "v1.0"])] == [a]
    assert sorted(m["hashed_id"] for m in hook.list_medias(tags=["v1.0"])) == sorted([a, b])

    assert hook.delete_tag("v1.0") is None  # Wistia's empty 200
    assert emulator.get_media(a)["tags"] == [{"name": "launch 2024"}]
    assert [t["name"] for t in emulator.catalog.list_tags()] == ["launch 2024"]
    hook.update_media(a, tags=[])  # an empty list removes every tag
    assert emulator.get_media(a)["tags"] == []
    with pytest.raises(WistiaNotFoundError):
        hook.delete_tag("v1.0")


def test_subfolders(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    project = emulator.create_project("Campaign")["hashedId"]
    first = hook.create_subfolder(project, "Teasers", description="Short cuts")
    second = hook.create_subfolder(project, "Full length")
    assert (first["position"], second["position"]) == (0, 1)
    assert [s["name"] for s in hook.list_subfolders(project)] == ["Teasers", "Full length"]
    assert [s["name"] for s in hook.list_subfolders(project, sort_by="name")] == ["Full length", "Teasers"]
    media = emulator.create_media("clip.mp4", project)["hashed_id"]
    emulator.store.medias[media].subfolder_hid = first["hashed_id"]
    shown = hook.get_subfolder(project, first["hashed_id"])
    assert [m["hashed_id"] for m in shown["medias"]] == [media]
    renamed = hook.update_subfolder(project, first["hashed_id"], name="Trailers", description=None)
    assert renamed["name"] == "Trailers" and renamed["description"] is None
    assert emulator.get_media(media)["subfolder"]["name"] == "Trailers"
    assert hook.delete_subfolder(project, first["hashed_id"])["hashed_id"] == first["hashed_id"]
    assert emulator.get_media(media)["subfolder"] is None  # back at the project's root
    assert [s["hashed_id"] for s in hook.list_subfolders(project)] == [second["hashed_id"]]
    with pytest.raises(WistiaNotFoundError, match="Subfolder"):
        hook.get_subfolder(project, first["hashed_id"])
    with pytest.raises(WistiaNotFoundError):
        hook.list_subfolders("nosuchproj")


def test_channels_and_episodes(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    channel = emulator.catalog.create_channel("Academy", "Lessons")["hashedId"]
    other = emulator.catalog.create_channel("Podcast")["hashedId"]
    media = emulator.create_media("Lesson 1.mp4")["hashed_id"]
    assert [c["name"] for c in hook.list_channels()] == ["Academy", "Podcast"]
    assert hook.get_channel(channel)["mediaCount"] == 0
    episode = hook.create_channel_episode(channel, media, summary="First", publish_status="published")
    assert episode["title"] == "Lesson 1.mp4" and episode["published"] is True
    hook.create_channel_episode(other, media, title="Audio cut")
    assert hook.get_channel(channel)["mediaCount"] == 1
    assert [e["hashedId"] for e in hook.list_channel_episodes(channel)] == [episode["hashedId"]]
    assert [e["title"] for e in hook.list_channel_episodes()] == ["Lesson 1.mp4", "Audio cut"]
    assert hook.get_account()["channelCount"] == 2
    with pytest.raises(WistiaClientError):
        hook.create_channel_episode(channel, "nosuchmed1")
    with pytest.raises(WistiaNotFoundError):
        hook.get_channel("nosuchchan")


def test_search(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    project = emulator.create_project("Screencasts")["hashedId"]
    emulator.create_media("Screencast basics.mp4", project)
    emulator.create_media("Other.mp4", project)
    found = hook.search("screencast")["data"]
    assert [p["hashedId"] for p in found["projects"]] == [project]
    assert [m["name"] for m in found["medias"]] == ["Screencast basics.mp4"]
    assert found["medias"][0]["projectHashedId"] == project
    assert found["channels"] == [] and found["channelEpisodes"] == []
    with pytest.raises(WistiaConfigError):
        hook.search(" ")


def test_allowed_domains_and_expiring_token(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    assert hook.create_allowed_domain("www.Example.com")["domain"] == "example.com"
    assert hook.create_allowed_domain("example.com")["domain"] == "example.com"  # exists: 200 again
    hook.create_allowed_domain("videos.example.org")
    assert [d["domain"] for d in hook.list_allowed_domains()] == ["example.com", "videos.example.org"]
    assert hook.delete_allowed_domain("example.com")["domain"] == "example.com"
    assert list(emulator.catalog.allowed_domains) == ["videos.example.org"]
    with pytest.raises(WistiaNotFoundError, match="domain was not found"):
        hook.delete_allowed_domain("example.com")
    with pytest.raises(WistiaClientError, match="doesn't look correct"):
        hook.create_allowed_domain("not a domain")

    media = emulator.create_media("a.mp4")["hashed_id"]
    expires = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
    auth = [{"type": "media", "id": media, "permissions": ["edit-transcripts"]}]
    token = hook.create_expiring_token(expires_at=expires, authorizations=auth)["token"]
    assert len(token) == 64
    (issued,) = emulator.catalog.expiring_tokens
    assert issued["token"] == token and issued["expires_at"] == "2030-01-01T00:00:00+00:00"
    assert len(hook.create_expiring_token()["token"]) == 64
    with pytest.raises(WistiaClientError, match="not found"):
        hook.create_expiring_token(authorizations=[{"type": "media", "id": "nosuchmed1", "permissions": []}])
