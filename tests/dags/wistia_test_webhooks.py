"""A DAG scheduled on webhook assets of four connections (env var, secrets backend, metadata DB).

``tests/test_webhooks.py`` posts deliveries to a real API server and checks that they queue
a run of this DAG; nothing here runs a task.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG, AssetAny, task

from airflow_provider_wistia.webhooks import wistia_webhook_asset

CONN_IDS = ("wistia_webhook_env", "wistia_webhook_file", "wistia_webhook_db", "wistia_webhook_window")

with DAG(
    dag_id="wistia_test_webhook_consumer",
    schedule=AssetAny(
        *(wistia_webhook_asset("media.ready", conn_id) for conn_id in CONN_IDS),
        wistia_webhook_asset("media.failed", "wistia_webhook_env"),
    ),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
) as dag:

    @task
    def consume(triggering_asset_events=None) -> int:
        """How many webhook events the run consumed (each asset event lists a delivery's events)."""
        return sum(
            len(event.extra["events"])
            for events in (triggering_asset_events or {}).values()
            for event in events
        )

    consume()
