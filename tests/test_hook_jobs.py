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


def _moved(emu: WistiaEmulator, hook: WistiaHook, ids: list[str], target: str) -> tuple[list[str], list[str]]:
    """Move ``ids`` into ``target`` (strict=False) and let the jobs finish: (medias now in
    target, ids in partial_errors), both sorted."""
    answers = hook.move_medias(ids, target)
    emu.jobs.finish_all()
    partial = sorted(error["media_id"] for answer in answers for error in answer.get("partial_errors", []))
    assert all(
        error["error"] == "Media not found"
        for answer in answers
        for error in answer.get("partial_errors", [])
    )
    return sorted(m["hashed_id"] for m in emu.list_medias(target)), partial


def test_a_move_has_the_same_outcome_whatever_the_order_of_the_ids(
    hook: WistiaHook, jobs_emulator: WistiaEmulator
) -> None:
    """Issue 18: 100 known and 50 unknown ids. Known first, the second request holds only
    unknown ids (Wistia answers 404); unknown first, the first is a 207. Both orders move
    the 100 and report the 50."""
    emu = jobs_emulator
    known = emu.seed_medias(100)
    unknown = [f"unknown{n:03d}" for n in range(50)]
    first, second = emu.create_project("First")["hashedId"], emu.create_project("Second")["hashedId"]

    known_first = _moved(emu, hook, [*known, *unknown], first)
    unknown_first = _moved(emu, hook, [*unknown, *known], second)
    assert known_first == (sorted(known), sorted(unknown))
    # Same medias moved (now from First to Second), same partial errors.
    assert unknown_first == known_first and emu.list_medias(first) == []
    moves = [r.status for r in emu.requests if r.path == "/v1/medias/move.json"]
    assert moves == [200, 404, 207, 200]  # the 404'd request moved nothing and is not resent


def test_archive_sends_the_known_ids_of_a_refused_request(
    hook: WistiaHook, jobs_emulator: WistiaEmulator
) -> None:
    """Archive refuses a request with any unknown id (404): the ids are looked up, the
    unknown ones reported and the known ones archived, whatever their order."""
    emu = jobs_emulator
    known = emu.seed_medias(120)
    unknown = [f"unknown{n:03d}" for n in range(30)]
    ids = [media_id for pair in zip(known[:30], unknown, strict=True) for media_id in pair] + known[
        30:
    ]  # interleaved
    answers = hook.archive_medias(ids)
    emu.jobs.finish_all()
    partial = [error["media_id"] for answer in answers for error in answer.get("partial_errors", [])]
    assert sorted(partial) == sorted(unknown)
    assert all(emu.get_media(media_id)["archived"] for media_id in known)
    archives = [r.status for r in emu.requests if r.path == "/v1/medias/archive.json"]
    assert archives == [404, 200, 200]  # the refused first 100, its 70 known ones, the last 50
    lookups = [r for r in emu.requests if r.path == "/v1/medias.json"]
    assert len(lookups) == 1 and lookups[0].status == 200


def test_strict_checks_every_id_before_sending_anything(
    hook: WistiaHook, jobs_emulator: WistiaEmulator
) -> None:
    """strict=True with one unknown id among 150: two lookups of 100 and 50 ids, no move,
    nothing moved; the error names the unknown id."""
    emu = jobs_emulator
    source, target = emu.create_project("Source")["hashedId"], emu.create_project("Target")["hashedId"]
    ids = [*emu.seed_medias(149, project_id=source), "unknown000"]
    with pytest.raises(WistiaPartialError, match="unknown: unknown000") as caught:
        hook.move_medias(ids, target, strict=True)
    assert caught.value.partial_errors == [{"media_id": "unknown000", "error": "Media not found"}]
    assert [r.path for r in emu.requests] == ["/v1/medias.json", "/v1/medias.json"]
    assert emu.get_project(source)["mediaCount"] == 149 and emu.get_project(target)["mediaCount"] == 0

    for call in (
        lambda: hook.archive_medias(ids, strict=True),
        lambda: hook.restore_medias(ids, target, strict=True),
    ):
        with pytest.raises(WistiaPartialError, match="nothing was sent"):
            call()
    assert not [r for r in emu.requests if r.method == "PUT"]
    answers = hook.move_medias(ids[:149], target, strict=True)  # all known: sent
    assert [r.status for r in emu.requests if r.method == "PUT"] == [200, 200] and len(answers) == 2


def test_a_404_about_the_project_is_raised_not_reported_as_unknown_ids(
    hook: WistiaHook, jobs_emulator: WistiaEmulator
) -> None:
    """A 404 while every id exists names something else (the project): it is raised."""
    emu = jobs_emulator
    ids = emu.seed_medias(3)
    with pytest.raises(WistiaNotFoundError, match="Project"):
        hook.move_medias(ids, "nosuchproj")
    with pytest.raises(WistiaNotFoundError, match="Project"):
        hook.restore_medias(ids, "nosuchproj")
