"""Issue 10: an upload happens once per task instance, whatever fails while it waits.
Issue 18: a retry or a clear never resumes a media that failed processing, and the record of
the upload is gone once the task instance ended for good, on every Airflow.

Each test reproduces the live condition against the emulator (502s during the wait and then
a failed try, the media deleted between two tries or failing processing, a media that never
becomes ready, a slow answer to the upload POST) and asserts the emulator's state: how many
uploads it received and which medias exist, and the records left in the metadata database
(task state store on Airflow 3.3+, a Variable before, or on 3.3 without a state store).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
import wistia_test_live_account as dags
from airflow import __version__ as airflow_version
from conftest import task_states, xcom
from packaging.version import Version

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.emulator.common import RecordedRequest
from airflow_provider_wistia.exceptions import WistiaServerError
from airflow_provider_wistia.hooks.wistia import WistiaHook

# Reads of the media: GET /medias/<id> (worker), or /medias?hashed_ids[]=<id> (a trigger's batched read).
MEDIA_GET = r"^/v1/medias(/\w+)?\.json$"
# Airflow 3.3 gave task instances a state store; before it, the upload record is a Variable.
HAS_TASK_STATE_STORE = Version(airflow_version).release >= (3, 3)
# The upload DAGs: with the task state store (on Airflow 3.3+), and without it (a Variable).
UPLOADS = {"store": "wistia_test_live_upload_worker", "variable": "wistia_test_live_upload_variable"}


def _uploads(emulator: WistiaEmulator) -> list[int]:
    return [r.status for r in emulator.requests if r.method == "POST" and r.path == "/"]


def _media_reads(emulator: WistiaEmulator) -> list[int]:
    return [r.status for r in emulator.requests if r.method == "GET" and re.match(MEDIA_GET, r.path)]


def _tries(dag_run: Any) -> int:
    (ti,) = dag_run.get_task_instances()
    return ti.try_number


@pytest.fixture
def upload_conf(emulator: WistiaEmulator, set_connection, tmp_path: Path) -> dict[str, str]:
    set_connection(max_retries=1)
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\x00" * 50_000)
    return {"file_path": str(video), "project_id": emulator.create_project("Uploads")["hashedId"]}


@pytest.mark.parametrize("mode", ["worker", "deferred", "variable"])
def test_502s_during_the_wait_then_a_failed_try_upload_once(
    run_dag,
    emulator: WistiaEmulator,
    upload_conf: dict[str, str],
    mode: str,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """Two 502s (more than max_retries=1) during the wait do not fail it; a 403 then fails
    try 1, and try 2 resumes waiting on the media try 1 uploaded. The record of the upload is
    in the task state store (Airflow 3.3+), or in a Variable ("variable": as on older Airflow)."""
    emulator.add_fault("status", method="GET", path=MEDIA_GET, status=502, times=2)
    emulator.add_fault("status", method="GET", path=MEDIA_GET, status=403, times=1)
    recorded_in_variable: list[list[str]] = []  # Variables holding the record when try 1 failed
    emulator.request_observers.append(
        lambda request: recorded_in_variable.append(_leftover_records()) if request.status == 403 else None
    )
    dag_id = f"wistia_test_live_upload_{mode}"
    dr = run_dag(dags.UPLOAD_DAGS[dag_id], upload_conf)

    assert task_states(dr) == {"upload": "success"} and _tries(dr) == 2
    medias = emulator.list_medias(upload_conf["project_id"])
    assert len(medias) == 1 and _uploads(emulator) == [200]  # exactly one upload
    result = xcom(dr, "upload")
    assert result["hashed_id"] == medias[0]["hashed_id"] and result["status"] == "ready"
    assert _media_reads(emulator)[:3] == [502, 502, 403]
    assert capfd.readouterr().out.count("Uploaded media") == 1  # by try 1 only
    in_variable = mode == "variable" or not HAS_TASK_STATE_STORE  # Airflow < 3.3 has no state store
    assert len(recorded_in_variable) == 1 and len(recorded_in_variable[0]) == in_variable
    assert _leftover_records() == []  # the record is gone once the task succeeded


def _leftover_records() -> list[str]:
    from airflow.models.variable import Variable
    from airflow.utils.session import create_session

    with create_session() as session:
        return [v.key for v in session.query(Variable) if v.key.startswith("wistia_uploaded_media_id")]


def test_a_retry_uploads_again_when_the_earlier_media_is_gone(
    run_dag, emulator: WistiaEmulator, upload_conf: dict[str, str]
) -> None:
    emulator.add_fault("status", method="GET", path=MEDIA_GET, status=403, times=1)

    def delete_it(request: RecordedRequest) -> None:  # someone deletes the media meanwhile
        if request.status == 403:
            emulator.store.delete_media(request.path.split("/")[3].removesuffix(".json"))

    emulator.request_observers.append(delete_it)
    dr = run_dag(dags.UPLOAD_DAGS["wistia_test_live_upload_worker"], upload_conf)

    assert task_states(dr) == {"upload": "success"} and _tries(dr) == 2
    medias = emulator.list_medias(upload_conf["project_id"])
    assert _uploads(emulator) == [200, 200] and len(medias) == 1
    assert xcom(dr, "upload")["hashed_id"] == medias[0]["hashed_id"]


@pytest.mark.parametrize("mode", ["worker", "deferred"])
def test_a_wait_timeout_fails_without_retry_in_both_modes(
    run_dag, emulator: WistiaEmulator, upload_conf: dict[str, str], mode: str
) -> None:
    emulator.configure(polls_per_step=1_000_000)  # the media never leaves "queued"
    try:
        dr = run_dag(dags.UPLOAD_DAGS[f"wistia_test_live_upload_{mode}_timeout"], upload_conf)
    finally:
        emulator.configure(polls_per_step=1)
    assert task_states(dr) == {"upload": "failed"}
    assert _tries(dr) == 1  # AirflowSensorTimeout: not retried, although retries=1
    assert _uploads(emulator) == [200] and len(emulator.list_medias(upload_conf["project_id"])) == 1


def test_the_upload_post_has_its_own_read_timeout(
    emulator: WistiaEmulator, set_connection, tmp_path: Path
) -> None:
    """Wistia can answer slowly after a large upload: ``upload_timeout``, not ``timeout``."""
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\x00" * 10_000)
    set_connection(timeout=0.2, upload_timeout=10)
    emulator.add_fault("slow", method="POST", path="^/$", delay=0.6)
    media = WistiaHook().upload_media(file_path=str(video))
    assert emulator.get_media(media["hashed_id"]) is not None and _uploads(emulator) == [200]

    set_connection(timeout=10, upload_timeout=0.2)
    emulator.add_fault("slow", method="POST", path="^/$", delay=0.6)
    with pytest.raises(WistiaServerError, match="may have been applied"):
        WistiaHook().upload_media(file_path=str(video))
    assert len(emulator.list_medias()) == 2  # applied (the answer came too late), never resent
    time.sleep(1.0)  # let the emulator finish answering the slow request and log it
    assert len(_uploads(emulator)) == 2


def clear_and_run_again(run_dag, dag: Any, dag_run: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Clear the task of a finished run and run it again in the same DAG run, as a clear in
    the UI does: ``dag.test()`` clears the run's task instances with Airflow's own
    ``clear_task_instances`` (a new try, ``max_tries`` raised); here it then runs them in that
    same run (same ``run_id``, same state store), where it would otherwise replace the run."""
    import airflow.models.dagrun as dagrun_module
    from airflow.models.dagrun import DagRun
    from sqlalchemy import select

    def same_run(*, dag: Any, logical_date: Any, session: Any, **_: Any) -> Any:
        run = session.scalar(
            select(DagRun).where(DagRun.dag_id == dag.dag_id, DagRun.logical_date == logical_date)
        )
        run.state = "running"
        session.commit()
        run.dag = dag
        return run

    monkeypatch.setattr(dagrun_module, "get_or_create_dagrun", same_run)
    return run_dag(dag, logical_date=dag_run.logical_date)


