"""Issue 18 (item 5): a job operator's retry never starts its job again, and never waits on
a job that cannot succeed; its wait timeout is not retried in either mode.

Real DAG runs against the emulator. Each test changes the emulator mid-run (a 403 reading a
job, a job that fails or never finishes) and asserts what it received (the request log), what
it holds, and that the task's record (task state store on Airflow 3.3+, a Variable before, or
on 3.3 without a state store: ``variable``) is gone once the task instance ended for good.
The upload's record is tested in ``test_live_upload.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
import wistia_test_task_records as dags
from conftest import task_states, xcom
from test_live_upload import _tries, records

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.emulator.common import RecordedRequest

JOB_GET = r"^/v1/background_job_status/"


def _job_posts(emulator: WistiaEmulator, kind: str) -> list[int]:
    path = "/trims.json" if kind == "trim" else "/v1/medias/move.json"
    return [r.status for r in emulator.requests if r.method != "GET" and r.path.endswith(path)]


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
