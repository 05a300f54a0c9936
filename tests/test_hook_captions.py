"""Captions, customizations, localizations and translation through the hook (JSON-only APIs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.exceptions import (
    WistiaClientError,
    WistiaConfigError,
    WistiaNotFoundError,
)
from airflow_provider_wistia.hooks.wistia import WistiaHook

SRT = "1\n00:00:00,000 --> 00:00:01,500\nHello there.\n"


def test_captions_lifecycle(hook: WistiaHook, emulator: WistiaEmulator, tmp_path: Path) -> None:
    video = emulator.create_media("talk.mp4")["hashed_id"]
    assert hook.list_captions(video) == []
    assert hook.create_captions(video, SRT, language="eng") is None  # Wistia's empty 200
    srt_file = tmp_path / "french.srt"
    srt_file.write_text("1\n00:00:00,000 --> 00:00:01,500\nBonjour.\n", encoding="utf-8")
    hook.create_captions(video, str(srt_file), language="fra")
    stored = {c["language"]: c["text"] for c in emulator.content.get_captions(video)}
    assert stored == {"eng": SRT, "fra": srt_file.read_text(encoding="utf-8")}
    eng = hook.get_captions(video, "eng")
    assert (eng["english_name"], eng["is_draft"], eng["text"]) == ("English", False, SRT)
    assert sorted(c["language"] for c in hook.list_captions(video)) == ["eng", "fra"]

    with pytest.raises(WistiaClientError, match="already exist"):
        hook.create_captions(video, SRT, language="eng")
    assert hook.update_captions(video, "eng", srt_file) is None
    assert hook.get_captions(video, "eng")["text"].endswith("Bonjour.\n")
    assert hook.delete_captions(video, "fra") is None
    assert [c["language"] for c in emulator.content.get_captions(video)] == ["eng"]
    with pytest.raises(WistiaNotFoundError, match="empty response body"):
        hook.get_captions(video, "fra")
    with pytest.raises(WistiaNotFoundError):
        hook.list_captions("nosuchmed1")


def test_json_only_apis_refuse_form_bodies(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    video = emulator.create_media("talk.mp4")["hashed_id"]
    with pytest.raises(WistiaClientError, match="only accepts JSON"):
        hook.request("POST", f"medias/{video}/captions", data={"caption_file": SRT})
    with pytest.raises(WistiaClientError, match="only accepts JSON"):
        hook.request("PUT", f"medias/{video}/customizations", data={"playerColor": "ff0000"})
    assert emulator.content.get_captions(video) == [] and video not in emulator.content.customizations


def test_caption_arguments_are_checked_before_any_request(
    hook: WistiaHook, emulator: WistiaEmulator, tmp_path: Path
) -> None:
    before = emulator.request_count
    for call in (
        lambda: hook.create_captions("m", "  "),
        lambda: hook.create_captions("m", str(tmp_path / "missing.srt")),
        lambda: hook.create_captions("m", SRT, language="english!"),
        lambda: hook.create_captions("m", b"bytes"),
        lambda: hook.order_captions("m"),
        lambda: hook.create_localization("m", "fra"),
        lambda: hook.set_customizations("m", "playerColor=ff0000"),  # type: ignore[arg-type]
    ):
        with pytest.raises(WistiaConfigError):
            call()
    assert emulator.request_count == before


def test_order_captions_is_charged_only_when_confirmed(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    video = emulator.create_media("talk.mp4", duration=150.0)["hashed_id"]
    with pytest.raises(WistiaConfigError, match="confirm_charge=True"):
        hook.order_captions(video)
    assert emulator.content.charges == []
    answer = hook.order_captions(video, automatically_enable=False, confirm_charge=True)
    assert answer["message"].startswith("Captions purchased")
    (charge,) = emulator.content.charges
    assert charge == {
        "kind": "captions",
        "media_id": video,
        "tier": "automated",
        "minutes": 3,
        "price": 0.75,
        "transcript_id": answer["id"],
    }
    assert hook.get_captions(video, "eng")["is_draft"] is True
    with pytest.raises(WistiaClientError, match="already exist"):
        hook.order_captions(video, confirm_charge=True)


def test_customizations(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    video = emulator.create_media("talk.mp4")["hashed_id"]
    assert hook.get_customizations(video) == {}
    saved = hook.set_customizations(
        video, {"playerColor": "ff0000", "autoPlay": True, "plugin": {"captions-v1": {"onByDefault": False}}}
    )
    assert saved == {
        "playerColor": "ff0000",
        "autoPlay": "true",
        "plugin": {"captions-v1": {"onByDefault": "false"}},
    }
    merged = hook.update_customizations(
        video, {"autoPlay": None, "plugin": {"share": {"on": True}}, "controlsVisibleOnLoad": False}
    )
    assert merged == {
        "playerColor": "ff0000",
        "controlsVisibleOnLoad": "false",
        "plugin": {"captions-v1": {"onByDefault": "false"}, "share": {"on": "true"}},
    }
    assert emulator.content.customizations[video] == merged
    assert hook.set_customizations(video, {"playerColor": "00ff00"}) == {"playerColor": "00ff00"}  # replaces
    assert hook.delete_customizations(video) is None
    assert hook.get_customizations(video) == {} and video not in emulator.content.customizations
    with pytest.raises(WistiaNotFoundError):
        hook.get_customizations("nosuchmed1")


def test_localizations_and_translation(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    video = emulator.create_media("talk.mp4", duration=61.0)["hashed_id"]
    emulator.content.add_caption(video, "eng", SRT)
    created = hook.create_localization(video, "spa", confirm_charge=True, auto_enable=False)
    assert created["iso639_2_language_code"] == "spa" and created["enabled"] is False
    assert created["expected_billed_minutes"] == 2 and created["source_media"]["hashed_id"] == video
    assert emulator.content.charges[-1]["kind"] == "localization"
    (listed,) = hook.list_localizations(video, include_transcript=True)
    assert listed["transcript"]["text"].startswith("1\n00:00:00,000 --> 00:00:01,500\n[spa] Hello")
    assert "transcript" not in hook.get_localization(video, created["hashed_id"])
    assert hook.delete_localization(video, created["hashed_id"])["hashed_id"] == created["hashed_id"]
    assert hook.list_localizations(video) == []
    with pytest.raises(WistiaNotFoundError):
        hook.get_localization(video, created["hashed_id"])

    answer = hook.translate_media(video, "fra", source_language="eng")
    job = answer["background_job_status"]
    assert job["status"] == "queued" and len(emulator.content.get_captions(video)) == 1
    statuses = [hook.get_background_job(job["id"])["status"] for _ in range(2)]
    assert statuses == ["started", "finished"]
    assert hook.get_captions(video, "fra")["text"].splitlines()[2] == "[fra] Hello there."
    silent = emulator.create_media("silent.mp4")["hashed_id"]
    with pytest.raises(WistiaClientError, match="no transcript"):
        hook.translate_media(silent, "fra")
