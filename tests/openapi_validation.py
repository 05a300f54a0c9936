"""Validate real HTTP exchanges against one of Wistia's OpenAPI descriptions (``tests/specs/``).

Used by both conformance modules (v1: ``wistia-v1.openapi.yml`` below ``/v1``; modern:
``wistia-modern-2026-03.openapi.yaml`` below ``/modern``): a :class:`WireRecorder`
hangs on a ``requests.Session`` and keeps each request exactly as it was sent (the prepared
request: URL, headers, body bytes) with the response exactly as received; a
:class:`SpecValidator` matches each exchange to the spec's operation (method and path template)
and validates request and response with openapi-core; :func:`check_all` sorts the problems into
those a module's table of :class:`SpecException` excuses and the rest.

The exchange is re-addressed to the spec's server before validation: the emulator's origin and
path prefix become the spec's ``servers`` URL, and the response-format extension (``.json``,
which Wistia treats as optional) is dropped from the path. Nothing else is changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlparse

import requests
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

SPECS_DIR = Path(__file__).parent / "specs"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def load_spec(name: str) -> dict[str, Any]:
    """A spec file of ``tests/specs/`` as a dict (the file itself is never changed)."""
    return yaml.safe_load((SPECS_DIR / name).read_text(encoding="utf-8"))


def operation_key(method: str, template: str) -> str:
    """How an operation is named here: ``"GET /medias/{mediaHashedId}"`` (few v1 operations
    carry an ``operationId``, so method and path template identify them)."""
    return f"{method.upper()} {template}"


@dataclass
class Exchange:
    """One request as sent and its response as received."""

    request: requests.PreparedRequest
    response: requests.Response


class WireRecorder:
    """Keeps every exchange of a ``requests.Session`` (a response hook sees the prepared request)."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []

    def attach(self, session: requests.Session) -> None:
        session.hooks.setdefault("response", []).append(self._record)

    def _record(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        response.content  # noqa: B018 - read the body now, as received
        self.exchanges.append(Exchange(response.request, response))

    def take(self) -> list[Exchange]:
        taken, self.exchanges = self.exchanges, []
        return taken


class _AtSpecServer(RequestsOpenAPIRequest):
    """The recorded request, re-addressed to the spec's server (origin and base path)."""

    def __init__(self, request: requests.PreparedRequest, origin: str, path: str) -> None:
        super().__init__(request)
        self._origin, self._path = origin, path

    @property
    def host_url(self) -> str:
        return self._origin

    @property
    def path(self) -> str:
        return self._path


@dataclass
class Problem:
    """One way an exchange differs from the spec."""

    operation: str
    part: str  # "request", "response" or "operation" (no operation matches)
    detail: str

    def __str__(self) -> str:
        return f"{self.operation} [{self.part}]: {self.detail}"


@dataclass(frozen=True)
class SpecException:
    """A difference between a spec and Wistia's real behaviour (or the spec and itself), which the
    emulator and the hook follow; each conformance module lists its own, each row with its source."""

    operation: str | tuple[str, ...]  # one operation, or every operation the difference concerns
    part: str  # "request" or "response"
    match: str  # a regular expression the openapi-core error must match (so nothing else is excused)
    differs: str
    source: str

    def excuses(self, problem: Problem) -> bool:
        operations = (self.operation,) if isinstance(self.operation, str) else self.operation
        return (
            problem.operation in operations
            and problem.part == self.part
            and re.search(self.match, problem.detail) is not None
        )


def check_all(
    validator: SpecValidator, exchanges: list[Exchange], exceptions: tuple[SpecException, ...]
) -> tuple[set[str], list[Problem], set[SpecException]]:
    """The operations the exchanges exercised, the problems no exception excuses, and the
    exceptions that excused one (a row never used is stale and would hide a regression)."""
    exercised: set[str] = set()
    unexplained: list[Problem] = []
    used: set[SpecException] = set()
    for exchange in exchanges:
        operation, problems = validator.check(exchange)
        if operation is not None:
            exercised.add(operation)
        for problem in problems:
            excused = [exception for exception in exceptions if exception.excuses(problem)]
            if excused:
                used.add(excused[0])
            else:
                unexplained.append(problem)
    return exercised, unexplained, used


@dataclass
class SpecValidator:
    """The operations of one spec and openapi-core validation of exchanges against them.

    ``local_prefix`` is the path prefix the server under test serves the API below (``/v1`` or
    ``/modern``).
    """

    spec: dict[str, Any]
    local_prefix: str
    check_spec: bool = True  # validate the description itself first (2-3 s for v1)
    _openapi: OpenAPI = field(init=False)
    _templates: list[tuple[re.Pattern[str], str]] = field(init=False)

    def __post_init__(self) -> None:
        config = None if self.check_spec else Config(spec_validator_cls=None)
        self._openapi = OpenAPI.from_dict(self.spec, config=config)
        server = urlparse(self.spec["servers"][0]["url"])
        self.server_origin = f"{server.scheme}://{server.netloc}"
        self.server_path = server.path.rstrip("/")
        templates = []
        for template in self.spec["paths"]:
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            # Literal segments first: "/medias/archive" is not "/medias/{mediaHashedId}".
            templates.append((re.compile(f"^{pattern}$"), template))
        self._templates = sorted(templates, key=lambda item: item[1].count("{"))

    @property
    def operations(self) -> set[str]:
        """Every operation of the spec."""
        return {
            operation_key(method, template)
            for template, item in self.spec["paths"].items()
            for method in item
            if method in HTTP_METHODS
        }

    def spec_path(self, url: str) -> str:
        """The path below the API root, as the spec writes it (``.json`` dropped)."""
        path = urlparse(url).path
        if path.startswith(self.local_prefix + "/"):
            path = path[len(self.local_prefix) :]
        return re.sub(r"\.json$", "", path)

    def operation_of(self, method: str, url: str) -> str | None:
        path = self.spec_path(url)
        for pattern, template in self._templates:
            if pattern.match(path) and method.lower() in self.spec["paths"][template]:
                return operation_key(method, template)
        return None

    def check(self, exchange: Exchange, *, request_too: bool = True) -> tuple[str | None, list[Problem]]:
        """The exchange's operation and every way its request or response breaks the spec
        (``request_too=False``: the answer only, for requests that are wrong on purpose)."""
        request = exchange.request
        method, url = str(request.method), str(request.url)
        operation = self.operation_of(method, url)
        if operation is None:
            return None, [Problem(f"{method} {urlparse(url).path}", "operation", "not in the spec")]
        wired = self._at_spec_server(request)
        problems = []
        if request_too:
            problems += [
                Problem(operation, "request", detail)
                for error in self._openapi.iter_request_errors(wired)
                for detail in describe(error)
            ]
            problems += [
                Problem(operation, "request", text) for text in self._boolean_spelling(operation, url)
            ]
        if not (exchange.response.content == b"" and self._declares_no_body(operation, exchange.response)):
            problems += [
                Problem(operation, "response", detail)
                for error in self._openapi.iter_response_errors(
                    wired, RequestsOpenAPIResponse(exchange.response)
                )
                for detail in describe(error)
            ]
        return operation, problems

    def _boolean_spelling(self, operation: str, url: str) -> list[str]:
        """A ``type: boolean`` query parameter is serialized ``true``/``false`` (OpenAPI's form style);
        openapi-core also accepts ``1``, ``yes``, ``on``..., so this is checked on the raw query."""
        method, template = operation.split(" ", 1)
        item = self.spec["paths"][template]
        declared = [
            self._resolved(p)
            for p in (*item.get("parameters", []), *item[method.lower()].get("parameters", []))
        ]
        booleans = {
            p["name"]
            for p in declared
            if p.get("in") == "query" and p.get("schema", {}).get("type") == "boolean"
        }
        sent = parse_qsl(urlparse(url).query, keep_blank_values=True)
        return [
            f"query parameter {name}={value!r}: a boolean is 'true' or 'false'"
            for name, value in sent
            if name in booleans and value not in ("true", "false")
        ]

    def _resolved(self, node: dict[str, Any]) -> dict[str, Any]:
        """``node``, or the component its local ``$ref`` points at."""
        while "$ref" in node:
            target: Any = self.spec
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
        return node

    def _declares_no_body(self, operation: str, response: requests.Response) -> bool:
        """The spec documents this answer without a body: no ``content``, or an empty ``content``
        map, which OpenAPI reads as "no body" (openapi-core asks for data when the map is present)."""
        method, template = operation.split(" ", 1)
        answers = self.spec["paths"][template][method.lower()].get("responses", {})
        documented = answers.get(str(response.status_code), answers.get("default"))
        if documented is None:  # an undocumented status: openapi-core reports it
            return False
        return not self._resolved(documented).get("content")

    def _at_spec_server(self, request: requests.PreparedRequest) -> _AtSpecServer:
        spec_path = self.spec_path(str(request.url))
        origin, base = self.server_origin, self.server_path
        for pattern, template in self._templates:  # a path may name its own server (the upload host)
            if pattern.match(spec_path) and self.spec["paths"][template].get("servers"):
                server = urlparse(self.spec["paths"][template]["servers"][0]["url"])
                origin, base = f"{server.scheme}://{server.netloc}", server.path.rstrip("/")
                break
        return _AtSpecServer(request, origin, base + spec_path)

    def query_parameters(self, exchange: Exchange) -> dict[str, Any]:
        """The query parameters as the spec reads them (deserialized by each one's style)."""
        result = self._openapi.unmarshal_request(self._at_spec_server(exchange.request))
        if result.errors:
            raise AssertionError("; ".join(line for error in result.errors for line in describe(error)))
        return dict(result.parameters.query)


def describe(exc: BaseException) -> list[str]:
    """One openapi-core error as short lines: one per schema error it carries (its path in the
    document and message, so an exception can excuse exactly one of them), else its chain of
    messages; never the whole offending value."""
    chain: list[BaseException] = []
    error: BaseException | None = exc
    while error is not None:
        chain.append(error)
        error = error.__cause__
    for link in chain:
        if schema_errors := list(getattr(link, "schema_errors", ()) or ()):
            return [
                f"{type(exc).__name__}: {'/'.join(str(p) for p in e.absolute_path) or '.'}: {e.message}"
                for e in schema_errors
            ]
    return [" | ".join(f"{type(link).__name__}: {str(link)[:300]}" for link in chain)]
