"""Issue 18 (items 3 and 5): a retry or a clear never repeats a write that was applied and
never resumes work that cannot succeed.

Real DAG runs against the emulator. Each test changes the emulator mid-run (a media that
fails processing, a 403 on a read, a job that never finishes) and asserts what it received
(the request log), what it holds, and that the task's record (task state store on Airflow
3.3+, a Variable before, or on 3.3 without a state store: ``variable``) is gone once the task
instance ended for good.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pendulum
import pytest
import wistia_test_task_records as dags
from conftest import task_states, xcom

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.emulator.common import RecordedRequest

MEDIA_GET = r"^/v1/medias/\w+\.json$"
JOB_GET = r"^/v1/background_job_status/"
LOGICAL_DATE = pendulum.datetime(2026, 3, 1, tz="UTC")


def _uploads(emulator: WistiaEmulator) -> list[int]:
    return [r.status for r in emulator.requests if r.method == "POST" and r.path == "/"]


def _job_posts(emulator: WistiaEmulator, kind: str) -> list[int]:
    path = "/trims.json" if kind == "trim" else "/v1/medias/move.json"
    return [r.status for r in emulator.requests if r.method != "GET" and r.path.endswith(path)]


def _tries(dag_run: Any) -> int:
    (ti,) = dag_run.get_task_instances()
    return ti.try_number


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


@pytest.fixture
def upload_conf(emulator: WistiaEmulator, set_connection, tmp_path: Path) -> dict[str, str]:
    set_connection(max_retries=1)
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\x00" * 20_000)
    return {"file_path": str(video), "project_id": emulator.create_project("Uploads")["hashedId"]}


@pytest.mark.parametrize("mode", ["store", "variable"])
def test_a_retry_uploads_again_when_the_recorded_media_failed_processing(
    run_dag, emulator: WistiaEmulator, upload_conf: dict[str, str], mode: str
) -> None:
    """Try 1 uploads and fails on a 403 while waiting; meanwhile the media failed processing.
    Try 2 does not resume it: it uploads again (one new upload) and waits on the new media."""
    fail_processing_of_the_first_upload(emulator, upload_conf["project_id"])
    emulator.add_fault("status", method="GET", path=MEDIA_GET, status=403, times=1)
    dag_id = f"wistia_test_record_upload_{mode}"
    dr = run_dag(dags.DAGS[dag_id], upload_conf)

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
    dag_id = f"wistia_test_record_upload_{mode}"
    dr = run_dag(dags.DAGS[dag_id], upload_conf, logical_date=LOGICAL_DATE)
    assert task_states(dr) == {"upload": "failed"} and _tries(dr) == 1  # WistiaMediaFailedError
    assert _uploads(emulator) == [200]
    assert records(dag_id) == []  # removed at the final failure

    cleared = clear_and_run_again(run_dag, dags.DAGS[dag_id], dr, monkeypatch)
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
    dag_id = "wistia_test_record_upload_variable"
    seen: list[list[str]] = []
    emulator.request_observers.append(
        lambda request: seen.append(records(dag_id)) if request.status == 403 else None
    )
    dr = run_dag(dags.DAGS[dag_id], upload_conf)
    assert task_states(dr) == {"upload": "success"} and _uploads(emulator) == [200]
    assert len(seen) == 1 and len(seen[0]) == 1  # the record while try 1 failed
    assert records(dag_id) == []


def _job_conf(emulator: WistiaEmulator, kind: str) -> dict[str, Any]:
    if kind == "trim":
        return {"media_id": emulator.create_media("talk.mp4", duration=30.0)["hashed_id"]}
    target = emulator.create_project("Target")["hashedId"]
    return {"media_ids": emulator.seed_medias(150), "project_id": target}


@pytest.mark.parametrize(
    ("kind", "mode"), [("trim", "worker"), ("trim", "deferred"), ("trim", "variable"), ("move", "worker")]
)
def test_a_retry_after_the_job_started_resumes_it(
    run_dag, emulator: WistiaEmulator, set_connection, kind: str, mode: str
) -> None:
    """Try 1 starts the job(s) and fails on a 403 reading one; try 2 waits on the recorded
    job(s) instead of starting them again: one trim POST (one trimmed copy), two moves of 100+50."""
    set_connection(max_retries=0)
    conf = _job_conf(emulator, kind)
    emulator.add_fault("status", method="GET", path=JOB_GET, status=403, times=1)
    dag_id = f"wistia_test_record_{kind}_{mode}"
    dr = run_dag(dags.DAGS[dag_id], conf)

    assert task_states(dr) == {"job": "success"} and _tries(dr) == 2
    assert _job_posts(emulator, kind) == ([200] if kind == "trim" else [200, 200])
    result = xcom(dr, "job")
    jobs = [result] if kind == "trim" else result
    assert [answer["background_job_status"]["status"] for answer in jobs] == ["finished"] * len(jobs)
    if kind == "trim":
        assert [m["name"] for m in emulator.list_medias()].count("talk.mp4 (trimmed)") == 1
    else:
        assert emulator.get_project(conf["project_id"])["mediaCount"] == 150
    assert records(dag_id) == []


def test_a_retry_starts_again_when_the_recorded_job_failed(
    run_dag, emulator: WistiaEmulator, set_connection
) -> None:
    """Try 1's job failed while try 1 could not read it (403): try 2 does not wait on a job
    that cannot succeed, it starts the trim again (two POSTs, one trimmed copy)."""
    set_connection(max_retries=0)
    conf = _job_conf(emulator, "trim")

    def fail_the_job(request: RecordedRequest) -> None:
        if request.status == 403:
            emulator.jobs.script(int(request.path.rsplit("/", 1)[1].split(".")[0]), ["failed"])

    emulator.add_fault("status", method="GET", path=JOB_GET, status=403, times=1)
    emulator.request_observers.append(fail_the_job)
    dr = run_dag(dags.DAGS["wistia_test_record_trim_worker"], conf)
    assert task_states(dr) == {"job": "success"} and _tries(dr) == 2
    assert _job_posts(emulator, "trim") == [200, 200]
    assert [m["name"] for m in emulator.list_medias()].count("talk.mp4 (trimmed)") == 1
    assert records("wistia_test_record_trim_worker") == []


@pytest.mark.parametrize("mode", ["worker", "deferred"])
def test_a_job_wait_timeout_is_not_retried_in_either_mode(
    run_dag, emulator: WistiaEmulator, mode: str
) -> None:
    """A job that never finishes: ``timeout`` fails the task at once (AirflowSensorTimeout, no
    retry although retries=1), in the worker as in deferrable mode; one trim POST."""
    conf = _job_conf(emulator, "trim")
    emulator.configure(polls_per_step=1_000_000)  # the job never leaves "queued"
    try:
        dr = run_dag(dags.DAGS[f"wistia_test_record_trim_{mode}_timeout"], conf)
    finally:
        emulator.configure(polls_per_step=1)
    assert task_states(dr) == {"job": "failed"} and _tries(dr) == 1
    assert _job_posts(emulator, "trim") == [200]
    assert records(f"wistia_test_record_trim_{mode}_timeout") == []