def records(dag_id: str) -> list[str]:
    """Every record a task of ``dag_id`` left: Variables, and task state store rows (3.3+)."""
    from airflow.models.variable import Variable
    from airflow.utils.session import create_session

    with create_session() as session:
        found = [v.key for v in session.query(Variable) if v.key.startswith("wistia_") and dag_id in v.key]
        try:
            from airflow.models.task_state_store import TaskStateStoreModel
        except ImportError:  # Airflow < 3.3
            return found
        rows = session.query(TaskStateStoreModel).filter_by(dag_id=dag_id)
        return found + [f"state store: {row.task_id}/{row.key}" for row in rows]


def fail_processing_of_the_first_upload(emulator: WistiaEmulator, project_id: str) -> None:
    """The first media uploaded into the project fails processing (as an unsupported file does)."""

    def observe(request: RecordedRequest) -> None:
        if request.method == "POST" and request.path == "/" and request.status == 200:
            medias = emulator.list_medias(project_id)
            if len(medias) == 1:
                emulator.store.set_status(medias[0]["hashed_id"], "failed")

    emulator.request_observers.append(observe)


@pytest.mark.parametrize("mode", ["store", "variable"])
def test_a_retry_uploads_again_when_the_recorded_media_failed_processing(
    run_dag, emulator: WistiaEmulator, upload_conf: dict[str, str], mode: str
) -> None:
    """Try 1 uploads and fails on a 403 while waiting; meanwhile the media failed processing.
    Try 2 does not resume it: it uploads again (one new upload) and waits on the new media."""
    fail_processing_of_the_first_upload(emulator, upload_conf["project_id"])
    emulator.add_fault("status", method="GET", path=MEDIA_GET, status=403, times=1)
    dag_id = UPLOADS[mode]
    dr = run_dag(dags.UPLOAD_DAGS[dag_id], upload_conf)

    assert task_states(dr) == {"upload": "success"} and _tries(dr) == 2
    assert _uploads(emulator) == [200, 200]  # exactly one new upload, by try 2
    first, second = sorted(emulator.list_medias(upload_conf["project_id"]), key=lambda m: m["id"])
    assert first["status"] == "failed" and second["status"] == "ready"
    assert xcom(dr, "upload")["hashed_id"] == second["hashed_id"]
    assert records(dag_id) == []  # removed once the task succeeded


