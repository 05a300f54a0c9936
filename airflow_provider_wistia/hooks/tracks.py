"""The API track a connection speaks: Wistia's frozen ``/v1`` or a pinned dated ``/modern`` release.

Every difference between the tracks lives here, so the endpoint mixins stay track-blind: they
speak the v1 vocabulary (``projects/<id>``, ``project_id``, form fields), and :meth:`Track.prepare`
turns one such call into what the connection's track expects on the wire:

- v1: ``/v1/<path>.json``, query and form fields encoded Rails-style (:mod:`.encoding`);
- modern: ``/modern/<path>`` with ``projects`` renamed ``folders`` (and captions ``order`` named
  ``purchase``), ``project_id`` renamed ``folder_id``, a JSON body (``sharing[with]`` becomes
  ``{"sharing": {"with": ...}}``), and the
  ``X-Wistia-Api-Version`` header that pins the release (Wistia answers a request without it with
  its newest release, so an unpinned client breaks when Wistia ships one).

Answers differ too (modern ones are snake_case, a media names its ``folder``):
:func:`container_hashed_id` and :func:`media_count_of` read either.

Methods that exist only on the modern track call :meth:`Track.require_modern` first: on a v1
connection they fail with a :class:`WistiaConfigError` naming ``api_version``, before any request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from airflow_provider_wistia.exceptions import WistiaConfigError
from airflow_provider_wistia.hooks.encoding import check_json_body, encode_fields
from airflow_provider_wistia.hooks.policy import endpoint_path

V1 = "v1"
# The modern releases Wistia has published (SPECS.md: dated, every other month from 2026-01).
# A pin must name one of them: Wistia would silently map any other date onto an older release.
MODERN_RELEASES = ("2026-01", "2026-03", "2026-05", "2026-07")
VERSION_HEADER = "X-Wistia-Api-Version"
_RELEASE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
# v1 path -> modern path, where they differ (the 2026-03 description has no captions/order).
_MODERN_PATHS = (
    (re.compile(r"^projects(?=/|$)"), "folders"),
    (re.compile(r"^(medias/[^/]+/captions)/order$"), r"\1/purchase"),
)
_BRACKETED = re.compile(r"^([^\[\]]+)\[([^\[\]]*)\]$")
# v1 field name -> modern field name, in query strings and bodies.
_MODERN_FIELDS = {"project_id": "folder_id"}


def parse_api_version(value: Any, conn_id: str) -> str:
    """The connection's ``api_version`` extra: ``"v1"`` (default) or a published modern release."""
    text = V1 if value is None else str(value).strip()
    if text == "" or text.lower() == V1:
        return V1
    if not _RELEASE.match(text):
        raise WistiaConfigError(
            f"Connection {conn_id!r}: extra api_version {value!r} is malformed; use 'v1' or a modern "
            f"release 'YYYY-MM' (one of {', '.join(MODERN_RELEASES)})."
        )
    if text not in MODERN_RELEASES:
        raise WistiaConfigError(
            f"Connection {conn_id!r}: extra api_version {value!r} is not a Wistia release; use 'v1' or "
            f"one of {', '.join(MODERN_RELEASES)}."
        )
    return text


@dataclass(frozen=True)
class PreparedCall:
    """One request as the track sends it: the path shown in errors (and appended to the host),
    its query, form body, JSON body and extra headers."""

    display: str
    params: dict[str, Any]
    data: dict[str, Any]
    json: Any
    headers: dict[str, str]


