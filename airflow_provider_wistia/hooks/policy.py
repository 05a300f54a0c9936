"""The retry policy and error mapping of the Wistia client, as pure functions.

Shared by the synchronous :class:`~.wistia.WistiaHook` (requests) and the asynchronous
:class:`~.async_client.WistiaAsyncClient` (httpx, used by the triggers), so both decide
the same way which answers are retried, how long to wait, which error to raise and how a
body is decoded. Nothing here sends a request or sleeps.

The rules:

* 429 was refused without being applied: always retried, waiting its ``Retry-After``.
* 503 *with* ``Retry-After`` is Wistia's (older) rate limiter: not applied, always retried.
  A 503 *without* it is an unavailable server, which may have applied a POST: retried
  only for idempotent methods.
* 500/502/504: retried for idempotent methods only (GET, HEAD, PUT, DELETE); a POST that
  may have been applied is never resent.
* Transport faults follow one table, :data:`TRANSPORT_FAULTS`: each client sorts its
  library's exception into a :class:`TransportFault` and asks :func:`transport_failure`.
  A fault that happened before the request was written (refused, connect timeout, a reset
  during the TLS handshake) is resent whatever the method; one after it (a reset, a cut
  body, a read timeout) only for idempotent methods. A TLS error and a 3xx redirect are
  not transient: never retried (a redirect is not followed: the token stays on its host).
* A DELETE resent after an attempt that may have been applied and answered 404 succeeded:
  the first attempt deleted the object. The call returns None.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import json
import logging
import random
import ssl
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from tenacity import RetryCallState, retry_if_exception_type, stop_after_attempt

from airflow_provider_wistia.exceptions import (
    WistiaAuthError,
    WistiaConfigError,
    WistiaError,
    WistiaServerError,
    describe_error_body,
    error_for_status,
)
from airflow_provider_wistia.hooks.settings import WistiaSettings

MAX_RETRY_AFTER_SECONDS = 900.0
MAX_BACKOFF_SECONDS = 60.0
# 5xx after which the request may have been applied: resent for idempotent methods only.
MAY_HAVE_APPLIED_STATUSES = frozenset({500, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})
NOT_RETRIED_NOTE = " (not retried: the {method} may have been applied by Wistia)"

log = logging.getLogger("airflow_provider_wistia.hooks.wistia")


class Retryable(Exception):
    """An attempt failed in a way worth another try.

    :param error: the error raised if no attempt is left.
    :param retry_after: seconds the server asked to wait, if it said.
    :param may_have_applied: the server may have applied the request (a resent DELETE
        answered 404 then means it succeeded).
    """

    def __init__(
        self, error: WistiaError, retry_after: float | None = None, *, may_have_applied: bool = False
    ) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after
        self.may_have_applied = may_have_applied


class AlreadyDeleted(Exception):
    """A resent DELETE was answered 404: the earlier attempt deleted the object."""


def is_idempotent(method: str) -> bool:
    return method.upper() in IDEMPOTENT_METHODS


def resend_with_new_credentials(exc: BaseException, credentials_changed: bool) -> bool:
    """Send a request refused with 401/403 once more? Only when the connection, read again,
    carries other credentials (a rotated token): Wistia applied nothing it refused, so any
    method may be resent; with the same credentials the refusal stands."""
    return isinstance(exc, WistiaAuthError) and credentials_changed


# ---------------------------------------------------------------------- building requests
def auth_header_value(settings: WistiaSettings) -> str:
    """The ``Authorization`` header: Bearer, or HTTP Basic ``api:<token>`` for old accounts."""
    if settings.auth_type == "basic":
        return "Basic " + base64.b64encode(f"api:{settings.token}".encode()).decode("ascii")
    return f"Bearer {settings.token}"


def endpoint_path(path: str, response_format: str) -> str:
    """``/v1/<endpoint>.<format>`` for a path relative to ``/v1`` (``/v1/`` and extensions accepted)."""
    if response_format not in ("json", "xml"):
        raise WistiaConfigError(f"response_format must be 'json' or 'xml', got {response_format!r}.")
    rel = path.strip().lstrip("/")
    rel = rel[3:] if rel.startswith("v1/") else rel
    for ext in (".json", ".xml"):
        rel = rel[: -len(ext)] if rel.endswith(ext) else rel
    if not rel:
        raise WistiaConfigError(f"path {path!r} names no endpoint.")
    return f"/v1/{rel}.{response_format}"


# ---------------------------------------------------------------------- waiting
def retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta seconds or an HTTP date); None if absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
        return max(0.0, (when - dt.datetime.now(when.tzinfo)).total_seconds())
    except (TypeError, ValueError):
        return None


def retry_wait(retry_after: float | None, retry_backoff: float, attempt_number: int) -> float:
    """Seconds before the next attempt: the server's ``Retry-After`` (capped), else jittered doubling."""
    if retry_after is not None:
        return min(retry_after, MAX_RETRY_AFTER_SECONDS)
    base = retry_backoff * (2 ** (attempt_number - 1))
    return min(MAX_BACKOFF_SECONDS, base / 2 + random.uniform(0, base / 2))


