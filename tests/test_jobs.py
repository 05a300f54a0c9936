"""Background jobs: the sensor in poke and deferrable mode; a failed job fails at once."""

from __future__ import annotations

import pytest
from conftest import task_states, xcom

from airflow_provider_wistia.exceptions import WistiaConfigError, WistiaJobFailedError
from airflow_provider_wistia.operators import WistiaArchiveMediasOperator
from airflow_provider_wistia.sensors import WistiaBackgroundJobSensor
from airflow_provider_wistia.triggers.jobs import WistiaBackgroundJobTrigger, job_ids_in, with_final_jobs


def test_job_sensor_and_failed_jobs(run_dag, emulator, hook) -> None:
    import wistia_test_jobs

    media = [emulator.create_media(f"Clip {i}.mp4")["hashed_id"] for i in range(3)]
    finishing = hook.archive_medias([media[0]])[0]["background_job_status"]["id"]
    failing = hook.archive_medias([media[1]])[0]["background_job_status"]["id"]
    emulator.jobs.script(failing, ["queued", "started", "failed"])
    emulator.configure(job_lifecycle=["queued", "failed"])  # every job the DAG starts fails
    try:
        dr = run_dag(wistia_test_jobs.dag, {"finishing": finishing, "failing": failing, "media": media[2]})
    finally:
        emulator.configure(job_lifecycle=["queued", "started", "finished"])
    states = task_states(dr)
    assert states == {
        "wait_finishing_poke": "success",
        "wait_finishing_deferrable": "success",
        "wait_failing_poke": "failed",
        "wait_failing_deferrable": "failed",
        "archive_poke": "failed",
        "archive_deferrable": "failed",
    }
    for mode in ("poke", "deferrable"):
        assert xcom(dr, f"wait_finishing_{mode}") == {"id": finishing, "status": "finished"}
    # Failed jobs are not retried (WistiaJobFailedError is an AirflowFailException), although
    # every task has retries=2.
    tries = {ti.task_id: ti.try_number for ti in dr.get_task_instances()}
    assert all(tries[t] == 1 for t in states if states[t] == "failed"), tries
    # The finishing job did its work; failed ones changed nothing.
    assert [emulator.get_media(m)["archived"] for m in media] == [True, False, False]
    archives = [r for r in emulator.requests if r.path.startswith("/v1/medias/archive")]
    assert len(archives) == 2 + 2  # the test's two, then one per operator: never re-sent
    # In poke mode too the error is WistiaJobFailedError (not the media's failure error).
    with pytest.raises(WistiaJobFailedError, match=f"job {failing} failed"):
        WistiaBackgroundJobSensor(task_id="s", job_id=str(failing)).poke({})


def test_job_failure_event_and_arguments() -> None:
    """The deferred operator turns the trigger's "failure" into WistiaJobFailedError."""
    op = WistiaArchiveMediasOperator(task_id="a", media_ids=["abc"])
    with pytest.raises(WistiaJobFailedError, match="job 7 failed"):
        op.execute_complete({}, {"status": "failure", "job": {"id": 7}, "message": "Wistia job 7 failed."})
    with pytest.raises(WistiaConfigError, match="job_id must be an integer background job id"):
        WistiaBackgroundJobTrigger("seven")
    with pytest.raises(WistiaConfigError, match="poll_interval and timeout must be positive"):
        WistiaArchiveMediasOperator(task_id="b", media_ids=["abc"], timeout=0)
    answers = [{"background_job_status": {"id": 1, "status": "queued"}}, {"id": 2, "status": "started"}]
    assert job_ids_in(answers) == [1, 2]
    finals = {1: {"id": 1, "status": "finished"}, 2: {"id": 2, "status": "finished"}}
    assert with_final_jobs(answers, finals) == [{"background_job_status": finals[1]}, finals[2]]
    trigger = WistiaBackgroundJobTrigger("12", wistia_conn_id="c", poll_interval=1, end_time=5)
    assert trigger.serialize() == (
        "airflow_provider_wistia.triggers.jobs.WistiaBackgroundJobTrigger",
        {"job_id": 12, "wistia_conn_id": "c", "poll_interval": 1.0, "end_time": 5.0},
    )


def test_trigger_watching_reads_the_job_until_it_finishes(emulator, hook, set_connection) -> None:
    """The job trigger's watching(): what a shared polling core drives it by; a 503 is transient."""
    import asyncio

    media = emulator.create_media("Clip.mp4")["hashed_id"]
    job_id = hook.archive_medias([media])[0]["background_job_status"]["id"]
    emulator.add_fault("rate_limit", method="GET", path="/background_job_status/", status=503, retry_after=0)
    set_connection(max_retries=0)  # the 503 reaches the trigger, which backs off and reads again
    trigger = WistiaBackgroundJobTrigger(job_id, poll_interval=0.01)

    async def outcomes() -> list:
        seen = []
        async with trigger.watching() as next_outcome:
            while not (seen and seen[-1] is not None and seen[-1].done):
                seen.append(await next_outcome())
        return seen

    seen = asyncio.run(outcomes())
    assert [o.value["status"] for o in seen if o is not None][-1] == "finished"
    assert emulator.get_media(media)["archived"] is True
