"""A multipart/form-data body that streams a file from disk.

``requests``' own ``files=`` builds the whole body in memory, which fails for the
multi-gigabyte videos people upload. This body reads the file in chunks while it
is sent, and knows its length up front so it goes out with a Content-Length
(no chunked encoding, which some upload proxies refuse).
"""

from __future__ import annotations

import mimetypes
import os
import uuid
from collections.abc import Iterator
from typing import Any

from airflow_provider_wistia.exceptions import WistiaConfigError

CHUNK_SIZE = 256 * 1024


class StreamingMultipart:
    """Form fields followed by one file part; iterate to get the bytes, ``len()`` for the size."""

    def __init__(self, fields: dict[str, Any], file_field: str, file_path: str) -> None:
        self.boundary = uuid.uuid4().hex
        self.file_path = file_path
        filename = os.path.basename(file_path).replace('"', "")
        mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        parts = [  # a list (``name[]``, as encode_fields spells it) is one part per item
            (name, item)
            for name, value in fields.items()
            for item in (value if isinstance(value, list) else [value])
        ]
        head = b"".join(
            self._part_header(name) + str(value).encode("utf-8") + b"\r\n" for name, value in parts
        )
        head += self._part_header(file_field, filename, mime)
        self._head = head
        self._tail = f"\r\n--{self.boundary}--\r\n".encode()
        self._file_size = os.path.getsize(file_path)

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def _part_header(self, name: str, filename: str | None = None, mime: str | None = None) -> bytes:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        lines = [f"--{self.boundary}", f"Content-Disposition: {disposition}"]
        if mime:
            lines.append(f"Content-Type: {mime}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")

    def __len__(self) -> int:
        return len(self._head) + self._file_size + len(self._tail)

    def __iter__(self) -> Iterator[bytes]:
        yield self._head
        with open(self.file_path, "rb") as handle:
            while chunk := handle.read(CHUNK_SIZE):
                yield chunk
        yield self._tail

    @staticmethod
    def check_readable(file_path: str) -> None:
        """Fail before any request when the file is missing or unreadable."""
        if not os.path.isfile(file_path):
            raise WistiaConfigError(f"file_path {file_path!r} does not exist or is not a file.")
        if not os.access(file_path, os.R_OK):
            raise WistiaConfigError(f"file_path {file_path!r} is not readable.")
