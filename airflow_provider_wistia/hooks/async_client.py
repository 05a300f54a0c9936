"""An asynchronous Data API client for the triggers: httpx, no thread held while waiting.

It reads the same connection as :class:`~.wistia.WistiaHook` (validation, secret masking;
looked up with the Task SDK's asynchronous lookup, never from a thread), applies the same
retry policy and error mapping (:mod:`.policy`), and takes its turns from the same
per-connection rate limiter as every hook of the process, but waits with ``asyncio.sleep``
(``Retry-After``, back-off, the limiter) and sends with ``httpx.AsyncClient``, so a cancelled
caller leaves no request or sleep behind.

httpx is not a new dependency: Apache Airflow installs it.

:func:`shared_client` gives every trigger of one connection in one event loop the same
client (one connection pool), closed when the last user leaves. The client alone decides
when the connection is read again (after a 401/403, and every five minutes): its users
never hold the settings themselves.
"""

from __future__ import annotations

import asyncio
import ssl
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import AsyncRetrying

from airflow_provider_wistia import __version__
from airflow_provider_wistia.exceptions import WistiaAuthError
from airflow_provider_wistia.hooks.policy import (
    TransportFault,
    acall_with_retries,
    auth_header_value,
    exception_chain,
    read_answer,
    resend_with_new_credentials,
    retrying_options,
    tls_refused,
    transport_failure,
)
from airflow_provider_wistia.hooks.settings import WistiaSettings, settings_of_connection
from airflow_provider_wistia.hooks.tracks import Track
from airflow_provider_wistia.ratelimit import SlidingWindowRateLimiter, shared_limiter

CONNECTION_MAX_AGE = 300.0  # seconds: a running trigger sees a rotated token at least this soon
USER_AGENT = f"airflow-provider-wistia/{__version__} (+httpx/{httpx.__version__})"


async def _connect(conn_id: str) -> WistiaSettings:
    """The connection's settings, looked up with the Task SDK's asynchronous lookup and validated
    as the hook validates them.

    Never from a thread: on Airflow 3.1 a lookup that reaches the triggerer's supervisor
    from a thread (a connection stored in the metadata database) reads the trigger runner's
    channel from a second event loop; the lookup fails and the runner stops with "Response read
    out of order!", taking every trigger of the process with it.
    """
    from airflow.sdk import BaseHook

    return settings_of_connection(conn_id, await BaseHook.aget_connection(conn_id))


def _http_client(settings: WistiaSettings) -> httpx.AsyncClient:
    timeout = httpx.Timeout(settings.timeout, connect=min(10.0, settings.timeout))
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    return httpx.AsyncClient(timeout=timeout, headers=headers, follow_redirects=False)


@dataclass(eq=False)
class _Connected:
    """One reading of the connection and the httpx client built for it.

    Requests in flight keep the reading they started with; a retired one is closed by the
    last of them, so a re-read never cuts a request short.
    """

    settings: WistiaSettings
    http: httpx.AsyncClient
    limiter: SlidingWindowRateLimiter
    auth: str
    read_at: float
    in_flight: int = 0
    retired: bool = False

    async def release(self) -> None:
        self.in_flight -= 1
        if self.retired and self.in_flight == 0:
            await self.http.aclose()

    async def retire(self) -> None:
        self.retired = True
        if self.in_flight == 0:
            await self.http.aclose()


def transport_fault(exc: httpx.TransportError, *, reading_body: bool) -> TransportFault:
    """The policy's name for an httpx transport error (``reading_body``: the answer's headers had arrived)."""
    if isinstance(exc, (httpx.ConnectTimeout, httpx.PoolTimeout)):
        return TransportFault.CONNECT_TIMEOUT
    if isinstance(exc, httpx.TimeoutException):
        return TransportFault.READ_TIMEOUT
    if reading_body:
        return TransportFault.TRUNCATED_BODY
    if not isinstance(exc, httpx.ConnectError):  # httpx raises it for anything before the request
        return TransportFault.RESET_AFTER_SEND
    chain = list(exception_chain(exc))
    if tls_refused(chain):
        return TransportFault.TLS_ERROR
    if any(isinstance(e, (ConnectionResetError, ssl.SSLEOFError)) for e in chain):
        return TransportFault.RESET_BEFORE_SEND
    return TransportFault.REFUSED