def retrying_options(settings: WistiaSettings) -> dict[str, Any]:
    """Keyword arguments for tenacity's ``Retrying`` (sync hook) or ``AsyncRetrying`` (async client)."""

    def wait(retry_state: RetryCallState) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        retry_after = exc.retry_after if isinstance(exc, Retryable) else None
        return retry_wait(retry_after, settings.retry_backoff, retry_state.attempt_number)

    def before_sleep(retry_state: RetryCallState) -> None:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        pause = retry_state.next_action.sleep if retry_state.next_action else 0.0
        total = settings.max_retries + 1
        log.warning(
            "%s; retrying in %.1f s (attempt %d of %d)", exc, pause, retry_state.attempt_number + 1, total
        )

    return {
        "stop": stop_after_attempt(settings.max_retries + 1),
        "wait": wait,
        "retry": retry_if_exception_type(Retryable),
        "before_sleep": before_sleep,
        "reraise": True,
    }


# ---------------------------------------------------------------------- answers
def check_status(
    *,
    status: int,
    method: str,
    display: str,
    content: bytes,
    content_type: str | None,
    retry_after_header: str | None,
    resent_after_possible_apply: bool = False,
    location_header: str | None = None,
) -> None:
    """Raise the typed error (or :class:`Retryable`) for an error status; return for 2xx.

    A 3xx is the :data:`TRANSPORT_FAULTS` ``REDIRECT``: never followed, never retried.

    Raises :class:`AlreadyDeleted` for a 404 to a DELETE resent after an attempt that may
    have been applied.
    """
    if 300 <= status < 400:
        redirect = transport_failure(
            method, display, TransportFault.REDIRECT, redirect_cause(status, location_header)
        )
        if isinstance(redirect, WistiaError):
            redirect.status_code = status  # type: ignore[assignment]
        raise redirect
    if status < 400:
        return
    if status == 404 and method == "DELETE" and resent_after_possible_apply:
        raise AlreadyDeleted(f"Wistia API DELETE {display}")
    idempotent = is_idempotent(method)
    detail = describe_error_body(content, content_type)
    error = error_for_status(status, method, display, detail)
    retry_after = retry_after_seconds(retry_after_header)
    if status == 429 or (status == 503 and retry_after is not None):
        raise Retryable(error, retry_after)
    if status in MAY_HAVE_APPLIED_STATUSES and idempotent:
        raise Retryable(error, may_have_applied=True)
    if status >= 500 and not idempotent:
        error.args = (f"{error}{NOT_RETRIED_NOTE.format(method=method)}",)
    raise error


