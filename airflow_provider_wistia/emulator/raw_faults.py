"""A raw-socket server for the transport faults an HTTP server cannot produce.

The emulator answers HTTP; some faults happen before there is any HTTP to answer. This
server listens on 127.0.0.1 and, for every connection a client opens, does one thing:

``reset_handshake``  read the client's first bytes (its TLS ClientHello), then abort the
                     connection with a TCP reset: the connection dropped while it was being
                     established, before any byte of the HTTP request was written.
``not_tls``          answer the ClientHello with plain-text HTTP: the client's TLS layer
                     refuses it (a TLS error; what a wrong port or a broken proxy gives).
``refused``          nothing listens: the port is bound but not listening, so every connect
                     is refused (the port stays reserved, so no other server can take it).

:attr:`connections` counts the connections accepted (each one an attempt of a client);
``refused`` accepts none. Use as a context manager; the URL to call is :attr:`base_url`.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from typing import Any

RAW_FAULT_MODES = ("reset_handshake", "not_tls", "refused")
_NOT_TLS_ANSWER = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class RawFaultServer:
    """Misbehave at the socket level, in one of :data:`RAW_FAULT_MODES`, on a free loopback port."""

    def __init__(self, mode: str) -> None:
        if mode not in RAW_FAULT_MODES:
            raise ValueError(f"unknown raw fault mode {mode!r}; expected one of {RAW_FAULT_MODES}")
        self.mode = mode
        self.connections = 0
        self._lock = threading.Lock()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def base_url(self) -> str:
        """An ``https`` URL: the client starts TLS, so the faults hit while connecting."""
        return f"https://127.0.0.1:{self.port}"

    def __enter__(self) -> RawFaultServer:
        if self.mode != "refused":
            self._sock.listen(16)
            self._sock.settimeout(0.05)
            self._thread = threading.Thread(target=self._serve, name=f"raw-faults-{self.port}", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._sock.close()

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            with self._lock:
                self.connections += 1
            with contextlib.suppress(OSError):
                self._misbehave(conn)

    def _misbehave(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        try:
            conn.recv(65536)  # the ClientHello
            if self.mode == "not_tls":
                conn.sendall(_NOT_TLS_ANSWER)
            else:  # reset_handshake: SO_LINGER 0 makes close() send a reset
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        finally:
            conn.close()