@dataclass(frozen=True)
class Track:
    """The track of one connection: ``api_version`` is ``"v1"`` or a modern release."""

    api_version: str = V1

    @property
    def modern(self) -> bool:
        return self.api_version != V1

    @property
    def headers(self) -> dict[str, str]:
        """Headers every request of this track carries (the release pin on modern)."""
        return {VERSION_HEADER: self.api_version} if self.modern else {}

    def require_modern(self, what: str) -> None:
        """Refuse a modern-only operation on a v1 connection, before any request."""
        if not self.modern:
            raise WistiaConfigError(
                f"{what} exists only on Wistia's modern API: set the connection extra api_version to a "
                f"modern release (one of {', '.join(MODERN_RELEASES)}); it is 'v1'."
            )

    def endpoint(self, path: str, response_format: str = "json") -> str:
        """The path on the wire for a v1-vocabulary ``path`` (``/v1/x.json`` or ``/modern/x``)."""
        v1_path = endpoint_path(path, response_format)
        if not self.modern:
            return v1_path
        if response_format != "json":
            raise WistiaConfigError(
                f"response_format {response_format!r} exists only on v1; the modern API answers JSON "
                f"(connection extra api_version is {self.api_version!r})."
            )
        rel = v1_path[len("/v1/") : -len(".json")]
        for v1_form, modern_form in _MODERN_PATHS:
            rel = v1_form.sub(modern_form, rel)
        return "/modern/" + rel

    def prepare(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        json: Any = None,
        response_format: str = "json",
    ) -> PreparedCall:
        """Map one v1-vocabulary call onto this track's wire form (checked before any request)."""
        if json is not None:
            check_json_body(json)
            if method in ("GET", "HEAD"):
                raise WistiaConfigError(f"json= cannot be sent with {method}; use params= instead.")
            if data:
                raise WistiaConfigError("Pass either data= (form body) or json= (JSON body), not both.")
        display = self.endpoint(path, response_format)
        if method == "GET":
            params, data = {**(params or {}), **(data or {})}, None
        query = encode_fields(self._renamed(params), where="params")
        if not self.modern:
            return PreparedCall(display, query, encode_fields(data, where="data"), json, {})
        body = json if json is not None else (_json_from_fields(self._renamed(data)) if data else None)
        if isinstance(body, dict):
            body = self._renamed(body)
        return PreparedCall(display, query, {}, body, self.headers)

    def _renamed(self, fields: Mapping[str, Any] | None) -> dict[str, Any]:
        if not self.modern:
            return dict(fields or {})
        return {_MODERN_FIELDS.get(key, key): value for key, value in (fields or {}).items()}


def container_hashed_id(media: Mapping[str, Any]) -> str | None:
    """The hashed id of a media's project (v1: ``project``, ``hashed_id`` or ``hashedId``) or
    folder (modern: ``folder``): what exports and pollers read, whatever the track."""
    container = media.get("project") or media.get("folder")
    if not isinstance(container, Mapping):
        return None
    value = container.get("hashed_id") or container.get("hashedId")
    return value if isinstance(value, str) else None


def media_count_of(owner: Mapping[str, Any]) -> int:
    """An account's or project's media count (v1 ``mediaCount``, modern ``media_count``)."""
    return int(owner["mediaCount"] if "mediaCount" in owner else owner["media_count"])


def _json_from_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A Rails-style field set as the JSON object the modern API takes.

    ``a[b]`` nests (``{"a": {"b": ...}}``) and ``a[]`` is a list; a bare field repeated with the
    same value under a nested object (v1 sends sharing fields both ways) is sent nested only.
    ``None`` values are dropped, as on v1.
    """
    body: dict[str, Any] = {}
    nested: dict[str, dict[str, Any]] = {}
    for key, value in fields.items():
        if value is None:
            continue
        match = _BRACKETED.match(key)
        if match and match.group(2):
            nested.setdefault(match.group(1), {})[match.group(2)] = value
        elif match:
            body[match.group(1)] = list(value) if isinstance(value, (list, tuple, set)) else [value]
        else:
            body[key] = sorted(value) if isinstance(value, (set, frozenset)) else value
    for outer, inner in nested.items():
        for key, value in inner.items():
            if body.get(key) == value:
                del body[key]
        body[outer] = {**body.get(outer, {}), **inner} if isinstance(body.get(outer), dict) else inner
    return body
