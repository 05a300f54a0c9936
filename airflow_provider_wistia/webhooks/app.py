"""The FastAPI app the plugin mounts on the API server at ``/wistia``.

``POST /wistia/webhooks/{conn_id}`` receives Wistia's webhook deliveries. Wistia cannot
log in to Airflow, so this route has no Airflow authentication: the HMAC signature over
the raw body, keyed with the connection's ``webhook_secret``, is the only gate. Checks,
in order: body size (413), connection (404), signature (401), shape (400), replay window
(400 when every event is stale). Nothing of a payload is logged at INFO or above; refusals
log the reason only.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from airflow_provider_wistia.exceptions import WistiaConfigError
from airflow_provider_wistia.webhooks.events import MalformedDelivery, parse_delivery
from airflow_provider_wistia.webhooks.receipts import prune_after_delivery
from airflow_provider_wistia.webhooks.recorder import record_events
from airflow_provider_wistia.webhooks.signature import SIGNATURE_HEADER, verify

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024  # 1 MiB: Wistia's deliveries are a few KiB


class _Refused(Exception):
    """Answer ``status`` with a body that says no more than the status does."""

    def __init__(self, status: int, detail: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.detail = detail
        self.reason = reason


async def _read_body(request: Request) -> bytes:
    """The raw body, refusing more than ``MAX_BODY_BYTES`` however it is sent (413).

    A declared ``Content-Length`` over the limit is refused before reading anything; a
    chunked (or lying) body is refused as soon as what arrived passes the limit.
    """
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise _Refused(400, "Bad Request", "unreadable Content-Length")
        if int(declared) > MAX_BODY_BYTES:
            raise _Refused(413, "Payload Too Large", f"declared body of {int(declared)} bytes")
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > MAX_BODY_BYTES:
            raise _Refused(413, "Payload Too Large", f"body over {MAX_BODY_BYTES} bytes")
    return bytes(received)


@dataclass(frozen=True)
class ReceiverConfig:
    """What the receiver reads from connection ``conn_id``: its secrets and replay window."""

    secrets: tuple[str, ...]
    max_age: int


def _receiver_config(conn_id: str) -> ReceiverConfig | None:
    """Connection ``conn_id``'s config (env var, secrets backend or metadata DB), secrets masked.

    None if there is no such connection, it is not of type ``wistia`` or has no secret. A bad
    ``webhook_max_age`` raises :class:`WistiaConfigError` (answered 503: fix it, Wistia retries).
    """
    from airflow.exceptions import AirflowNotFoundException
    from airflow.models.connection import Connection

    from airflow_provider_wistia.hooks.settings import webhook_max_age_from_extra, webhook_secrets_from_extra

    try:
        conn = Connection.get_connection_from_secrets(conn_id)
    except AirflowNotFoundException:
        return None
    if conn.conn_type != "wistia":
        return None
    extra = conn.extra_dejson
    secrets = webhook_secrets_from_extra(extra)
    _mask(secrets)
    if not secrets:
        return None
    return ReceiverConfig(secrets, webhook_max_age_from_extra(extra, conn_id))


def _mask(secrets: tuple[str, ...]) -> None:
    """Register each secret with the API server's masker (core) and the task SDK's."""
    maskers = []
    for module in ("airflow._shared.secrets_masker", "airflow.utils.log.secrets_masker", "airflow.sdk.log"):
        try:
            maskers.append(importlib.import_module(module).mask_secret)
        except (ImportError, AttributeError):
            continue
    for mask_secret in maskers:
        for secret in secrets:
            mask_secret(secret)


def _retry_later(conn_id: str, step: str, exc: Exception) -> JSONResponse:
    """503 (Wistia retries): the connection or the database failed, not the delivery."""
    # Only the type: a database error's message may quote SQL parameters, i.e. the payload.
    # A configuration error names the extra and its value, never a secret: say it.
    reason = str(exc) if isinstance(exc, WistiaConfigError) else type(exc).__name__
    log.error("Wistia webhook on %r: %s failed (%s); Wistia will retry", conn_id, step, reason)
    log.debug("%s failed", step, exc_info=True)
    return JSONResponse({"detail": "Not recorded; retry later."}, status_code=503)


async def receive_webhook(conn_id: str, request: Request) -> JSONResponse:
    """Verify a delivery and record its events: one asset event per asset, each event once."""
    try:
        body = await _read_body(request)
        try:
            config = await run_in_threadpool(_receiver_config, conn_id)
        except Exception as exc:  # a secrets backend or the metadata database is down, a bad extra
            return _retry_later(conn_id, "the connection look-up", exc)
        if config is None:
            raise _Refused(404, "Not Found", "no wistia connection with a webhook_secret")
        if not verify(body, request.headers.get(SIGNATURE_HEADER), config.secrets):
            raise _Refused(401, "Unauthorized", "missing or wrong signature")
        try:
            events = parse_delivery(body)
        except MalformedDelivery as exc:
            raise _Refused(400, f"Not a Wistia webhook delivery: {exc}.", str(exc)) from None
    except _Refused as refused:
        log.warning("Wistia webhook on %r refused (%s): %s", conn_id, refused.status, refused.reason)
        return JSONResponse({"detail": refused.detail}, status_code=refused.status)
    try:
        outcome = await run_in_threadpool(record_events, conn_id, events, config.max_age)
    except Exception as exc:
        return _retry_later(conn_id, "recording", exc)
    await run_in_threadpool(prune_after_delivery, conn_id, config.max_age)
    log.info(
        "Wistia webhook on %r: %d recorded, %d duplicates, %d ignored, %d stale",
        conn_id,
        outcome.recorded,
        outcome.duplicates,
        outcome.ignored,
        outcome.stale,
    )
    if events and outcome.stale == len(events):
        detail = (
            f"Every event is outside the replay window (generated more than webhook_max_age="
            f"{config.max_age} s ago, or more than 5 minutes in the future)."
        )
        return JSONResponse({"detail": detail, **outcome.as_dict()}, status_code=400)
    return JSONResponse(outcome.as_dict())


def create_app() -> FastAPI:
    """The webhook receiver (no OpenAPI pages: nothing here is for browsing)."""
    app = FastAPI(title="Wistia webhooks", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_api_route("/webhooks/{conn_id}", receive_webhook, methods=["POST"])
    return app