def decode_body(
    *, status: int, content: bytes, content_type: str | None, method: str, display: str, response_format: str
) -> Any:
    """The decoded body of a successful answer: JSON, text (``xml``), or None when empty."""
    if response_format != "json":
        return content.decode("utf-8", errors="replace")
    if not content.strip():
        return None
    try:
        return json.loads(content)
    except ValueError:
        detail = describe_error_body(content, content_type)
        error = WistiaServerError(
            f"Wistia API {method} {display} answered HTTP {status} with a non-JSON body: {detail}",
            status_code=status,
            method=method,
            path=display,
            detail=detail,
        )
        if is_idempotent(method):
            raise Retryable(error) from None
        raise error from None


class TransportFault(enum.Enum):
    """A failure below HTTP (or an answer the clients never accept), named the same for both libraries."""

    REFUSED = "refused"  # the TCP connection was refused (or the host unreachable)
    CONNECT_TIMEOUT = "connect_timeout"  # no connection within the connect timeout
    RESET_BEFORE_SEND = "reset_before_send"  # dropped while connecting (TLS handshake)
    RESET_AFTER_SEND = "reset_after_send"  # dropped after the request was written, before an answer
    TRUNCATED_BODY = "truncated_body"  # the answer's body was cut short
    READ_TIMEOUT = "read_timeout"  # no (complete) answer within the read timeout
    TLS_ERROR = "tls_error"  # TLS refused the peer: certificate, or not TLS at all
    REDIRECT = "redirect"  # a 3xx answer: not followed


@dataclass(frozen=True)
class FaultRule:
    """How a transport fault is treated.

    :param reached_server: the request may have reached the server (and been applied).
    :param transient: another attempt may succeed.
    :param says: how the error message describes it.
    """

    reached_server: bool
    transient: bool
    says: str


TRANSPORT_FAULTS: Mapping[TransportFault, FaultRule] = MappingProxyType(
    {
        TransportFault.REFUSED: FaultRule(False, True, "could not connect"),
        TransportFault.CONNECT_TIMEOUT: FaultRule(False, True, "timed out connecting"),
        TransportFault.RESET_BEFORE_SEND: FaultRule(False, True, "lost its connection before sending"),
        TransportFault.RESET_AFTER_SEND: FaultRule(True, True, "lost its connection before an answer"),
        TransportFault.TRUNCATED_BODY: FaultRule(True, True, "got an answer cut short"),
        TransportFault.READ_TIMEOUT: FaultRule(True, True, "timed out"),
        TransportFault.TLS_ERROR: FaultRule(
            False, False, "failed TLS (check the connection's host; not retried)"
        ),
        TransportFault.REDIRECT: FaultRule(
            True, False, "was redirected (not followed: check the connection's host; not retried)"
        ),
    }
)


def fault_is_retried(fault: TransportFault, method: str) -> bool:
    """Whether ``fault`` is worth another attempt of ``method``: transient, and either it
    surely never reached the server or the method is idempotent."""
    rule = TRANSPORT_FAULTS[fault]
    return rule.transient and (not rule.reached_server or is_idempotent(method))


def transport_failure(method: str, display: str, fault: TransportFault, cause: str) -> Exception:
    """The exception for a transport fault: :class:`Retryable` if the table retries it for
    ``method``, else the final :class:`WistiaServerError` (``cause``: what the library said,
    e.g. its exception's class name; never a URL with a query)."""
    rule = TRANSPORT_FAULTS[fault]
    retried = fault_is_retried(fault, method)
    note = NOT_RETRIED_NOTE.format(method=method) if rule.transient and not retried else ""
    error = WistiaServerError(
        f"Wistia API {method} {display} {rule.says}: {cause}{note}", method=method, path=display
    )
    return Retryable(error, may_have_applied=rule.reached_server) if retried else error


def exception_chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and every exception behind it (causes, contexts, wrapped ``args``/``reason``),
    each once: what a client inspects to name a library's transport error."""
    seen: set[int] = set()
    stack: list[Any] = [exc]
    while stack:
        item = stack.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        stack.extend((item.__cause__, item.__context__, getattr(item, "reason", None), *item.args))