@pytest.mark.parametrize("mode", ["store", "variable"])
def test_a_final_failure_removes_the_record_so_a_clear_uploads_again(
    run_dag,
    emulator: WistiaEmulator,
    upload_conf: dict[str, str],
    mode: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The media fails processing: the task fails for good (no retry) and its record goes.
    Clearing the task then uploads again, once, instead of resuming the failed media."""
    fail_processing_of_the_first_upload(emulator, upload_conf["project_id"])
    dag_id = UPLOADS[mode]
    dr = run_dag(dags.UPLOAD_DAGS[dag_id], upload_conf)
    assert task_states(dr) == {"upload": "failed"} and _tries(dr) == 1  # WistiaMediaFailedError
    assert _uploads(emulator) == [200]
    assert records(dag_id) == []  # removed at the final failure

    cleared = clear_and_run_again(run_dag, dags.UPLOAD_DAGS[dag_id], dr, monkeypatch)
    assert cleared.run_id == dr.run_id and task_states(cleared) == {"upload": "success"}
    assert _tries(cleared) == 2
    assert _uploads(emulator) == [200, 200]  # one new upload
    assert xcom(cleared, "upload")["status"] == "ready"
    assert records(dag_id) == []


def test_a_record_is_kept_only_while_a_retry_follows(
    run_dag, emulator: WistiaEmulator, upload_conf: dict[str, str]
) -> None:
    """Between try 1 (failed, a retry follows) and try 2 the record exists; then it is gone."""
    emulator.add_fault("status", method="GET", path=MEDIA_GET, status=403, times=1)
    dag_id = UPLOADS["variable"]
    seen: list[list[str]] = []
    emulator.request_observers.append(
        lambda request: seen.append(records(dag_id)) if request.status == 403 else None
    )
    dr = run_dag(dags.UPLOAD_DAGS[dag_id], upload_conf)
    assert task_states(dr) == {"upload": "success"} and _uploads(emulator) == [200]
    assert len(seen) == 1 and len(seen[0]) == 1  # the record while try 1 failed
    assert records(dag_id) == []


@pytest.mark.parametrize("mode", ["store", "variable"])
def test_a_record_is_removed_when_no_retry_is_left(
    run_dag, emulator: WistiaEmulator, upload_conf: dict[str, str], mode: str
) -> None:
    """A 403 fails try 1 (a retry follows: the record stays) and another fails try 2, the
    last one: the record is removed although the error itself is one Airflow retries."""
    emulator.add_fault("status", method="GET", path=MEDIA_GET, status=403, times=2)
    dag_id = UPLOADS[mode]
    dr = run_dag(dags.UPLOAD_DAGS[dag_id], upload_conf)
    assert task_states(dr) == {"upload": "failed"} and _tries(dr) == 2
    assert _uploads(emulator) == [200] and _media_reads(emulator) == [403, 403]  # try 2 resumed it
    assert records(dag_id) == []
