"""Writes are never duplicated and deletes stay idempotent, across hook retries and task retries.

The emulator's ``commit_then_500`` and ``reset_after`` faults apply the write and then make
the client believe it failed: the worst case for a retry.
"""

from __future__ import annotations

from typing import Any

import pytest
import wistia_test_reliability_writes as dags
from conftest import TOKEN, task_states, xcom

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.exceptions import WistiaServerError
from airflow_provider_wistia.hooks.wistia import WistiaHook


def _sent(emulator: WistiaEmulator, method: str, path_prefix: str) -> list[int]:
    """The statuses answered to ``method`` requests under ``path_prefix`` (0: connection dropped)."""
    return [r.status for r in emulator.requests if r.method == method and r.path.startswith(path_prefix)]


def _tries(dag_run: Any) -> dict[str, int]:
    return {ti.task_id: ti.try_number for ti in dag_run.get_task_instances()}


def test_committed_post_is_not_repeated_and_task_retry_reuses_the_project(
    run_dag, emulator: WistiaEmulator, capfd: pytest.CaptureFixture[str]
) -> None:
    emulator.add_fault("commit_then_500", method="POST", path=r"^/v1/projects\.json$", times=1)

    dr = run_dag(dags.create_dag, {"name": "Launch 2026"})

    assert task_states(dr) == {"create_project": "success"}
    assert _tries(dr) == {"create_project": 2}  # try 1 failed on the 500, try 2 found the project
    projects = [p for p in emulator.list_projects() if p["name"] == "Launch 2026"]
    assert len(projects) == 1
    assert xcom(dr, "create_project")["hashedId"] == projects[0]["hashedId"]
    # One POST only: the hook did not resend it, try 2 listed (GET) and reused instead.
    assert _sent(emulator, "POST", "/v1/projects") == [500]
    assert _sent(emulator, "GET", "/v1/projects") == [200, 200]
    task_logs = "".join(capfd.readouterr())
    assert "may have been applied by Wistia" in task_logs and TOKEN not in task_logs


@pytest.mark.parametrize("kind", ["commit_then_500", "reset_after"])
def test_hook_never_resends_a_post_that_may_have_applied(
    hook: WistiaHook, emulator: WistiaEmulator, kind: str
) -> None:
    pid = emulator.create_project("Source")["hashedId"]
    emulator.add_fault(kind, method="POST", path=r"/copy\.json$", times=1)
    with pytest.raises(WistiaServerError, match="may have been applied"):
        hook.copy_project(pid)
    assert len(_sent(emulator, "POST", f"/v1/projects/{pid}/copy")) == 1
    assert len(emulator.list_projects()) == 2  # the copy Wistia made, exactly once


def test_deletes_with_missing_ok_are_idempotent_across_retries(
    run_dag, emulator: WistiaEmulator, capfd: pytest.CaptureFixture[str]
) -> None:
    doomed = emulator.create_project("Doomed")["hashedId"]
    shared = emulator.create_project("Shared")["hashedId"]
    media = emulator.create_media("Old.mp4", project_id=shared)["hashed_id"]
    sharing = emulator.create_sharing(shared, "ana@example.com")["id"]
    conf = {"media_id": media, "project_id": doomed, "sharing_project_id": shared, "sharing_id": sharing}
    # Each DELETE is applied, then the client sees a dropped connection or a 500; the hook retries
    # the DELETE (idempotent), gets a 404 and missing_ok turns it into success.
    emulator.add_fault("reset_after", method="DELETE", path="^/v1/medias/", times=1)
    emulator.add_fault("commit_then_500", method="DELETE", path="/sharings/", times=1)
    emulator.add_fault("reset_after", method="DELETE", path=f"^/v1/projects/{doomed}", times=1)

    first = run_dag(dags.deletes_dag, conf)
    again = run_dag(dags.deletes_dag, conf)  # a rerun of the clean-up finds everything gone

    for dr in (first, again):
        assert set(task_states(dr).values()) == {"success"}, task_states(dr)
        assert set(_tries(dr).values()) == {1}
    assert emulator.get_media(media) is None
    assert emulator.get_sharing(shared, sharing) is None
    assert emulator.get_project(doomed) is None
    assert emulator.get_project(shared) is not None
    assert _sent(emulator, "DELETE", "/v1/medias/") == [0, 404, 404]
    assert _sent(emulator, "DELETE", f"/v1/projects/{shared}/sharings/") == [500, 404, 404]
    assert _sent(emulator, "DELETE", f"/v1/projects/{doomed}") == [0, 404, 404]
    # The deletes happened in try 1, yet each task returns None: the object was already gone
    # when the retried DELETE reached Wistia.
    assert [xcom(first, t) for t in ("delete_media", "delete_sharing", "delete_project")] == [None] * 3
    task_logs = "".join(capfd.readouterr())
    # Try 1: the hook's resend got 404, so the delete returns None and says so (missing_ok is not
    # needed for that); the rerun's DELETEs get 404 straight away and missing_ok makes them succeed.
    assert task_logs.count("was already gone: the first DELETE was applied") == 3
    assert task_logs.count("is already gone; missing_ok=True") == 3 and TOKEN not in task_logs