# ssl errors that say the connection dropped (or would block), not that TLS refused the peer.
_SSL_DROPS = (
    ssl.SSLEOFError,
    ssl.SSLZeroReturnError,
    ssl.SSLSyscallError,
    ssl.SSLWantReadError,
    ssl.SSLWantWriteError,
)


def tls_refused(chain: list[BaseException]) -> bool:
    """Whether an ``ssl`` error in ``chain`` refused the peer (a certificate, or not TLS at all)."""
    return any(isinstance(e, ssl.SSLError) and not isinstance(e, _SSL_DROPS) for e in chain)


def redirect_cause(status: int, location: str | None) -> str:
    """``HTTP 302 to https://host/path`` (the target's query, which may carry secrets, left out)."""
    if not location:
        return f"HTTP {status}"
    parts = urlsplit(location)
    return f"HTTP {status} to {parts.scheme + '://' if parts.scheme else ''}{parts.netloc}{parts.path}"


class _Resends:
    """What one logical call learned from its failed attempts (shared by the sync and async loops)."""

    def __init__(self) -> None:
        self.maybe_applied = False  # an earlier attempt may have been applied by the server

    def failed(self, exc: Retryable) -> Retryable:
        self.maybe_applied = self.maybe_applied or exc.may_have_applied
        return exc

    @staticmethod
    def outcome(exc: Exception) -> None:
        """End a call that raised: an exhausted retry raises its error; a resent DELETE's 404 is None."""
        if isinstance(exc, AlreadyDeleted):
            log.info("%s answered 404 after a resend: the first attempt deleted it.", exc)
            return None
        raise exc.error if isinstance(exc, Retryable) else exc


def call_with_retries(attempt: Callable[[bool], Any], retrying: Any) -> Any:
    """Run ``attempt(resent_after_possible_apply)`` under a tenacity ``Retrying``; return its result.

    Turns an exhausted :class:`Retryable` into its error and :class:`AlreadyDeleted` into None.
    """
    resends = _Resends()
    try:
        for try_ in retrying:
            with try_:
                try:
                    return attempt(resends.maybe_applied)
                except Retryable as exc:
                    raise resends.failed(exc) from None
    except (Retryable, AlreadyDeleted) as exc:
        return resends.outcome(exc)
    raise AssertionError("unreachable")  # pragma: no cover


async def acall_with_retries(attempt: Callable[[bool], Awaitable[Any]], retrying: Any) -> Any:
    """:func:`call_with_retries` for a coroutine ``attempt`` under tenacity's ``AsyncRetrying``."""
    resends = _Resends()
    try:
        async for try_ in retrying:
            with try_:
                try:
                    return await attempt(resends.maybe_applied)
                except Retryable as exc:
                    raise resends.failed(exc) from None
    except (Retryable, AlreadyDeleted) as exc:
        return resends.outcome(exc)
    raise AssertionError("unreachable")  # pragma: no cover


def read_answer(
    response: Any, method: str, display: str, response_format: str, resent_after_possible_apply: bool
) -> Any:
    """The decoded body of a ``requests`` or ``httpx`` response, or its typed error.

    Both libraries' responses have ``status_code``, ``content`` and ``headers``; see
    :func:`check_status` and :func:`decode_body`.
    """
    status, content, headers = response.status_code, response.content, response.headers
    content_type = headers.get("Content-Type")
    check_status(
        status=status,
        method=method,
        display=display,
        content=content,
        content_type=content_type,
        retry_after_header=headers.get("Retry-After"),
        resent_after_possible_apply=resent_after_possible_apply,
        location_header=headers.get("Location"),
    )
    return decode_body(
        status=status,
        content=content,
        content_type=content_type,
        method=method,
        display=display,
        response_format=response_format,
    )
