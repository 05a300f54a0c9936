"""Media stats sensor DAG for tests (conf: ``plays_media``, ``loads_media``, ``media``: videos).

``plays_poke`` waits for 20 plays in poke mode, ``page_loads_deferrable`` for 30 page loads
(snake_case alias) in deferrable mode, ``unreachable`` for a million visitors (times out).
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG

from airflow_provider_wistia.sensors import WistiaMediaStatsSensor

with DAG(
    dag_id="wistia_test_sensors_stats",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
) as dag:
    WistiaMediaStatsSensor(
        task_id="plays_poke",
        media_id="{{ dag_run.conf['plays_media'] }}",
        threshold=20,
        poke_interval=0.2,
        timeout=5,
    )
    WistiaMediaStatsSensor(
        task_id="page_loads_deferrable",
        media_id="{{ dag_run.conf['loads_media'] }}",
        metric="page_loads",
        threshold=30,
        deferrable=True,
        poke_interval=0.2,
        timeout=5,
    )
    WistiaMediaStatsSensor(
        task_id="unreachable",
        media_id="{{ dag_run.conf['media'] }}",
        metric="visitors",
        threshold=10**6,
        poke_interval=0.2,
        timeout=0.6,
    )
