"""Run Airflow components (``airflow api-server``, ``airflow scheduler``) as child processes.

Shared by the demo's push path, the webhook tests and the webhook benchmark: each runs a real
API server with the provider's webhook receiver. Standard library only.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(what: str, probe: Callable[[], T | None], timeout: float, interval: float = 0.25) -> T:
    """Call ``probe`` until it returns something other than None (errors count as None)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = probe()
        except (OSError, ValueError):  # connection refused, reset; URLError is an OSError
            value = None
        if value is not None:
            return value
        time.sleep(interval)
    raise TimeoutError(f"gave up waiting for {what} after {timeout:.0f} s")


def webhook_receiver_mounted(api_url: str) -> bool | None:
    """True once ``POST /wistia/webhooks/<unknown>`` answers 404 (a 405 means no plugin yet)."""
    request = urllib.request.Request(f"{api_url}/wistia/webhooks/not-a-connection", data=b"", method="POST")
    try:
        urllib.request.urlopen(request, timeout=5).close()
    except urllib.error.HTTPError as exc:
        return True if exc.code == 404 else None
    return None


class AirflowProcess:
    """``airflow <args>`` in its own process group, its output appended to ``log_file``."""

    def __init__(self, args: list[str], env: dict[str, str], log_file: Path, cwd: Path | None = None) -> None:
        self.args = args
        self.env = env
        self.log_file = log_file
        self.cwd = cwd
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> AirflowProcess:
        airflow = str(Path(sys.executable).parent / "airflow")
        with self.log_file.open("ab") as log:
            self.proc = subprocess.Popen(
                [airflow, *self.args],
                env=self.env,
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        """SIGTERM to the whole group (the component and its children), SIGKILL after 30 s."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def api_server(env: dict[str, str], port: int, log_file: Path, cwd: Path | None = None) -> AirflowProcess:
    """``airflow api-server`` on 127.0.0.1:``port`` with one worker (not started yet)."""
    args = ["api-server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    return AirflowProcess(args, env, log_file, cwd)
