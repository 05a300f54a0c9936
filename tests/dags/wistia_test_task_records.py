"""Issue 18: what a background job's task keeps across tries, and when it ends (the upload's
DAGs are ``wistia_test_live_upload_<worker|variable>`` in :mod:`wistia_test_live_account`).

``wistia_test_record_trim_<worker|deferred|variable>`` and ``wistia_test_record_move_<...>``: a
trim of ``conf["media_id"]`` and a move of ``conf["media_ids"]`` into ``conf["project_id"]``, one
immediate retry, waiting up to 30 s (``_timeout``: 1 s). ``_variable`` runs in the worker
without a task state store, as on Airflow < 3.3 (the record is then a Variable).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import DAG

from airflow_provider_wistia.operators import WistiaMoveMediasOperator, WistiaTrimMediaOperator

START = pendulum.datetime(2026, 1, 1, tz="UTC")
ONE_RETRY: dict[str, Any] = {"retries": 1, "retry_delay": timedelta(0)}
# As on Airflow < 3.3, which has no task state store: the record is a Variable.
WITHOUT_STATE_STORE: dict[str, Any] = {"pre_execute": lambda context: context.pop("task_state_store", None)}

DAGS: dict[str, DAG] = {}


def _dag(dag_id: str) -> DAG:
    DAGS[dag_id] = DAG(dag_id=dag_id, schedule=None, start_date=START, catchup=False)
    return DAGS[dag_id]


for mode in ("worker", "deferred", "variable"):
    for suffix, timeout in (("", 30.0), ("_timeout", 1.0)):
        waiting: dict[str, Any] = {
            "deferrable": mode == "deferred",
            "poll_interval": 0.05,
            "timeout": timeout,
            **ONE_RETRY,
            **(WITHOUT_STATE_STORE if mode == "variable" else {}),
        }
        with _dag(f"wistia_test_record_trim_{mode}{suffix}"):
            WistiaTrimMediaOperator(
                task_id="job",
                media_id="{{ dag_run.conf['media_id'] }}",
                trims=["00:00:00.000-00:00:01.000"],
                **waiting,
            )
        with _dag(f"wistia_test_record_move_{mode}{suffix}"):
            WistiaMoveMediasOperator(
                task_id="job",
                media_ids="{{ dag_run.conf['media_ids'] }}",
                project_id="{{ dag_run.conf['project_id'] }}",
                **waiting,
            )
