"""HTTP layer of the emulator: a threaded HTTP/1.1 keep-alive server and its request pipeline.

For each request (admin requests under ``/__emulator__/`` skip everything but routing):
read the body, merge parameters, authenticate, apply the rate limit, pick a fault,
route and run the handler, then answer. Every response is built completely and written
with one ``sendall`` (with ``TCP_NODELAY``), so long keep-alive sessions stay fast.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import socket
import struct
import sys
import threading
import time
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import admin, upload
from .api import Call, oembed
from .common import (
    HTML_TYPE,
    JSON_TYPE,
    TEXT_TYPE,
    XML_TYPE,
    ApiError,
    Params,
    RecordedRequest,
    Response,
    method_not_allowed,
    redact_body,
    redact_headers,
    redact_target,
)
from .faults import Fault
from .modern import VERSION_HEADER
from .multipart import BodyReader, FilePart, parse_multipart
from .xmlfmt import to_xml

if TYPE_CHECKING:
    from .emulator import WistiaEmulator

MAX_BODY = 10 * 1024 * 1024
UNAUTHORIZED = {"code": "unauthorized_credentials", "error": "Invalid credentials."}
GARBAGE = (
    b"<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>"
    b"<p>The upstream server returned an invalid response.</p></body></html>"
)


class Drop(Exception):
    """Raised after the connection was aborted on purpose; nothing more is written."""


def header_token(value: str | None) -> str | None:
    """The API token carried by an ``Authorization`` header (Bearer, or Basic ``api:<token>``)."""
    if not value:
        return None
    scheme, _, cred = value.strip().partition(" ")
    scheme = scheme.lower()
    if scheme == "bearer":
        return cred.strip() or None
    if scheme == "basic":
        try:
            user, _, password = base64.b64decode(cred.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        return password if user == "api" and password else None
    return None


def error_response(exc: ApiError) -> Response:
    return Response(exc.status, exc.body, xml_root="errors" if isinstance(exc.body, list) else "hash")


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], emulator: WistiaEmulator) -> None:
        self.emulator = emulator
        self.open_connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, RequestHandler)

    def close_all_connections(self) -> None:
        with self.connections_lock:
            conns = list(self.open_connections)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "WistiaEmulator/1.0"
    sys_version = ""
    timeout = 300
    server: EmulatorServer
    files: list[FilePart]
    body_kind = "none"  # what the request body was: none, json, form or multipart
    json_body: Any = None  # the decoded JSON body, for endpoints that take one whole
    recorded_body: Any = None  # what the request log keeps of the body (redacted)
    _logged = True
    _truncate = False  # the answer being sent is cut in half (the ``truncate`` fault)
    _generation = 0  # the emulator's generation when this request arrived

    # -- connection plumbing ---------------------------------------------------------------
    def setup(self) -> None:
        super().setup()
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.connections_lock:
            self.server.open_connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.open_connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the emulator keeps its own request log."""

    def handle_one_request(self) -> None:
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if len(self.raw_requestline) > 65536:
                self.requestline = self.request_version = self.command = ""
                self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
                return
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.parse_request():
                return
            self._handle()  # every method: a route answers 405 with ``Allow`` for one it does not serve
        except (Drop, OSError):  # includes timeouts, resets and broken pipes
            self.close_connection = True

    def _abort(self) -> None:
        """Drop the connection with a TCP reset, without answering."""
        self._log(0)
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        for stream in (self.rfile, self.wfile):
            with contextlib.suppress(OSError):
                stream.close()
        with contextlib.suppress(OSError):
            self.connection.close()
        raise Drop()

    # -- pipeline --------------------------------------------------------------------------
    def _reader(self) -> BodyReader:
        chunked = "chunked" in (self.headers.get("Transfer-Encoding") or "").lower()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        return BodyReader(self.rfile, None if chunked else length, chunked)  # type: ignore[arg-type]

    def _base(self) -> str:
        host = self.headers.get("Host")
        return f"http://{host}" if host else self.server.emulator.base_url

    def _handle(self) -> None:
        emu = self.server.emulator
        parts = urlsplit(self.path)
        path, query = parts.path or "/", parts.query
        reader = self._reader()
        if path.startswith("/__emulator__/"):
            try:
                resp = admin.handle(emu, self.command, path, query, reader.read_all(MAX_BODY))
            except ApiError as exc:
                resp = error_response(exc)
            except Exception:
                resp = self._crashed()
            self._send(resp, "json")
            return
        self._generation = emu.generation
        emu._count_request()
        self._logged, self._truncate = False, False
        self.body_kind, self.recorded_body = "none", None
        try:
            try:
                resp, fmt = self._dispatch(emu, path, query, reader)
            except (Drop, OSError):
                raise
            except Exception:
                resp, fmt = self._crashed(), "json"
            self._log(resp.status)  # before answering, so a client that got the answer sees the record
            self._send(resp, fmt)
        finally:
            self._log(0)

    def _log(self, status: int) -> None:
        if self._logged:
            return
        self._logged = True
        target = redact_target(self.path)
        parts = urlsplit(target)
        self.server.emulator._record(
            RecordedRequest(
                self.command,
                parts.path or "/",
                Params.from_query(parts.query).last_values(),
                redact_headers(self.headers.items()),
                status,
                time.time(),
                target,
                self.body_kind,
                redact_body(self.recorded_body),
            ),
            self._generation,
        )

    def _crashed(self) -> Response:
        """A bug in the emulator: report it on stderr, answer 500 and close the connection."""
        traceback.print_exc(file=sys.stderr)
        self.close_connection = True
        return Response(500, {"error": "Internal server error (emulator bug, see its stderr)"})

    def _dispatch(
        self, emu: WistiaEmulator, path: str, query: str, reader: BodyReader
    ) -> tuple[Response, str]:
        if path in ("/oembed", "/oembed.json", "/oembed.xml"):
            reader.drain()
            fmt = "xml" if path.endswith(".xml") else "json"
            if self.command not in ("GET", "HEAD"):
                return method_not_allowed(self.command, path, ("GET",)), fmt
            try:
                return oembed(emu.store, Params.from_query(query)), fmt
            except ApiError as exc:
                return error_response(exc), fmt
        if path == "/":
            return self._upload(emu, query, reader), "json"
        if path == "/modern" or path.startswith("/modern/"):
            return self._api(emu, path, query, reader, modern=True)
        if path != "/v1" and not path.startswith("/v1/"):
            reader.drain()
            return Response(404, {"error": f"No route matches {self.command} {path}"}), "json"
        return self._api(emu, path, query, reader)

    def _read_params(self, query: str, reader: BodyReader) -> tuple[Params, Params]:
        """(query params, body params); parse errors are raised after the body was drained."""
        ctype = (self.headers.get("Content-Type") or "").lower()
        body = Params()
        self.body_kind, self.json_body = "none", None
        if ctype.startswith("multipart/form-data"):
            self.body_kind = "multipart"
            boundary = self.headers.get_param("boundary", header="Content-Type")
            if not isinstance(boundary, str) or not boundary:
                reader.drain()
                raise ApiError(400, {"error": "Malformed request body: missing multipart boundary"})
            try:
                fields, files = parse_multipart(reader, boundary)
            except ApiError:
                self.close_connection = True  # the stream can no longer be trusted
                raise
            for key, value in fields:
                body.add(key, value)
            self.files = files
            self.recorded_body = body.last_values()
            return Params.from_query(query), body
        raw = reader.read_all(MAX_BODY)
        if raw.strip():
            if "json" in ctype or (not ctype and raw.lstrip()[:1] in (b"{", b"[")):
                try:
                    self.json_body = json.loads(raw)
                except (ValueError, UnicodeDecodeError) as exc:
                    raise ApiError(400, {"error": "Request body is not valid JSON."}) from exc
                body.add_json(self.json_body)
                self.body_kind, self.recorded_body = "json", self.json_body
            else:
                body.add_query(raw.decode("utf-8", "replace"))
                self.body_kind, self.recorded_body = "form", body.last_values()
        return Params.from_query(query), body

    def _admit(
        self,
        emu: WistiaEmulator,
        token: str,
        methods: tuple[str, ...],
        path: str,
        query: str = "",
    ) -> tuple[Response | None, Fault | None]:
        """Rate limit, then fault choice. Returns an early response or the fault to apply later."""
        retry, stamp = emu.limiter.acquire(token)
        if retry:
            emu._count_rate_limited()
            return self._rate_limited(emu.rate_limit_status, retry), None
        fault = emu.faults.pick(methods, path, query)
        if fault is not None and fault.kind == "rate_limit":
            emu.limiter.release(token, stamp)
            retry_after = fault.retry_after if fault.retry_after is not None else 1
            return self._rate_limited(fault.status or emu.rate_limit_status, retry_after), None
        emu.limiter.settle(token)
        if fault is None or fault.kind in ("reset_after", "slow", "commit_then_500", "truncate"):
            return None, fault
        if fault.kind == "reset_before":
            self._abort()
        if fault.kind == "garbage":
            return Response(200, raw=GARBAGE, content_type=HTML_TYPE), None
        if fault.kind == "redirect":
            location = self._base() + self.path
            return Response(fault.status or 302, {"error": "Moved"}, {"Location": location}), None
        return Response(fault.status or 500, {"error": "Internal server error"}), None

    @staticmethod
    def _rate_limited(status: int, retry_after: int) -> Response:
        return Response(
            status,
            raw=b"Rate limit exceeded",
            content_type=TEXT_TYPE,
            headers={"Retry-After": str(int(retry_after))},
        )

    def _after(self, fault: Fault | None, resp: Response) -> Response:
        """Apply a fault that lets the request be processed first."""
        if fault is None:
            return resp
        if fault.kind == "reset_after":
            self._abort()
        if fault.kind == "slow":
            time.sleep(fault.delay if fault.delay is not None else 1.0)
            return resp
        if fault.kind == "truncate":
            self._truncate = True
            return resp
        return Response(fault.status or 500, {"error": "Internal server error"})

    def _api(
        self, emu: WistiaEmulator, path: str, query: str, reader: BodyReader, *, modern: bool = False
    ) -> tuple[Response, str]:
        root = "/modern" if modern else "/v1"
        rel = path[len(root) + 1 :].strip("/") if path != root else ""
        fmt = "json"
        api: Any = emu.api
        head, _, last = rel.rpartition("/")
        if modern:  # no format extensions; the release comes from X-Wistia-Api-Version
            try:
                api = emu.modern.release(self.headers.get(VERSION_HEADER))
            except ApiError as exc:
                reader.drain()
                return error_response(exc), fmt
        elif "." in last:
            last, _, ext = last.rpartition(".")  # "example.com.json": the domain, then the format
            rel = f"{head}/{last}" if head else last
            fmt = ext.lower()
        parse_error: ApiError | None = None
        try:
            qparams, params = self._read_params(query, reader)
            params.merge_under(qparams)
        except ApiError as exc:
            parse_error, params = exc, Params.from_query(query)
        if not api.accepts_format(rel, fmt):
            return Response(406, {"error": f"Unsupported format '{fmt}'."}), "json"
        token = header_token(self.headers.get("Authorization"))
        if token is None or token not in emu.tokens:
            return Response(401, UNAUTHORIZED, xml_root="hash"), fmt
        method = self.command
        override = (params.get_str("_method") or self.headers.get("X-HTTP-Method-Override") or "").upper()
        if method == "POST" and override in ("PUT", "DELETE", "PATCH"):
            method = override
        if method == "PATCH":
            method = "PUT"
        early, fault = self._admit(emu, token, (self.command, method), path, query)
        if early is not None:
            return early, fmt
        if parse_error is not None:
            refusal = api.shape_error(method, rel, error_response(parse_error))  # the spec's shape
            return self._after(fault, refusal), fmt
        resolved = api.resolve(rel)
        if resolved is None:
            resp = Response(404, {"error": f"No route matches {method} {path}"}, xml_root="hash")
        elif method not in resolved[0] and not (method == "HEAD" and "GET" in resolved[0]):
            resp = method_not_allowed(method, path, resolved[0])
        else:
            handler = resolved[0]["GET" if method == "HEAD" else method]
            try:
                call = Call(method, params, self._base(), self.body_kind, self.json_body, fmt)
                resp = handler(call, *resolved[1])
            except ApiError as exc:
                resp = api.shape_error(method, rel, error_response(exc))
        return self._after(fault, resp), fmt

    def _upload(self, emu: WistiaEmulator, query: str, reader: BodyReader) -> Response:
        if self.command != "POST":
            reader.drain()
            return method_not_allowed(self.command, "/", ("POST",))
        self.files = []
        try:
            qparams, body = self._read_params(query, reader)
        except ApiError as exc:
            return error_response(exc)
        token = header_token(self.headers.get("Authorization"))
        if token is None or token not in emu.tokens:
            token = body.get_str("access_token", "api_password")
        if token is None or token not in emu.tokens:
            return Response(401, raw=b"Authorization error. Check your access_token", content_type=HTML_TYPE)
        early, fault = self._admit(emu, token, ("POST",), "/")
        if early is not None:
            return early
        body.merge_under(qparams)
        try:
            resp = upload.create(emu.store, body, self.files)
        except ApiError as exc:
            resp = error_response(exc)
        return self._after(fault, resp)

    # -- output ----------------------------------------------------------------------------
    def _send(self, resp: Response, fmt: str) -> None:
        if resp.raw is not None:
            body, ctype = resp.raw, resp.content_type or TEXT_TYPE
        elif resp.body is None:
            body, ctype = b"", resp.content_type or JSON_TYPE
        elif fmt == "xml":
            body, ctype = to_xml(resp.body, resp.xml_root or "hash"), XML_TYPE
        else:
            body = json.dumps(resp.body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
            ctype = JSON_TYPE
        try:
            reason = HTTPStatus(resp.status).phrase
        except ValueError:
            reason = "Unknown"
        lines = [
            f"HTTP/1.1 {resp.status} {reason}",
            f"Server: {self.server_version}",
            f"Content-Type: {ctype}",
            f"Content-Length: {len(body)}",
        ]
        lines.extend(f"{key}: {value}" for key, value in resp.headers.items())
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if self._truncate:  # the promised length, half the bytes, then the connection ends
            self.wfile.write(head + body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            raise Drop()
        self.wfile.write(head if self.command == "HEAD" else head + body)
