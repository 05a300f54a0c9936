"""How the hook encodes request parameters: query strings, form bodies and JSON bodies.

Wistia's v1 API is a Rails application: a list travels as ``name[]=a&name[]=b`` (a bare
repeated ``name=a&name=b`` keeps only the last value), booleans as ``"1"``/``"0"`` in a form
and ``"true"``/``"false"`` in a query string (as the v1 OpenAPI has them), and a
nested object can only be sent as JSON (a form body would flatten ``{"plugin": {...}}`` into
``plugin=...`` and lose it). Wistia's v1 OpenAPI models every request body as JSON, so the
typed methods send JSON bodies (:func:`json_fields`); form bodies remain for ``request(data=...)``
callers and the Upload API. These rules live here, apart from the HTTP core, so every caller
of ``request()`` gets the same encoding and the same errors before any request is sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from airflow_provider_wistia.exceptions import WistiaConfigError


def form_value(value: Any, *, query: bool = False) -> Any:
    """One scalar as Wistia takes it: dates ISO; booleans "1"/"0" in a form body (Rails style),
    "true"/"false" in a query string, as the v1 OpenAPI's ``type: boolean`` query parameters
    (``archived``, ``published``, ``include_transcript``) are serialized."""
    if isinstance(value, bool):
        if query:
            return "true" if value else "false"
        return "1" if value else "0"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def encode_fields(fields: Mapping[str, Any] | None, *, where: str) -> dict[str, Any]:
    """Query or form fields ready for ``requests``: ``None`` dropped, lists as ``name[]``,
    booleans as :func:`form_value` spells them for ``where``.

    ``where`` ("params" or "data") names the argument in the error raised for a nested
    dict, which a form body or query string cannot carry faithfully.
    """
    out: dict[str, Any] = {}
    query = where == "params"
    for key, value in (fields or {}).items():
        if value is None:
            continue
        if isinstance(value, Mapping):
            raise WistiaConfigError(
                f"{where}[{key!r}] is a nested object, which a form body or query string cannot "
                "carry (Wistia would see it flattened): send it as a JSON body with json=..., or "
                f"spell the keys out flat (e.g. '{key}[name]')."
            )
        if isinstance(value, (list, tuple, set, frozenset)):
            items = sorted(value) if isinstance(value, (set, frozenset)) else list(value)
            for item in items:
                if isinstance(item, (Mapping, list, tuple)):
                    raise WistiaConfigError(
                        f"{where}[{key!r}] holds a nested value {item!r}; send it with json=... instead."
                    )
            name = key if key.endswith("[]") else f"{key}[]"
            out[name] = [form_value(item, query=query) for item in items if item is not None]
            continue
        out[key] = form_value(value, query=query)
    return out


def json_ready(value: Any) -> Any:
    """Dates and datetimes as ISO-8601 strings, recursively (JSON cannot carry them raw)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {key: json_ready(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(item) for item in value]
    return value


def json_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON body's fields: ``None`` dropped, dates as ISO strings, booleans kept as booleans."""
    return {key: json_ready(value) for key, value in fields.items() if value is not None}


def check_json_body(body: Any) -> Any:
    """A JSON body must be an object or a list (what Wistia's endpoints take)."""
    if not isinstance(body, (Mapping, list)):
        raise WistiaConfigError(f"json must be a dict or a list, got {type(body).__name__} {body!r}.")
    return body
