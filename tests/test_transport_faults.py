"""One transport-fault table for both clients: the sync hook (requests) and the triggers' async
client (httpx) meet the same real faults and make the same decision with the same attempt count.

Faults come from the emulator's fault injection (a reset after the request, a body cut short,
a slow answer, a redirect) or from a raw-socket server (a refused connect, a reset in the TLS
handshake, a peer that does not speak TLS). Attempts are counted where they land: the
emulator's injected-fault counter, the raw server's accepted connections, or, for a refused
connect that reaches no server at all, the client's own request counter.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.emulator.raw_faults import RawFaultServer
from airflow_provider_wistia.exceptions import WistiaServerError

MAX_RETRIES = 2
READ_TIMEOUT = 0.4

# fault -> (attempts of a GET, attempts of a POST, what the final error says). Written out here,
# not read from the policy: this is the decision the README promises.
EXPECTED: dict[str, tuple[int, int, str]] = {
    "refused": (3, 3, "could not connect"),
    "reset_before_send": (3, 3, "lost its connection before sending"),
    "reset_after_send": (3, 1, "lost its connection before an answer"),
    "truncated_body": (3, 1, "got an answer cut short"),
    "read_timeout": (3, 1, "timed out"),
    "tls_error": (1, 1, "failed TLS"),
    "redirect": (1, 1, "was redirected"),
}
RAW_MODES = {"refused": "refused", "reset_before_send": "reset_handshake", "tls_error": "not_tls"}
EMULATOR_FAULTS: dict[str, dict[str, Any]] = {
    "reset_after_send": {"kind": "reset_after"},
    "truncated_body": {"kind": "truncate"},
    "read_timeout": {"kind": "slow", "delay": READ_TIMEOUT + 0.6},
    "redirect": {"kind": "redirect", "status": 302},
}


def _sync_call(method: str) -> tuple[Callable[[], Any], Callable[[], int]]:
    from airflow_provider_wistia.hooks.wistia import WistiaHook

    hook = WistiaHook()
    if method == "GET":
        return (lambda: hook.request("GET", "projects")), (lambda: hook.requests_sent)
    return (lambda: hook.request("POST", "projects", data={"name": "fault"})), (lambda: hook.requests_sent)


def _async_call(method: str) -> tuple[Callable[[], Any], Callable[[], int]]:
    from airflow_provider_wistia.hooks.async_client import WistiaAsyncClient

    client = WistiaAsyncClient("wistia_default")
    params = {"name": "fault"} if method == "POST" else None

    async def call() -> Any:
        try:
            return await client.request(method, "projects", params=params)
        finally:
            await client.aclose()

    return (lambda: asyncio.run(call())), (lambda: client.requests_sent)


CLIENTS = {"sync hook": _sync_call, "async client": _async_call}


@contextmanager
def _fault(fault: str, emulator: WistiaEmulator, set_connection: Any) -> Iterator[Callable[[], int]]:
    """Arm ``fault`` for every attempt; yield how to count the attempts that met it."""
    extras = {"max_retries": MAX_RETRIES, "retry_backoff": 0, "timeout": READ_TIMEOUT}
    if fault in RAW_MODES:
        with RawFaultServer(RAW_MODES[fault]) as server:
            set_connection(host=server.base_url, **extras)
            yield lambda: server.connections
        return
    set_connection(**extras)
    spec = dict(EMULATOR_FAULTS[fault])
    kind = spec["kind"]
    emulator.add_fault(**spec, path=r"^/v1/projects", times=10)
    yield lambda: emulator.faults_injected.get(kind, 0)
    # Every attempt is in the request log too, once the server is done with it (a slow answer
    # is logged when it is sent, after the client gave up).
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and len(_logged(emulator)) < emulator.faults_injected.get(kind, 0):
        time.sleep(0.02)
    assert len(_logged(emulator)) == emulator.faults_injected.get(kind, 0)


def _logged(emulator: WistiaEmulator) -> list[Any]:
    return [r for r in emulator.requests if r.path == "/v1/projects.json"]


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fault", list(EXPECTED))
@pytest.mark.parametrize("client", list(CLIENTS))
def test_both_clients_decide_alike(
    client: str, fault: str, method: str, emulator: WistiaEmulator, set_connection: Any
) -> None:
    get_attempts, post_attempts, says = EXPECTED[fault]
    expected = get_attempts if method == "GET" else post_attempts
    with _fault(fault, emulator, set_connection) as attempts_met:
        call, requests_sent = CLIENTS[client](method)
        with pytest.raises(WistiaServerError) as caught:
            call()
        counted = requests_sent() if fault == "refused" else attempts_met()
    assert (counted, requests_sent()) == (expected, expected), f"{client}: {caught.value}"
    assert says in str(caught.value)
    assert f"{method} /v1/projects.json" in str(caught.value)
    if method == "POST" and fault in EMULATOR_FAULTS:
        applied = 1 if EMULATOR_FAULTS[fault]["kind"] != "redirect" else 0
        assert len(emulator.list_projects()) == applied  # a write is never repeated


@pytest.mark.parametrize("client", list(CLIENTS))
def test_a_get_cut_mid_body_is_retried_and_succeeds(
    client: str, emulator: WistiaEmulator, set_connection: Any
) -> None:
    """The issue's case: requests' ChunkedEncodingError (and httpx's RemoteProtocolError) on a GET."""
    set_connection(max_retries=3, retry_backoff=0)
    emulator.create_project(name="Launch")
    emulator.add_fault("truncate", method="GET", path=r"^/v1/projects", times=1)
    call, requests_sent = CLIENTS[client]("GET")
    assert [p["name"] for p in call()] == ["Launch"]
    assert requests_sent() == 2
    statuses = [r.status for r in emulator.requests if r.path == "/v1/projects.json"]
    assert statuses == [200, 200]  # the first answer was sent (cut short), the second whole
