"""New-media sensor DAG for tests.

Conf: ``project`` (hashed id), ``since`` (ISO-8601), ``known`` (list of hashed ids) and
``empty_project`` (a project that stays empty). Tasks: explicit ``since`` (poke), the
run's data interval as default ``since`` (deferrable), known ids rendered from a template
(reschedule), and one that never sees new media (``soft_fail``: skipped).
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG

from airflow_provider_wistia.sensors import WistiaNewMediaSensor

with DAG(
    dag_id="wistia_test_sensors_new_media",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
) as dag:
    common = {"project_id": "{{ dag_run.conf['project'] }}", "poke_interval": 0.2, "timeout": 5}
    WistiaNewMediaSensor(task_id="since_poke", since="{{ dag_run.conf['since'] }}", **common)
    WistiaNewMediaSensor(task_id="default_since_deferrable", deferrable=True, **common)
    WistiaNewMediaSensor(
        task_id="known_reschedule", known_media_ids="{{ dag_run.conf['known'] }}", mode="reschedule", **common
    )
    WistiaNewMediaSensor(
        task_id="nothing_new_soft",
        project_id="{{ dag_run.conf['empty_project'] }}",
        poke_interval=0.2,
        timeout=0.8,
        soft_fail=True,
    )