class WistiaAsyncClient:
    """Call the Data API v1 from a coroutine: ``await client.request("GET", "medias", params=...)``.

    The connection is read on first use and read again after an authentication failure
    (401/403) and at least every ``max_age`` seconds, so a rotated token or a changed
    setting applies to the next request without restarting the process.

    :param wistia_conn_id: the Airflow connection of type ``wistia``.
    :param max_age: seconds after which the connection is read again (default 300).
    """

    def __init__(self, wistia_conn_id: str, *, max_age: float | None = None) -> None:
        self.wistia_conn_id = wistia_conn_id
        self.max_age = CONNECTION_MAX_AGE if max_age is None else max_age
        self._connected: _Connected | None = None
        self._stale = False
        self._setup_lock = asyncio.Lock()
        self.requests_sent = 0
        self.connection_reads = 0

    def reconnect(self) -> None:
        """Read the connection again before the next request (e.g. after a 401)."""
        self._stale = True

    async def _setup(self) -> _Connected:
        async with self._setup_lock:
            now = asyncio.get_running_loop().time()
            old = self._connected
            if old is None or self._stale or now - old.read_at >= self.max_age:
                self.connection_reads += 1
                settings = await _connect(self.wistia_conn_id)
                self._stale = False
                if old is not None and settings == old.settings:
                    old.read_at = now  # unchanged: keep the client and its open connections
                else:
                    # In a thread: building the client loads the CA bundle (tens of milliseconds
                    # the event loop must not wait).
                    http = await asyncio.to_thread(_http_client, settings)
                    limiter = shared_limiter(
                        settings.conn_id, settings.base_url, settings.rate_limit_per_minute
                    )
                    self._connected = _Connected(settings, http, limiter, auth_header_value(settings), now)
                    if old is not None:
                        await old.retire()
            connected = self._connected
        assert connected is not None
        connected.in_flight += 1
        return connected

    async def settings(self) -> WistiaSettings:
        """The connection's validated settings."""
        connected = await self._setup()
        await connected.release()
        return connected.settings

    async def request(
        self, method: str, path: str, *, params: dict[str, Any] | None = None, response_format: str = "json"
    ) -> Any:
        """Call an endpoint (path relative to ``/v1``) with the hook's retry policy; return the body.

        List values in ``params`` are sent as ``name[]=v`` (the hook's encoding). On a modern
        connection the call is mapped onto ``/modern`` and pinned, as the hook's (:mod:`.tracks`).
        """
        connected = await self._setup()
        try:
            return await self._request(connected, method, path, params, response_format)
        except WistiaAuthError as exc:
            # A rotated token? Read the connection now; the policy decides whether to send again.
            self.reconnect()
            fresh = await self._setup()
            try:
                if not resend_with_new_credentials(exc, credentials_changed=fresh is not connected):
                    self.reconnect()  # the next request reads it again (it may be fixed by then)
                    raise
                return await self._request(fresh, method, path, params, response_format)
            finally:
                await fresh.release()
        finally:
            await connected.release()

    async def _request(
        self,
        connected: _Connected,
        method: str,
        path: str,
        params: dict[str, Any] | None,
        response_format: str,
    ) -> Any:
        settings, client, limiter = connected.settings, connected.http, connected.limiter
        method = method.upper()
        prepared = Track(settings.api_version).prepare(
            method, path, params=params, response_format=response_format
        )
        display, query = prepared.display, prepared.params
        url = settings.base_url + display
        headers = {"Authorization": connected.auth, **prepared.headers}

        async def attempt(resent_after_possible_apply: bool) -> Any:
            slot = await limiter.aacquire()
            reading_body = False
            try:
                self.requests_sent += 1
                request = client.build_request(method, url, params=query, headers=headers)
                # Streamed, so a body cut short is told apart from a connection lost before the answer.
                response = await client.send(request, stream=True)
                reading_body = True
                try:
                    await response.aread()
                finally:
                    await response.aclose()
            except httpx.TransportError as exc:
                fault = transport_fault(exc, reading_body=reading_body)
                raise transport_failure(method, display, fault, type(exc).__name__) from None
            finally:
                limiter.release(slot)
            return read_answer(response, method, display, response_format, resent_after_possible_apply)

        return await acall_with_retries(attempt, AsyncRetrying(**retrying_options(settings)))

    async def aclose(self) -> None:
        if self._connected is not None:
            connected, self._connected = self._connected, None
            await connected.retire()


_CLIENTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, tuple[WistiaAsyncClient, int]]] = (
    weakref.WeakKeyDictionary()
)


@asynccontextmanager
async def shared_client(wistia_conn_id: str) -> AsyncIterator[WistiaAsyncClient]:
    """The client of ``wistia_conn_id`` in the running event loop, shared by all its users."""
    clients = _CLIENTS.setdefault(asyncio.get_running_loop(), {})
    client, users = clients.get(wistia_conn_id, (None, 0))
    if client is None:
        client = WistiaAsyncClient(wistia_conn_id)
    clients[wistia_conn_id] = (client, users + 1)
    try:
        yield client
    finally:
        client, users = clients[wistia_conn_id]
        if users > 1:
            clients[wistia_conn_id] = (client, users - 1)
        else:
            del clients[wistia_conn_id]
            await client.aclose()
