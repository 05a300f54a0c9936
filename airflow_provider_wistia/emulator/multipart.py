"""Streaming request-body reading for the emulator: Content-Length or chunked bodies, and a
``multipart/form-data`` parser that never holds an uploaded file in memory.

File parts are only counted (their byte size is what the emulator records, with their
first :data:`HEAD_BYTES` bytes to tell the media type); ordinary form fields are kept, up to
:data:`MAX_FIELD_BYTES` each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from .common import ApiError

CHUNK = 256 * 1024
MAX_FIELD_BYTES = 1024 * 1024
MAX_HEADER_BYTES = 16 * 1024
HEAD_BYTES = 64


def _malformed(detail: str) -> ApiError:
    return ApiError(400, {"error": f"Malformed request body: {detail}"})


class BodyReader:
    """Reads exactly one request body from ``rfile`` (``Content-Length`` or chunked)."""

    def __init__(self, rfile: BinaryIO, length: int | None, chunked: bool) -> None:
        self._rfile = rfile
        self._remaining = 0 if length is None else max(0, length)
        self._chunked = chunked
        self._chunk_left = 0
        self._done = not chunked and self._remaining == 0

    def read(self, size: int = CHUNK) -> bytes:
        """Up to ``size`` bytes; ``b""`` at the end of the body."""
        if self._done:
            return b""
        if not self._chunked:
            data = self._rfile.read(min(size, self._remaining))
            if not data:
                raise ConnectionError("client closed the connection mid-body")
            self._remaining -= len(data)
            self._done = self._remaining == 0
            return data
        if self._chunk_left == 0:
            line = self._rfile.readline(1024)
            try:
                self._chunk_left = int(line.split(b";", 1)[0].strip() or b"x", 16)
            except ValueError as exc:
                raise _malformed("bad chunk size") from exc
            if self._chunk_left == 0:
                while self._rfile.readline(8192) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                self._done = True
                return b""
        data = self._rfile.read(min(size, self._chunk_left))
        if not data:
            raise ConnectionError("client closed the connection mid-body")
        self._chunk_left -= len(data)
        if self._chunk_left == 0:
            self._rfile.readline(1024)  # CRLF after the chunk
        return data

    def read_all(self, limit: int) -> bytes:
        """The whole body; raises 413 (after draining) if it exceeds ``limit`` bytes."""
        parts: list[bytes] = []
        total = 0
        while chunk := self.read():
            total += len(chunk)
            if total <= limit:
                parts.append(chunk)
        if total > limit:
            raise ApiError(413, {"error": "Request body too large."})
        return b"".join(parts)

    def drain(self) -> None:
        while self.read():
            pass


@dataclass
class FilePart:
    name: str
    filename: str
    content_type: str
    size: int = 0
    head: bytes = b""  # the file's first HEAD_BYTES bytes


def _disposition(value: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in value.split(";")[1:]:
        key, _, val = item.strip().partition("=")
        val = val.strip()
        if len(val) >= 2 and val[0] == val[-1] == '"':
            val = val[1:-1]
        out[key.strip().lower()] = val
    return out


def parse_multipart(reader: BodyReader, boundary: str) -> tuple[list[tuple[str, str]], list[FilePart]]:
    """Parse a multipart body from ``reader``; returns (fields, file parts)."""
    delim = b"\r\n--" + boundary.encode("latin-1")
    keep = len(delim) - 1
    buf = bytearray(b"\r\n")
    fields: list[tuple[str, str]] = []
    files: list[FilePart] = []

    def fill() -> None:
        chunk = reader.read()
        if not chunk:
            raise _malformed("unexpected end of multipart body")
        buf.extend(chunk)

    # preamble up to the first boundary
    while (idx := buf.find(delim)) < 0:
        if len(buf) > keep:
            del buf[:-keep]
        fill()
    del buf[: idx + len(delim)]
    while True:
        while len(buf) < 2:
            fill()
        if buf[:2] == b"--":
            reader.drain()
            return fields, files
        while (eol := buf.find(b"\r\n")) < 0:
            fill()
        del buf[: eol + 2]
        # part headers
        if buf[:2] == b"\r\n":
            head, hend = b"", 2
        else:
            while (hidx := buf.find(b"\r\n\r\n")) < 0:
                if len(buf) > MAX_HEADER_BYTES:
                    raise _malformed("part headers too long")
                fill()
            head, hend = bytes(buf[:hidx]), hidx + 4
        del buf[:hend]
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, val = line.partition(":")
            headers[key.strip().lower()] = val.strip()
        disp = _disposition(headers.get("content-disposition", ""))
        name = disp.get("name", "")
        is_file = "filename" in disp or name == "file"
        ctype = headers.get("content-type", "application/octet-stream")
        part = FilePart(name, disp.get("filename", ""), ctype)
        value = bytearray()
        # part body up to the next boundary
        while True:
            idx = buf.find(delim)
            end = idx if idx >= 0 else max(0, len(buf) - keep)
            if is_file:
                if len(part.head) < HEAD_BYTES:
                    part.head += bytes(buf[: min(end, HEAD_BYTES - len(part.head))])
                part.size += end
            elif len(value) + end > MAX_FIELD_BYTES:
                raise ApiError(413, {"error": f"Form field '{name}' too large."})
            else:
                value.extend(buf[:end])
            if idx >= 0:
                del buf[: idx + len(delim)]
                break
            del buf[:end]
            fill()
        if is_file:
            files.append(part)
        else:
            fields.append((name, value.decode("utf-8", "replace")))
