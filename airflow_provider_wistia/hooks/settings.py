"""Turn an Airflow connection into validated Wistia client settings.

Kept apart from the hook so that every rule about the connection (which host is
allowed, which extras exist and their defaults) is in one small place, checked
before any request is sent.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from airflow_provider_wistia.exceptions import WistiaConfigError

DEFAULT_API_URL = "https://api.wistia.com"
DEFAULT_UPLOAD_URL = "https://upload.wistia.com/"
DEFAULT_OEMBED_URL = "https://fast.wistia.com/oembed"
AUTH_TYPES = ("bearer", "basic")
DEFAULT_WEBHOOK_MAX_AGE = 604800  # seconds (7 days): the webhook receiver's replay window
MAX_WEBHOOK_MAX_AGE = 10 * 365 * 86400


@dataclass(frozen=True)
class WistiaSettings:
    """Everything the hook needs to talk to Wistia, already validated."""

    conn_id: str
    token: str
    base_url: str
    upload_url: str
    oembed_url: str
    auth_type: str = "bearer"
    rate_limit_per_minute: int = 600
    timeout: float = 30.0
    upload_timeout: float = 3600.0
    max_retries: int = 5
    retry_backoff: float = 1.0
    method_override: bool = False
    api_version: str = "v1"

    def __repr__(self) -> str:  # never show the token, even in a debugger or a log line
        return (
            f"WistiaSettings(conn_id={self.conn_id!r}, base_url={self.base_url!r}, "
            f"auth_type={self.auth_type!r}, rate_limit_per_minute={self.rate_limit_per_minute}, "
            f"api_version={self.api_version!r})"
        )


def is_loopback_host(hostname: str | None) -> bool:
    """True for localhost and any address in 127.0.0.0/8 or ::1."""
    if not hostname:
        return False
    if hostname.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(hostname.strip("[]")).is_loopback
    except ValueError:
        return False


def normalize_url(field: str, value: str, conn_id: str, *, default_scheme: str = "https") -> str:
    """Validate a URL that will carry the token: https, or http only on loopback."""
    raw = value.strip()
    if "://" not in raw:
        raw = f"{default_scheme}://{raw}"
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WistiaConfigError(f"Connection {conn_id!r}: {field} {value!r} is not an http(s) URL.")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise WistiaConfigError(
            f"Connection {conn_id!r}: {field} {value!r} uses plain http to a non-loopback host; "
            "the API token must never travel unencrypted. Use https:// (plain http is allowed only "
            "for 127.0.0.0/8, localhost or ::1, e.g. the bundled emulator)."
        )
    return raw.rstrip("/")


def _as_bool(field: str, value: Any, conn_id: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise WistiaConfigError(f"Connection {conn_id!r}: extra {field} must be true or false, got {value!r}.")


def _as_number(field: str, value: Any, conn_id: str, *, integer: bool, minimum: float) -> Any:
    try:
        number = int(value) if integer else float(value)
    except (TypeError, ValueError):
        kind = "an integer" if integer else "a number"
        raise WistiaConfigError(
            f"Connection {conn_id!r}: extra {field} must be {kind}, got {value!r}."
        ) from None
    if number < minimum:
        raise WistiaConfigError(f"Connection {conn_id!r}: extra {field} must be >= {minimum}, got {value!r}.")
    return number


def settings_from_connection(
    conn_id: str, *, host: str | None, port: int | None, password: str | None, extra: dict[str, Any]
) -> WistiaSettings:
    """Build settings from the parts of an Airflow connection, refusing anything unsafe or unknown."""
    from airflow_provider_wistia.hooks.tracks import parse_api_version  # tracks imports policy, policy us

    token = (password or "").strip()
    if not token:
        raise WistiaConfigError(
            f"Connection {conn_id!r} has no API token: put the Wistia API token in the connection's "
            "password field (labelled 'API token')."
        )
    base = (host or "").strip() or DEFAULT_API_URL
    if port and "://" in base and urlsplit(base).port is None:
        base = f"{base.rstrip('/')}:{port}"
    base_url = normalize_url("host", base, conn_id)
    for track_root in ("/v1", "/modern"):  # the track comes from api_version, not from the host
        if base_url.endswith(track_root):
            base_url = base_url[: -len(track_root)]
    auth_type = str(extra.get("auth_type") or "bearer").strip().lower()
    if auth_type not in AUTH_TYPES:
        raise WistiaConfigError(
            f"Connection {conn_id!r}: extra auth_type {extra.get('auth_type')!r} is not supported; "
            f"use one of {', '.join(AUTH_TYPES)}."
        )
    return WistiaSettings(
        conn_id=conn_id,
        token=token,
        base_url=base_url,
        upload_url=normalize_url("upload_url", str(extra.get("upload_url") or DEFAULT_UPLOAD_URL), conn_id)
        + "/",
        oembed_url=normalize_url("oembed_url", str(extra.get("oembed_url") or DEFAULT_OEMBED_URL), conn_id),
        auth_type=auth_type,
        rate_limit_per_minute=_as_number(
            "rate_limit_per_minute", extra.get("rate_limit_per_minute", 600), conn_id, integer=True, minimum=1
        ),
        timeout=_as_number("timeout", extra.get("timeout", 30), conn_id, integer=False, minimum=0.001),
        upload_timeout=_as_number(
            "upload_timeout", extra.get("upload_timeout", 3600), conn_id, integer=False, minimum=0.001
        ),
        max_retries=_as_number("max_retries", extra.get("max_retries", 5), conn_id, integer=True, minimum=0),
        retry_backoff=_as_number(
            "retry_backoff", extra.get("retry_backoff", 1.0), conn_id, integer=False, minimum=0
        ),
        method_override=_as_bool("method_override", extra.get("method_override", False), conn_id),
        api_version=parse_api_version(extra.get("api_version"), conn_id),
    )


def webhook_secrets_from_extra(extra: dict[str, Any]) -> tuple[str, ...]:
    """The connection's webhook secrets: extra ``webhook_secret``, one secret or a comma-separated
    list (two during a rotation). Empty when the connection receives no webhooks."""
    raw = extra.get("webhook_secret")
    if raw is None:
        return ()
    values = raw if isinstance(raw, list) else str(raw).split(",")
    return tuple(dict.fromkeys(s for s in (str(v).strip() for v in values) if s))


def webhook_max_age_from_extra(extra: dict[str, Any], conn_id: str) -> int:
    """Extra ``webhook_max_age``: seconds an event's ``generated_at`` may lie in the past and
    still be recorded, and how long its receipt is kept (default 7 days)."""
    value = extra.get("webhook_max_age")
    if value is None or value == "":
        return DEFAULT_WEBHOOK_MAX_AGE
    max_age = int(_as_number("webhook_max_age", value, conn_id, integer=True, minimum=1))
    if max_age > MAX_WEBHOOK_MAX_AGE:
        raise WistiaConfigError(
            f"Connection {conn_id!r}: extra webhook_max_age must be <= {MAX_WEBHOOK_MAX_AGE} "
            f"(10 years), got {value!r}."
        )
    return max_age


def settings_of_connection(conn_id: str, conn: Any) -> WistiaSettings:
    """Settings from an Airflow connection object (however it was looked up), its token masked
    in every log from now on."""
    settings = settings_from_connection(
        conn_id, host=conn.host, port=conn.port, password=conn.password, extra=conn.extra_dejson
    )
    try:
        from airflow.sdk.log import mask_secret
    except ImportError:  # pragma: no cover - very old task SDKs
        return settings
    mask_secret(settings.token)
    return settings
