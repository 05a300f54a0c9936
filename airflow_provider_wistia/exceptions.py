"""Typed errors for the Wistia provider.

Every error Wistia answers with becomes one of these, so a DAG author can catch
``WistiaNotFoundError`` rather than parse status codes.  Messages carry the HTTP
method, the path, the status and Wistia's own error text, and never the API token
(the hook only ever puts the token in the ``Authorization`` header).
"""

from __future__ import annotations

import json
from typing import Any

from airflow_provider_wistia._compat import AirflowException, AirflowFailException

_MAX_DETAIL_CHARS = 500


class WistiaError(AirflowException):
    """Base class of every error raised by the Wistia provider."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        method: str | None = None,
        path: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code  # type: ignore[assignment]  # Airflow types it HTTPStatus
        self.method = method
        self.path = path
        self.detail = detail


class WistiaConfigError(WistiaError, ValueError):
    """The connection or an argument is unusable; raised before any request is sent."""


class WistiaAuthError(WistiaError):
    """401 or 403: the token is wrong, revoked or lacks the permission."""


class WistiaNotFoundError(WistiaError):
    """404: the project, media or sharing does not exist (or is not in this account)."""


class WistiaClientError(WistiaError):
    """Any other 4xx: Wistia refused the request as invalid."""


class WistiaRateLimitError(WistiaError):
    """429 or 503 still refused after every retry honouring ``Retry-After``."""


class WistiaServerError(WistiaError):
    """5xx, an unreadable response, or a failure after which a write may have happened."""


class WistiaPartialError(WistiaError):
    """A bulk request Wistia accepted only in part (HTTP 207): ``partial_errors`` lists the ids it
    refused, ``responses`` every answer received (their jobs were started for the other ids)."""

    def __init__(
        self, message: str, *, partial_errors: list[dict[str, Any]], responses: list[dict[str, Any]]
    ) -> None:
        super().__init__(message, status_code=207)
        self.partial_errors = partial_errors
        self.responses = responses


class WistiaMediaFailedError(WistiaError, AirflowFailException):
    """A media reached a failure status (Wistia could not process it): fail at once, no retries."""


class WistiaJobFailedError(WistiaError, AirflowFailException):
    """A background job (archive, restore, move, swap, trim...) ended ``failed``: fail at once, no retries."""


def describe_error_body(body: bytes | str | None, content_type: str | None = None) -> str:
    """Return Wistia's error text from any response body, never raising.

    Wistia answers errors as ``{"error": "..."}``, ``{"error": {"code", "detail"}}``,
    ``{"errors": {...}}``, a JSON list of strings, plain text, HTML or nothing at all.
    """
    try:
        text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else (body or "")
        text = text.strip()
        if not text:
            return "(empty response body)"
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if parsed is not None:
            return _truncate(_describe_json(parsed))
        if "html" in (content_type or "").lower() or text.lstrip().startswith("<"):
            return _truncate("non-JSON (HTML) response: " + " ".join(text.split()))
        return _truncate(" ".join(text.split()))
    except Exception:  # the parser must never be the thing that fails
        return "(unreadable response body)"


def _describe_json(parsed: Any) -> str:
    if isinstance(parsed, dict):
        if "code" in parsed and "detail" in parsed:
            return f"{parsed['code']}: {_describe_json(parsed['detail'])}"
        for key in ("error", "errors", "message", "detail"):
            if key in parsed:
                return _describe_json(parsed[key])
        return json.dumps(parsed, sort_keys=True, default=str)
    if isinstance(parsed, list):
        return "; ".join(_describe_json(item) for item in parsed) or "(empty error list)"
    return str(parsed)


def _truncate(text: str) -> str:
    # Control characters (NUL, ESC sequences...) from a body would reach the task log raw: escape them.
    clipped = text[:_MAX_DETAIL_CHARS]
    readable = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in clipped)
    if len(text) > _MAX_DETAIL_CHARS or len(readable) > _MAX_DETAIL_CHARS:
        return readable[: _MAX_DETAIL_CHARS - 3] + "..."
    return readable


def error_for_status(status_code: int, method: str, path: str, detail: str) -> WistiaError:
    """Build the typed exception for an HTTP error answer."""
    cls: type[WistiaError]
    if status_code in (401, 403):
        cls = WistiaAuthError
    elif status_code == 404:
        cls = WistiaNotFoundError
    elif status_code in (429, 503):
        cls = WistiaRateLimitError
    elif status_code >= 500:
        cls = WistiaServerError
    else:
        cls = WistiaClientError
    message = f"Wistia API {method} {path} failed with HTTP {status_code}: {detail}"
    return cls(message, status_code=status_code, method=method, path=path, detail=detail)
