"""Shared primitives of the Wistia emulator: errors, responses, request parameters.

Kept free of any HTTP-server code so that the store (``state.py``) and the route
handlers (``api.py``) can raise the same errors and read parameters the same way,
whether the parameters came from a query string, a form body or a JSON body.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
MEDIA_STATUSES = ("queued", "processing", "ready", "failed")
JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"

_TRUE = {"1", "true", "t", "yes", "y", "on"}


class ApiError(Exception):
    """An error that becomes an HTTP response (``status`` and a JSON-able ``body``)."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(body)
        self.status = status
        self.body = body

    def __str__(self) -> str:
        return f"{self.status}: {self.body}"


class NotFoundError(ApiError, KeyError):
    """404; also a ``KeyError`` so the Python API raises the natural exception."""

    def __init__(self, message: str | None) -> None:
        super().__init__(404, {"error": message} if message else None)


class BadRequestError(ApiError, ValueError):
    """400; also a ``ValueError`` for Python callers."""

    def __init__(self, body: Any) -> None:
        super().__init__(400, body)


def invalid_param(name: str, value: Any, expected: str) -> BadRequestError:
    """400 in Wistia's shape, naming the parameter and what it must be."""
    shown = str(value) if len(str(value)) <= 40 else str(value)[:40] + "..."
    return BadRequestError({"error": f"Invalid value for parameter {name}: '{shown}' is not {expected}."})


def method_not_allowed(method: str, path: str, allowed: Iterable[str]) -> Response:
    """405 with the ``Allow`` header (HEAD goes with GET, as the server answers it)."""
    methods = list(allowed)
    if "GET" in methods and "HEAD" not in methods:
        methods.append("HEAD")
    message = f"Method {method} is not allowed for {path}; use {', '.join(methods)}."
    return Response(405, {"error": message}, {"Allow": ", ".join(methods)}, xml_root="hash")


def project_not_found(project_id: str) -> NotFoundError:
    return NotFoundError(f"Project with ID '{project_id}' not found.")


def media_not_found(hashed_id: str) -> NotFoundError:
    return NotFoundError(f"Media with hashed ID '{hashed_id}' not found.")


@dataclass
class Response:
    """What a route handler returns; the server renders it as JSON, XML or raw bytes."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    content_type: str | None = None
    xml_root: str | None = None


def iso(ts: float) -> str:
    """Format an epoch timestamp the way the Data API does: ``YYYY-MM-DDTHH:MM:SS+00:00``."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(ts))


def parse_bool(value: Any, default: bool = False) -> bool:
    """Rails-style boolean: ``"1"/"0"``, ``"true"/"false"``, JSON booleans and numbers."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    return str(value).strip().lower() in _TRUE


_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")


def int_param(params: Params, name: str, default: int, minimum: int = 1) -> int:
    """An integer parameter (absent or empty: ``default``); 400 naming it when it is not one."""
    value = params.get(name)
    if value is None or value == "":
        return default
    text = str(value).strip()
    if isinstance(value, bool) or not _INTEGER.fullmatch(text) or int(text) < minimum:
        raise invalid_param(name, value, f"an integer of at least {minimum}")
    return int(text)


def numeric_id(value: Any) -> int | None:
    """The number a path's id spells in ASCII digits (``"12"``), else None (``"²³"``, ``"k2ew"``)."""
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() else None


def parse_int(value: Any, default: int) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


