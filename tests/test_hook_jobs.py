"""Background jobs through the hook: archive, restore, move (100-id split, 207, throttle), swap, trim."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.exceptions import (
    WistiaClientError,
    WistiaConfigError,
    WistiaNotFoundError,
    WistiaPartialError,
    WistiaRateLimitError,
)
from airflow_provider_wistia.hooks.wistia import WistiaHook


@pytest.fixture
def jobs_emulator(emulator: WistiaEmulator) -> Iterator[WistiaEmulator]:
    """The emulator with its job and move-throttle settings restored afterwards."""
    yield emulator
    emulator.configure(
        job_lifecycle=["queued", "started", "finished"], move_limit=10, move_window_seconds=300
    )


def wait_job(hook: WistiaHook, job_id: int) -> dict[str, Any]:
    """Poll a job as an operator would, until it ends (queued -> started -> finished: 2 polls)."""
    seen = []
    for _ in range(10):
        job = hook.get_background_job(job_id)
        seen.append(job["status"])
        if job["status"] in ("finished", "failed"):
            return {**job, "seen": seen}
    raise AssertionError(f"job {job_id} never ended: {seen}")


def test_archive_applies_when_the_job_finishes(hook: WistiaHook, jobs_emulator: WistiaEmulator) -> None:
    emu = jobs_emulator
    ids = [emu.create_media(f"{n}.mp4")["hashed_id"] for n in range(3)]
    keep = emu.create_media("keep.mp4")["hashed_id"]
    answers = hook.archive_medias(ids)
    assert len(answers) == 1 and answers[0]["background_job_status"]["status"] == "queued"
    job_id = answers[0]["background_job_status"]["id"]
    assert not any(emu.get_media(h)["archived"] for h in ids)  # queued: nothing changed yet
    done = wait_job(hook, job_id)
    assert done["seen"] == ["started", "finished"]
    assert all(emu.get_media(h)["archived"] for h in ids) and not emu.get_media(keep)["archived"]
    assert sorted(m["hashed_id"] for m in hook.list_medias(archived=True)) == sorted(ids)
    assert [m["hashed_id"] for m in hook.list_medias(archived=False)] == [keep]
    assert emu.jobs.get(job_id) == {"id": job_id, "status": "finished"}


def test_restore_moves_into_the_project(hook: WistiaHook, jobs_emulator: WistiaEmulator) -> None:
    emu = jobs_emulator
    target = emu.create_project("Restored")["hashedId"]
    ids = [emu.create_media(f"{n}.mp4", archived=True)["hashed_id"] for n in range(2)]
    (answer,) = hook.restore_medias(ids, target)
    assert answer["container"] == {"type": "Project", "name": "Restored", "hashedId": target}
    wait_job(hook, answer["background_job_status"]["id"])
    for hid in ids:
        media = emu.get_media(hid)
        assert media["archived"] is False and media["project"]["hashed_id"] == target
    assert emu.get_project(target)["mediaCount"] == 2


def test_move_splits_by_100_and_reports_unknown_ids(hook: WistiaHook, jobs_emulator: WistiaEmulator) -> None:
    emu = jobs_emulator
    source = emu.create_project("Source")["hashedId"]
    target = emu.create_project("Target")["hashedId"]
    subfolder = emu.catalog.create_subfolder(target, "Clips")["hashed_id"]
    ids = emu.seed_medias(205, project_id=source)
    answers = hook.move_medias([*ids, "nosuchmed1"], target, subfolder)
    assert len(answers) == 3  # 100 + 100 + 6
    assert [len(r.query) for r in emu.requests[-3:]] == [0, 0, 0]  # ids travel in the JSON body
    assert answers[2]["partial_errors"] == [{"media_id": "nosuchmed1", "error": "Media not found"}]
    assert "partial_errors" not in answers[0]
    for answer in answers:
        wait_job(hook, answer["background_job_status"]["id"])
    assert emu.get_project(source)["mediaCount"] == 0 and emu.get_project(target)["mediaCount"] == 205
    assert {m["subfolder"]["hashed_id"] for m in emu.list_medias(target)} == {subfolder}

    moves_before = len([r for r in emu.requests if r.path.startswith("/v1/medias/move")])
    with pytest.raises(WistiaPartialError) as caught:
        hook.move_medias([ids[0], "nosuchmed2"], source, strict=True)
    assert caught.value.partial_errors == [{"media_id": "nosuchmed2", "error": "Media not found"}]
    # Issue 18: strict checks every id first, so the known one is not moved either.
    assert caught.value.responses == []
    assert len([r for r in emu.requests if r.path.startswith("/v1/medias/move")]) == moves_before
    emu.jobs.finish_all()
    assert emu.get_media(ids[0])["project"]["hashed_id"] == target


def test_move_throttle_is_respected_by_the_hook(
    hook: WistiaHook, jobs_emulator: WistiaEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    emu = jobs_emulator
    emu.configure(move_limit=2, move_window_seconds=1.0)
    monkeypatch.setattr(WistiaHook, "MOVE_REQUESTS_PER_WINDOW", 2)
    monkeypatch.setattr(WistiaHook, "MOVE_WINDOW_SECONDS", 1.0)
    target = emu.create_project("Target")["hashedId"]
    ids = emu.seed_medias(450)
    answers = hook.move_medias(ids, target)
    assert len(answers) == 5
    moves = [r for r in emu.requests if r.path.startswith("/v1/medias/move")]
    assert [r.status for r in moves] == [200] * 5  # never refused: the hook waited instead
    assert emu.jobs.max_moves_in_window == 2


def test_emulator_move_throttle_answers_429(set_connection, jobs_emulator: WistiaEmulator) -> None:
    emu = jobs_emulator
    emu.configure(move_limit=1, move_window_seconds=60)
    set_connection(max_retries=0)
    target = emu.create_project("Target")["hashedId"]
    media = emu.create_media("a.mp4")["hashed_id"]
    hook = WistiaHook()
    try:
        hook.move_medias([media], target)
        with pytest.raises(WistiaRateLimitError, match="429"):
            hook.request("PUT", "medias/move", json={"hashed_ids": [media], "project_id": target})
    finally:
        hook.close()
    assert int(emu.requests[-1].status) == 429


def test_failed_job_changes_nothing(hook: WistiaHook, jobs_emulator: WistiaEmulator) -> None:
    emu = jobs_emulator
    emu.configure(job_lifecycle=["queued", "started", "failed"])
    media = emu.create_media("a.mp4")["hashed_id"]
    (answer,) = hook.archive_medias([media])
    assert wait_job(hook, answer["background_job_status"]["id"])["status"] == "failed"
    assert emu.get_media(media)["archived"] is False


def test_swap_and_trim(hook: WistiaHook, jobs_emulator: WistiaEmulator) -> None:
    emu = jobs_emulator
    original = emu.create_media("old.mp4", duration=60.0)["hashed_id"]
    replacement = emu.create_media("new.mp4", duration=42.5)["hashed_id"]
    answer = hook.swap_media(original, replacement)
    assert answer["media"]["hashed_id"] == original
    wait_job(hook, answer["background_job_status"]["id"])
    assert emu.get_media(original)["duration"] == 42.5

    image = emu.create_media("still.png")["hashed_id"]
    with pytest.raises(WistiaClientError, match="same type"):
        hook.swap_media(original, image)

    trimmed = hook.trim_media(replacement, ["00:00:00.000-00:00:02.500", "00:00:40.000-00:00:42.500"])
    wait_job(hook, trimmed["background_job_status"]["id"])
    (new,) = [m for m in emu.list_medias() if m["name"] == "new.mp4 (trimmed)"]
    assert new["duration"] == 37.5 and emu.get_media(replacement)["duration"] == 42.5
    jobs_before = len(emu.jobs.jobs)
    with pytest.raises(WistiaClientError, match=r"HH:MM:SS\.mmm"):
        hook.trim_media(replacement, ["0:00-0:10"])
    assert len(emu.jobs.jobs) == jobs_before


def test_job_arguments_are_checked_before_any_request(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    before = emulator.request_count
    for call in (
        lambda: hook.archive_medias("abc123"),
        lambda: hook.archive_medias([]),
        lambda: hook.restore_medias(["a"], ""),
        lambda: hook.move_medias(["a b"], "p"),
        lambda: hook.get_background_job("abc"),
        lambda: hook.get_background_job(0),
        lambda: hook.trim_media("m", "00:00:00.000-00:00:01.000"),
        lambda: hook.swap_media("m", " "),
    ):
        with pytest.raises(WistiaConfigError):
            call()
    assert emulator.request_count == before
    with pytest.raises(WistiaNotFoundError):
        hook.get_background_job(999_999)
