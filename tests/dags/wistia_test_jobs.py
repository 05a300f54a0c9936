"""Background-job waits: the sensor in poke and deferrable mode, and failed jobs.

``conf``: ``finishing`` and ``failing`` (ids of jobs the test started; the second is scripted to
fail), ``media`` (a media to archive: the emulator is set to fail every new job).
Every task has retries, so a failure that is retried would show in ``try_number``.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG

from airflow_provider_wistia.operators import WistiaArchiveMediasOperator
from airflow_provider_wistia.sensors import WistiaBackgroundJobSensor

FAST = {"poke_interval": 0.1, "timeout": 30}

with DAG(
    dag_id="wistia_test_jobs",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    default_args={"retries": 2, "retry_delay": pendulum.duration(seconds=0)},
) as dag:
    for mode, extra in (("poke", {"mode": "poke"}), ("deferrable", {"deferrable": True})):
        WistiaBackgroundJobSensor(
            task_id=f"wait_finishing_{mode}", job_id="{{ dag_run.conf['finishing'] }}", **FAST, **extra
        )
        WistiaBackgroundJobSensor(
            task_id=f"wait_failing_{mode}", job_id="{{ dag_run.conf['failing'] }}", **FAST, **extra
        )
        WistiaArchiveMediasOperator(
            task_id=f"archive_{mode}",
            media_ids=["{{ dag_run.conf['media'] }}"],
            deferrable=mode == "deferrable",
            poll_interval=0.1,
        )