class Params:
    """Request parameters merged from query string, form body and JSON body.

    Every key maps to the list of values it was given (later sources win for
    :meth:`get`). Nested JSON objects are flattened Rails style, so
    ``{"sharing": {"with": "x"}}`` and the form field ``sharing[with]=x`` are read the
    same way.
    """

    def __init__(self) -> None:
        self._values: dict[str, list[Any]] = {}

    @classmethod
    def from_query(cls, query: str) -> Params:
        params = cls()
        params.add_query(query)
        return params

    def merge_under(self, other: Params) -> None:
        """Put ``other``'s values before this object's (so this object's values win)."""
        for key, values in other._values.items():
            self._values[key] = values + self._values.get(key, [])

    def add(self, key: str, value: Any) -> None:
        self._values.setdefault(key, []).append(value)

    def add_query(self, query: str) -> None:
        for key, value in parse_qsl(query, keep_blank_values=True):
            self.add(key, value)

    def add_json(self, data: Any, prefix: str = "") -> None:
        if not isinstance(data, dict):
            return
        for key, value in data.items():
            name = f"{prefix}[{key}]" if prefix else str(key)
            if isinstance(value, dict):
                self.add_json(value, name)
            elif isinstance(value, list):
                for item in value:
                    self.add(name, item)
            else:
                self.add(name, value)

    def __contains__(self, key: str) -> bool:
        return key in self._values

    def get(self, *names: str, default: Any = None) -> Any:
        """The last value of the first of ``names`` that is present."""
        for name in names:
            values = self._values.get(name)
            if values:
                return values[-1]
        return default

    def get_str(self, *names: str) -> str | None:
        value = self.get(*names)
        return None if value is None else str(value)

    def get_bool(self, *names: str) -> bool | None:
        value = self.get(*names)
        return None if value is None else parse_bool(value)

    def get_list(self, name: str) -> list[str]:
        """All values of ``name[]`` and ``name`` (comma-separated values are split too)."""
        out: list[str] = []
        for key in (f"{name}[]", name):
            for value in self._values.get(key, []):
                out.extend(part.strip() for part in str(value).split(",") if part.strip())
        return out

    def items(self) -> Iterable[tuple[str, list[Any]]]:
        return self._values.items()

    def last_values(self) -> dict[str, str]:
        return {key: str(values[-1]) for key, values in self._values.items() if values}


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int

    @property
    def start(self) -> int:
        return (self.page - 1) * self.per_page

    def slice(self, items: list[Any]) -> list[Any]:
        return items[self.start : self.start + self.per_page]


def paging(params: Params, default: int = 100, maximum: int = 100) -> Paging:
    """``page`` from 1 (default 1); ``per_page`` default ``default``, capped at ``maximum``.

    Either one that is not a positive integer is answered 400, naming it.
    """
    page = int_param(params, "page", 1)
    per_page = int_param(params, "per_page", default)
    return Paging(page, min(per_page, maximum))


# Never kept in the request log nor served by the admin API: the token travels in these.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
SECRET_PARAMS = frozenset({"access_token", "api_password", "token", "password"})
REDACTED = "<redacted>"


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Request headers with every credential replaced by ``<redacted>`` (an auth scheme is kept)."""
    out = {}
    for name, value in headers:
        if name.lower() in SECRET_HEADERS:
            scheme, _, rest = value.strip().partition(" ")
            value = f"{scheme} {REDACTED}" if rest and name.lower() != "cookie" else REDACTED
        out[name] = value
    return out


def redact_body(body: Any) -> Any:
    """A recorded body (fields or JSON) with the values of token fields redacted, at any depth."""
    if isinstance(body, list):
        return [redact_body(item) for item in body]
    if not isinstance(body, dict):
        return body
    return {
        key: REDACTED if str(key).lower() in SECRET_PARAMS else redact_body(value)
        for key, value in body.items()
    }


def redact_target(target: str) -> str:
    """A request target (path and query) with the values of token parameters redacted."""
    path, sep, query = target.partition("?")
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(key.lower() in SECRET_PARAMS for key, _ in pairs):
        return target
    kept = [(key, REDACTED if key.lower() in SECRET_PARAMS else value) for key, value in pairs]
    return path + sep + urlencode(kept, safe="[]<>")


@dataclass(frozen=True)
class RecordedRequest:
    """One request the emulator received (admin requests excluded).

    ``path`` is the URL path without the query string, ``query`` the query parameters
    (last value per key), ``raw_path`` the request-line target including the query
    string, ``status`` the status answered (0 when the connection was dropped). ``body_kind``
    is ``none``, ``form``, ``multipart`` or ``json``; ``body`` the fields a form or multipart
    body carried (last value per key, files left out) or the decoded JSON body, so a test can
    see where a field arrived. Credentials are redacted before a request is recorded
    (``Authorization: Bearer <redacted>``, token query parameters and body fields): the log
    and the admin API never hold a token.
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    status: int
    timestamp: float
    raw_path: str
    body_kind: str = "none"
    body: Any = None
