"""Media status sensor DAGs for tests: one per mode, each with four scenarios.

Run with ``conf={"ready": <id>, "failed": <id>, "never": <id>, "never_soft": <id>,
"bad_auth_soft": <id>}``: a media that becomes ready, one that fails, two that never
finish (one with ``soft_fail``), and a read through a connection with a wrong token.
Intervals and timeouts are tiny to keep the tests fast.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG

from airflow_provider_wistia.sensors import WistiaMediaStatusSensor

SCENARIOS = {
    "ready": {},
    "failed": {},
    "never": {},
    "never_soft": {"soft_fail": True},
    # a wrong token is a broken setup: it must fail even with soft_fail
    "bad_auth_soft": {"soft_fail": True, "wistia_conn_id": "wistia_test_bad_token"},
}
MODES = {
    "poke": {"mode": "poke"},
    "reschedule": {"mode": "reschedule"},
    "deferrable": {"deferrable": True},
}


def build(mode: str) -> DAG:
    with DAG(
        dag_id=f"wistia_test_sensors_status_{mode}",
        schedule=None,
        start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
        catchup=False,
    ) as dag:
        for name, extra in SCENARIOS.items():
            WistiaMediaStatusSensor(
                task_id=f"wait_{name}",
                media_id=f"{{{{ dag_run.conf['{name}'] }}}}",
                poke_interval=0.2,
                timeout=1.0,
                **MODES[mode],
                **extra,
            )
    return dag


poke_dag = build("poke")
reschedule_dag = build("reschedule")
deferrable_dag = build("deferrable")
