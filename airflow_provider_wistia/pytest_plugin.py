"""pytest fixtures for testing DAGs that use this provider, as moto's are for AWS.

Installed with the package (entry point ``pytest11``), so any test suite gets:

* ``wistia_emulator``: a running :class:`~airflow_provider_wistia.emulator.WistiaEmulator`,
  empty at the start of every test (state, faults, request log and settings reset); one
  server is shared by the whole session, so each test costs no start-up;
* ``wistia_connection``: ``AIRFLOW_CONN_WISTIA_DEFAULT`` pointing at that emulator for the
  test (its value is the connection id, ``"wistia_default"``).

::

    def test_my_dag(wistia_emulator, wistia_connection):
        my_dag.test()
        assert [p["name"] for p in wistia_emulator.list_projects()] == ["Launch"]

Override ``wistia_emulator_token`` (session scope) to choose the token the emulator accepts,
and ``wistia_connection_extra`` to add connection extras (``retry_backoff``...).

Nothing here imports Airflow, and the emulator (standard library only) is imported when a
test first asks for it: loading the plugin does not change how a suite sets Airflow up.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from airflow_provider_wistia.emulator import WistiaEmulator

DEFAULT_TOKEN = "wistia-emulator-token"
DEFAULT_CONN_ID = "wistia_default"


def emulator_connection_json(base_url: str, token: str, **extra: Any) -> str:
    """The JSON form of an Airflow ``wistia`` connection to an emulator at ``base_url``."""
    extras = {"upload_url": base_url + "/", "oembed_url": base_url + "/oembed", **extra}
    return json.dumps({"conn_type": "wistia", "host": base_url, "password": token, "extra": extras})


@pytest.fixture(scope="session")
def wistia_emulator_token() -> str:
    """The API token the emulator accepts (override to choose your own)."""
    return DEFAULT_TOKEN


@pytest.fixture(scope="session")
def wistia_emulator_server(wistia_emulator_token: str) -> Iterator[WistiaEmulator]:
    """One emulator server for the whole session (use ``wistia_emulator`` in tests)."""
    from airflow_provider_wistia.emulator import WistiaEmulator

    with WistiaEmulator(tokens=(wistia_emulator_token,)) as emulator:
        yield emulator


@pytest.fixture(scope="session")
def wistia_emulator_initial_settings(wistia_emulator_server: WistiaEmulator) -> dict[str, Any]:
    """The server's settings as it started, restored before every test."""
    settings = wistia_emulator_server.config()
    settings.pop("token_count")
    return settings


@pytest.fixture
def wistia_emulator(
    wistia_emulator_server: WistiaEmulator,
    wistia_emulator_initial_settings: dict[str, Any],
    wistia_emulator_token: str,
) -> WistiaEmulator:
    """The session's emulator, emptied for this test: no data, faults or requests; first settings."""
    emulator = wistia_emulator_server
    emulator.reset()
    emulator.configure(**wistia_emulator_initial_settings, tokens=(wistia_emulator_token,))
    return emulator


@pytest.fixture
def wistia_connection_extra() -> dict[str, Any]:
    """Extra connection settings for ``wistia_connection`` (override to add some)."""
    return {}


@pytest.fixture
def wistia_connection(
    wistia_emulator: WistiaEmulator,
    wistia_emulator_token: str,
    wistia_connection_extra: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """Point ``wistia_default`` at the emulator for this test; returns the connection id."""
    value = emulator_connection_json(
        wistia_emulator.base_url, wistia_emulator_token, **wistia_connection_extra
    )
    monkeypatch.setenv(f"AIRFLOW_CONN_{DEFAULT_CONN_ID.upper()}", value)
    return DEFAULT_CONN_ID
