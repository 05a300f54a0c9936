"""An asynchronous Data API client for the triggers: httpx, no thread held while waiting.

It reads the same connection through :class:`~.wistia.WistiaHook` (validation, secret
masking), applies the same retry policy and error mapping (:mod:`.policy`), and takes its
turns from the same per-connection rate limiter as every hook of the process, but waits
with ``asyncio.sleep`` (``Retry-After``, back-off, the limiter) and sends with
``httpx.AsyncClient``, so a cancelled caller leaves no request or sleep behind.

httpx is not a new dependency: Apache Airflow installs it.

:func:`shared_client` gives every trigger of one connection in one event loop the same
client (one connection pool), closed when the last user leaves.
"""

from __future__ import annotations

import asyncio
import ssl
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from tenacity import AsyncRetrying

from airflow_provider_wistia import __version__
from airflow_provider_wistia.hooks.policy import (
    TransportFault,
    acall_with_retries,
    auth_header_value,
    exception_chain,
    read_answer,
    retrying_options,
    tls_refused,
    transport_failure,
)
from airflow_provider_wistia.hooks.settings import WistiaSettings
from airflow_provider_wistia.hooks.tracks import Track
from airflow_provider_wistia.ratelimit import SlidingWindowRateLimiter, shared_limiter

USER_AGENT = f"airflow-provider-wistia/{__version__} (+httpx/{httpx.__version__})"


def _connect(conn_id: str) -> tuple[WistiaSettings, httpx.AsyncClient]:
    """The connection's settings (read through the hook) and an httpx client for them."""
    from airflow_provider_wistia.hooks.wistia import WistiaHook

    settings = WistiaHook(wistia_conn_id=conn_id).settings
    timeout = httpx.Timeout(settings.timeout, connect=min(10.0, settings.timeout))
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    return settings, httpx.AsyncClient(timeout=timeout, headers=headers, follow_redirects=False)


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

    :param wistia_conn_id: the Airflow connection of type ``wistia``.
    """

    def __init__(self, wistia_conn_id: str) -> None:
        self.wistia_conn_id = wistia_conn_id
        self._settings: WistiaSettings | None = None
        self._client: httpx.AsyncClient | None = None
        self._limiter: SlidingWindowRateLimiter | None = None
        self._auth = ""
        self._setup_lock = asyncio.Lock()
        self.requests_sent = 0

    async def _setup(self) -> tuple[WistiaSettings, httpx.AsyncClient, SlidingWindowRateLimiter]:
        async with self._setup_lock:
            if self._client is None:
                # Once, in a thread: Airflow's connection lookup is synchronous, and building the
                # client loads the CA bundle (tens of milliseconds the event loop must not wait).
                settings, self._client = await asyncio.to_thread(_connect, self.wistia_conn_id)
                self._limiter = shared_limiter(
                    settings.conn_id, settings.base_url, settings.rate_limit_per_minute
                )
                self._auth = auth_header_value(settings)
                self._settings = settings
        assert self._settings is not None and self._client is not None and self._limiter is not None
        return self._settings, self._client, self._limiter

    async def settings(self) -> WistiaSettings:
        """The connection's validated settings."""
        return (await self._setup())[0]

    async def request(
        self, method: str, path: str, *, params: dict[str, Any] | None = None, response_format: str = "json"
    ) -> Any:
        """Call an endpoint (path relative to ``/v1``) with the hook's retry policy; return the body.

        List values in ``params`` are sent as ``name[]=v`` (the hook's encoding). On a modern
        connection the call is mapped onto ``/modern`` and pinned, as the hook's (:mod:`.tracks`).
        """
        settings, client, limiter = await self._setup()
        method = method.upper()
        prepared = Track(settings.api_version).prepare(
            method, path, params=params, response_format=response_format
        )
        display, query = prepared.display, prepared.params
        url = settings.base_url + display
        headers = {"Authorization": self._auth, **prepared.headers}

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
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()


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
