"""Testing a ``wistia`` connection as Airflow 3.3's UI, REST API and CLI do (README, Troubleshooting).

The UI's "Test" button posts ``port: 0`` for an empty port and the masked password; Airflow
3.3.2's API answers that 400 for every connection type. The REST API with the fields (the
token) in the body, and ``airflow connections test``, work.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from airflow import __version__ as airflow_version
from conftest import TOKEN
from packaging.version import Version

from airflow_provider_wistia.emulator import WistiaEmulator

CONN_ID = "wistia_ui"


@pytest.fixture
def stored_connection(emulator: WistiaEmulator, airflow_db: Path):
    """A connection saved in the metadata database, as the UI lists them."""
    from airflow.models.connection import Connection
    from airflow.utils.session import create_session

    with create_session() as session:
        session.add(
            Connection(
                conn_id=CONN_ID,
                conn_type="wistia",
                host=emulator.base_url,
                password=TOKEN,
                extra=json.dumps({"upload_url": emulator.upload_url, "oembed_url": emulator.oembed_url}),
            )
        )
    yield CONN_ID
    with create_session() as session:
        session.query(Connection).filter(Connection.conn_id == CONN_ID).delete()


def _api_refuses_port_zero() -> bool:
    """Whether this Airflow's API refuses the UI's ``port: 0`` against a connection without a port."""
    from airflow.api_fastapi.core_api.routes.public import connections

    same_endpoint = getattr(connections, "_same_endpoint", None)
    return same_endpoint is not None and not same_endpoint(0, None)


@pytest.mark.skipif(
    Version(airflow_version).release < (3, 2),
    reason="Airflow 3.1's REST API wants a JWT even with all-admins; the UI's 400 is a 3.3.2 matter",
)
@pytest.mark.filterwarnings("ignore:ProvidersManager.hooks is deprecated")  # Airflow's own test_connection
def test_rest_api_answers_the_ui_400_and_works_with_the_fields_in_the_body(
    stored_connection: str, emulator: WistiaEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow.api_fastapi.app import create_app
    from fastapi.testclient import TestClient

    monkeypatch.setenv("AIRFLOW__CORE__TEST_CONNECTION", "Enabled")
    monkeypatch.setenv("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS", "True")
    monkeypatch.setenv("AIRFLOW__API_AUTH__JWT_SECRET", "test-only-secret-" + "0" * 64)
    client = TestClient(create_app(apps="core"))
    url = "/api/v2/connections/test"
    as_the_ui = {
        "connection_id": stored_connection,
        "conn_type": "wistia",
        "host": emulator.base_url,
        "port": 0,  # `Number(null)` in the UI
        "password": "***",  # the UI never has the stored secret
    }
    refused = client.post(url, json=as_the_ui)
    if _api_refuses_port_zero():
        assert refused.status_code == 400 and "host or port to test differs" in refused.json()["detail"]
        assert emulator.request_count == 0  # refused before anything reached Wistia
    else:  # an Airflow before the check (3.1), or one that fixed it (apache/airflow#73298)
        assert refused.status_code == 200, refused.text
        emulator.reset()

    with_the_token = {"connection_id": stored_connection, "conn_type": "wistia", "host": emulator.base_url}
    for body in ({**with_the_token, "password": TOKEN}, {**as_the_ui, "password": TOKEN}):
        answer = client.post(url, json=body)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"status": True, "message": "Connected to Wistia account 'Emulated Account'."}
    assert [(r.method, r.path) for r in emulator.requests] == [("GET", "/v1/account.json")] * 2


def test_the_cli_tests_a_connection(stored_connection: str, emulator: WistiaEmulator) -> None:
    env = {**os.environ, "AIRFLOW__CORE__TEST_CONNECTION": "Enabled"}
    airflow = Path(sys.executable).parent / "airflow"
    result = subprocess.run(
        [str(airflow), "connections", "test", stored_connection],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert result.returncode == 0 and "Connection success!" in result.stdout, result.stdout + result.stderr
    assert [(r.method, r.path) for r in emulator.requests] == [("GET", "/v1/account.json")]
