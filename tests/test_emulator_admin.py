"""Emulator tests for the Python API, the admin HTTP API, the CLI, a wystia-style client and
the streaming multipart parser."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.emulator.multipart import BodyReader, parse_multipart

TOKEN = "test-token"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def emu() -> Iterator[WistiaEmulator]:
    with WistiaEmulator(tokens=(TOKEN,)) as emulator:
        yield emulator


# -- Python API --------------------------------------------------------------------------------
def test_python_api_returns_copies_and_none_for_unknown() -> None:
    emu = WistiaEmulator()  # usable before start()
    project = emu.create_project("P", description="d", public=True)
    media = emu.create_media("clip.mp4", project_id=project["hashedId"], media_type="Video", status="ready")
    sharing = emu.create_sharing(project["hashedId"], "a@example.com", can_download=True)
    assert sharing["canDownload"] is True and sharing["canShare"] is False
    media["name"] = "mutated"
    assert emu.get_media(media["hashed_id"])["name"] == "clip.mp4"  # type: ignore[index]
    assert emu.get_project("nope") is None and emu.get_media("nope") is None
    assert emu.get_sharing(project["hashedId"], 999) is None and emu.get_sharing("nope", 1) is None
    assert [p["hashedId"] for p in emu.list_projects()] == [project["hashedId"]]
    assert len(emu.list_medias(project_id=project["hashedId"])) == 1
    assert emu.list_sharings(project["hashedId"])[0]["id"] == sharing["id"]
    with pytest.raises(KeyError):
        emu.create_media("x.mp4", project_id="nope")
    with pytest.raises(ValueError):
        emu.create_sharing(project["hashedId"], "a@example.com")
    with pytest.raises(ValueError):
        emu.create_media("x.mp4", status="done")
    assert emu.create_media("untyped")["type"] == "Video"
    assert emu.create_media("deck.pdf")["type"] == "PdfDocument"
    emu.reset()
    assert emu.list_projects() == [] and emu.list_medias() == []
    with pytest.raises(RuntimeError):
        _ = emu.base_url


def test_seed_medias_bulk_is_fast_and_unique() -> None:
    emu = WistiaEmulator()
    started = time.monotonic()
    ids = emu.seed_medias(20_000, non_video_every=10)
    assert time.monotonic() - started < 5
    assert len(set(ids)) == 20_000
    assert all(len(h) == 10 and re.fullmatch(r"[0-9a-z]{10}", h) for h in ids[:500])
    medias = emu.list_medias()
    assert [m["id"] for m in medias] == sorted(m["id"] for m in medias)
    assert sum(1 for m in medias if m["type"] != "Video") == 2_000


def test_seed_demo() -> None:
    emu = WistiaEmulator()
    emu.seed_demo()
    projects = emu.list_projects()
    template = [p for p in projects if p["name"] == "Template"]
    assert len(template) == 1 and template[0]["mediaCount"] == 3
    medias = emu.list_medias()
    assert 15 <= len(medias) <= 25 and 2 <= sum(1 for m in medias if m["type"] != "Video") <= 5
    assert sum(len(emu.list_sharings(p["hashedId"])) for p in projects) == 1


def test_concurrent_writes_get_unique_ids(emu: WistiaEmulator) -> None:
    def worker(n: int) -> None:
        with requests.Session() as s:
            s.headers["Authorization"] = f"Bearer {TOKEN}"
            for i in range(25):
                assert s.post(emu.base_url + "/v1/projects", data={"name": f"w{n}-{i}"}).status_code == 201

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    projects = emu.list_projects()
    assert len(projects) == 200
    assert len({p["id"] for p in projects}) == 200 and len({p["hashedId"] for p in projects}) == 200


def test_request_log_is_bounded() -> None:
    from airflow_provider_wistia.emulator import emulator as module

    assert module.REQUEST_LOG_SIZE == 100_000
    assert WistiaEmulator()._log.maxlen == 100_000


# -- admin API ---------------------------------------------------------------------------------
def test_admin_api(emu: WistiaEmulator) -> None:
    admin = emu.base_url + "/__emulator__"
    assert requests.post(admin + "/seed", json={"demo": True}, timeout=5).status_code == 200
    state = requests.get(admin + "/state", timeout=5).json()
    assert {"projects", "medias", "sharings"} <= set(state)
    assert any(p["name"] == "Template" for p in state["projects"])
    assert sum(len(v) for v in state["sharings"].values()) == 1

    project = requests.post(admin + "/projects", json={"name": "Admin made"}, timeout=5).json()
    ids = requests.post(admin + "/seed", json={"medias": 5, "project_id": project["hashedId"]}, timeout=5)
    assert len(ids.json()["medias"]) == 5 and emu.get_project(project["hashedId"])["mediaCount"] == 5  # type: ignore[index]
    media = requests.post(admin + "/medias", json={"name": "q.mp4", "status": "queued"}, timeout=5).json()
    hid = media["hashed_id"]
    r = requests.post(f"{admin}/medias/{hid}/lifecycle", json={"statuses": ["queued", "failed"]}, timeout=5)
    assert r.status_code == 200 and r.json()["status"] == "queued"
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {TOKEN}"
    assert s.get(f"{emu.base_url}/v1/medias/{hid}").json()["status"] == "failed"
    requests.post(f"{admin}/medias/{hid}/status", json={"status": "ready"}, timeout=5)
    assert emu.get_media(hid)["status"] == "ready"  # type: ignore[index]
    requests.post(f"{admin}/medias/{hid}/stats", json={"plays": 7}, timeout=5)
    assert s.get(f"{emu.base_url}/v1/stats/medias/{hid}").json()["play_count"] == 7

    assert requests.post(admin + "/faults", json={"kind": "status", "status": 504}, timeout=5).ok
    assert s.get(emu.base_url + "/v1/projects").status_code == 504
    assert requests.post(
        admin + "/faults", json={"random": {"rate": 1.0, "kinds": ["garbage"], "seed": 3}}, timeout=5
    ).ok
    assert s.get(emu.base_url + "/v1/projects").headers["Content-Type"].startswith("text/html")
    assert requests.delete(admin + "/faults", timeout=5).ok
    assert s.get(emu.base_url + "/v1/projects").status_code == 200
    assert requests.post(admin + "/faults", json={"kind": "nope"}, timeout=5).status_code == 400

    config = requests.post(
        admin + "/config",
        json={
            "rate_limit_per_minute": 1,
            "rate_limit_status": 503,
            "rate_limit_window_seconds": 30,
            "tokens": [TOKEN, "fresh"],
        },
        timeout=5,
    ).json()
    assert config["rate_limit_per_minute"] == 1 and config["rate_limit_status"] == 503
    fresh = {"Authorization": "Bearer fresh"}  # its window is still empty
    assert requests.get(emu.base_url + "/v1/projects", headers=fresh, timeout=5).status_code == 200
    assert requests.get(emu.base_url + "/v1/projects", headers=fresh, timeout=5).status_code == 503
    for _ in range(5):  # admin calls are never rate limited
        assert requests.get(admin + "/stats", timeout=5).status_code == 200
    stats = requests.get(admin + "/stats", timeout=5).json()
    assert stats["request_count"] == emu.request_count == 7
    assert stats["rate_limited_count"] == 1 and stats["max_requests_in_any_window"] >= 1
    assert stats["faults_injected"] == {"status": 1, "garbage": 1}
    log = requests.get(admin + "/requests?limit=2", timeout=5).json()
    assert [r["status"] for r in log] == [200, 503]

    assert requests.post(admin + "/reset", timeout=5).ok
    assert requests.get(admin + "/state", timeout=5).json() == {"projects": [], "medias": [], "sharings": {}}
    assert emu.request_count == 0 and emu.requests == [] and emu.faults_injected == {}
    assert requests.get(admin + "/nothing", timeout=5).status_code == 405
    assert requests.post(admin + "/nothing", json={}, timeout=5).status_code == 404


# -- CLI ---------------------------------------------------------------------------------------
def test_cli_starts_answers_and_stops() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "airflow_provider_wistia.emulator",
            "--port",
            "0",
            "--token",
            "cli-secret",
            "--seed",
            "demo",
            "--rate-limit",
            "50",
            "--rate-limit-status",
            "503",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=str(ROOT),
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:(\d+))", line)
        assert match, line
        assert "cli-secret" not in line and int(match.group(2)) > 0
        url = match.group(1)
        r = requests.get(url + "/v1/projects.json", headers={"Authorization": "Bearer cli-secret"}, timeout=5)
        assert r.status_code == 200 and any(p["name"] == "Template" for p in r.json())
        assert requests.get(url + "/v1/projects.json", timeout=5).status_code == 401
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# -- a client in the style of the public `wystia` library -------------------------------------
class WystiaStyleClient:
    """Mirrors wystia 1.2: Basic ('api', token), list_page loop, params= on POST/PUT, json= on copy."""

    def __init__(self, api_url: str, upload_url: str, token: str) -> None:
        self.api_url, self.upload_url, self.token = api_url, upload_url, token
        self.session = requests.Session()
        self.session.auth = ("api", token)

    def list_page(
        self,
        path: str,
        data_key: str | None = None,
        per_page: int = 100,
        params: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        data: list[dict[str, Any]] = []
        page = 1
        while True:
            query = {**(params or {}), "page": page, "per_page": per_page}
            r = self.session.get(self.api_url + path, params=query)
            r.raise_for_status()
            page_data = r.json()[data_key] if data_key else r.json()
            data.extend(page_data)
            if len(page_data) != per_page:
                return data
            page += 1


def test_wystia_style_client(emu: WistiaEmulator) -> None:
    client = WystiaStyleClient(emu.base_url + "/v1/", emu.upload_url, TOKEN)
    r = client.session.post(
        client.api_url + "projects.json", params={"name": "Wystia", "anonymousCanUpload": "1", "public": "0"}
    )
    r.raise_for_status()
    project = r.json()["hashedId"]
    assert emu.get_project(project)["anonymousCanUpload"] is True  # type: ignore[index]
    emu.seed_medias(250, project_id=project)
    emu.seed_medias(30)
    assert len(client.list_page("medias.json", params={"project_id": project})) == 250
    assert len(client.list_page("projects.json")) == 2
    medias = client.list_page(
        f"projects/{project}.json", data_key="medias", per_page=500, params={"project_id": project}
    )
    assert len(medias) == 250

    video = medias[0]["hashed_id"]
    client.session.put(client.api_url + f"medias/{video}.json", data={"name": "Renamed"}).raise_for_status()
    assert emu.get_media(video)["name"] == "Renamed"  # type: ignore[index]
    copied = client.session.post(client.api_url + f"medias/{video}/copy.json", json={"project_id": project})
    assert copied.status_code == 201 and copied.json()["project"]["hashed_id"] == project
    stats = client.session.get(client.api_url + f"medias/{video}/stats.json").json()
    assert "plays" in stats["stats"]
    assert client.session.delete(client.api_url + f"medias/{video}.json").status_code == 200
    assert emu.get_media(video) is None

    upload = client.session.post(
        client.upload_url,
        files={"file": ("movie.mp4", io.BytesIO(b"m" * 5000))},
        data={"name": "movie.mp4", "access_token": TOKEN, "project_id": project},
    )
    assert upload.status_code == 200 and upload.json()["status"] == "queued"
    link = client.session.post(
        client.upload_url, data={"url": "https://e.com/v/clip.mov", "name": "clip.mov", "access_token": TOKEN}
    )
    assert link.status_code == 200 and link.json()["name"] == "clip.mov"
    # The request log keeps each body's fields, but never a token sent in one.
    file_post, url_post = [r for r in emu.requests if r.path == "/"][-2:]
    assert (file_post.body_kind, file_post.body["name"]) == ("multipart", "movie.mp4")
    assert (url_post.body_kind, url_post.body["url"]) == ("form", "https://e.com/v/clip.mov")
    assert file_post.body["access_token"] == url_post.body["access_token"] == "<redacted>"
    assert TOKEN not in repr(emu.requests)
    assert client.session.delete(client.api_url + f"projects/{project}.json").status_code == 200


# -- streaming multipart parser ----------------------------------------------------------------
class Trickle(io.RawIOBase):
    """A stream that returns at most ``step`` bytes per read, to move chunk boundaries around."""

    def __init__(self, data: bytes, step: int) -> None:
        self._data, self._pos, self._step = data, 0, step

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        n = self._step if size < 0 else min(size, self._step)
        out = self._data[self._pos : self._pos + n]
        self._pos += len(out)
        return out

    def readline(self, size: int = -1) -> bytes:  # type: ignore[override]
        end = self._data.find(b"\n", self._pos)
        end = len(self._data) if end < 0 else end + 1
        if size >= 0:
            end = min(end, self._pos + size)
        out = self._data[self._pos : end]
        self._pos = end
        return out


@settings(max_examples=60, deadline=None)
@given(
    fields=st.lists(st.tuples(st.text("abcxyz_", min_size=1, max_size=8), st.text(max_size=40)), max_size=4),
    content=st.binary(max_size=3000),
    step=st.integers(min_value=1, max_value=700),
    chunked=st.booleans(),
)
def test_multipart_parser_property(
    fields: list[tuple[str, str]], content: bytes, step: int, chunked: bool
) -> None:
    boundary = "XyZ--boundary"
    content = content.replace(b"--" + boundary.encode(), b"")  # a real encoder picks an absent boundary
    fields = [(name, value.replace("--" + boundary, "")) for name, value in fields]
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.bin"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    if chunked:
        pieces = [body[i : i + 97] for i in range(0, len(body), 97)]
        wire = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces)
        reader = BodyReader(Trickle(wire + b"0\r\n\r\n", step), None, True)  # type: ignore[arg-type]
    else:
        reader = BodyReader(Trickle(body, step), len(body), False)  # type: ignore[arg-type]
    got_fields, files = parse_multipart(reader, boundary)
    assert got_fields == fields
    assert len(files) == 1 and files[0].filename == "f.bin" and files[0].size == len(content)
    assert reader.read() == b""
