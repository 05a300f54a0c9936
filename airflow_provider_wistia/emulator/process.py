"""The emulator in a child process, driven through its admin API.

For demos, benchmarks and soak tests: a separate process keeps the emulator's threads (and
its request log) out of the measured client's interpreter. ``python -m
airflow_provider_wistia.emulator --port 0`` prints its URL; this reads it and stops the
process on exit.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import urllib.request
from typing import Any


class WistiaEmulatorProcess:
    """``with WistiaEmulatorProcess("--seed", "demo", token="t") as emu: emu.base_url, emu.admin(...)``."""

    def __init__(self, *cli_args: str, token: str = "test-token", startup_timeout: float = 30.0) -> None:
        self.cli_args = cli_args
        self.token = token
        self.startup_timeout = startup_timeout
        self.base_url = ""
        self._proc: subprocess.Popen[str] | None = None

    def start(self) -> WistiaEmulatorProcess:
        cmd = [sys.executable, "-m", "airflow_provider_wistia.emulator", "--port", "0", "--token", self.token]
        self._proc = proc = subprocess.Popen([*cmd, *self.cli_args], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        stdout, first_line = proc.stdout, []
        reader = threading.Thread(target=lambda: first_line.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(self.startup_timeout)
        if not first_line or "listening on " not in first_line[0]:
            self.stop()
            raise RuntimeError(f"The Wistia emulator did not start: {first_line!r}")
        self.base_url = first_line[0].strip().rsplit("listening on ", 1)[1].split()[0]
        return self

    def stop(self) -> None:
        if self._proc is None:
            return
        self._proc.terminate()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._proc = None

    def __enter__(self) -> WistiaEmulatorProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def admin(self, method: str, path: str, body: dict[str, Any] | None = None, timeout: float = 120) -> Any:
        """Call ``/__emulator__/<path>`` (``state``, ``reset``, ``seed``, ``config``, ``stats``...)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.base_url}/__emulator__/{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())
