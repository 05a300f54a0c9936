"""Emulator tests for what reliability code depends on: rate limiting, fault injection,
the media processing lifecycle, the Upload API and keep-alive behaviour."""

from __future__ import annotations

import http.client
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from airflow_provider_wistia.emulator import WistiaEmulator

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def emu() -> Iterator[WistiaEmulator]:
    with WistiaEmulator(tokens=(TOKEN, "other-token")) as emulator:
        yield emulator


@pytest.fixture
def session() -> Iterator[requests.Session]:
    s = requests.Session()
    s.headers.update(AUTH)
    yield s
    s.close()


def _projects(emu: WistiaEmulator) -> list[str]:
    return [p["name"] for p in emu.list_projects()]


# -- rate limiting -----------------------------------------------------------------------------
@pytest.mark.parametrize("status", [429, 503])
def test_rate_limit_and_recovery(emu: WistiaEmulator, session: requests.Session, status: int) -> None:
    emu.configure(rate_limit_per_minute=5, rate_limit_window_seconds=1.0, rate_limit_status=status)
    url = emu.base_url + "/v1/account.json"
    assert [session.get(url).status_code for _ in range(5)] == [200] * 5
    refused = session.get(url)
    assert refused.status_code == status
    assert refused.headers["Content-Type"].startswith("text/plain")
    assert refused.text == "Rate limit exceeded"
    assert refused.headers["Retry-After"] == "1"
    for _ in range(10):  # refused requests do not count toward the window
        assert session.get(url).status_code == status
    assert emu.rate_limited_count == 11
    # other tokens have their own window
    assert requests.get(url, headers={"Authorization": "Bearer other-token"}, timeout=5).status_code == 200
    time.sleep(1.05)
    assert [session.get(url).status_code for _ in range(5)] == [200] * 5
    assert session.get(url).status_code == status
    assert emu.max_requests_in_any_window() == 5


def test_rate_limit_retry_after_counts_down(emu: WistiaEmulator, session: requests.Session) -> None:
    emu.configure(rate_limit_per_minute=2, rate_limit_window_seconds=5.0)
    url = emu.base_url + "/v1/projects"
    session.get(url)
    session.get(url)
    retry_after = int(session.get(url).headers["Retry-After"])
    assert 1 <= retry_after <= 5


def test_uploads_count_toward_the_rate_limit(emu: WistiaEmulator, session: requests.Session) -> None:
    emu.configure(rate_limit_per_minute=2, rate_limit_window_seconds=30.0)
    assert session.post(emu.upload_url, data={"url": "https://example.com/a.mp4"}).status_code == 200
    assert session.get(emu.base_url + "/v1/medias").status_code == 200
    assert session.post(emu.upload_url, data={"url": "https://example.com/b.mp4"}).status_code == 429
    assert len(emu.list_medias()) == 1


def test_unauthenticated_and_admin_requests_do_not_count(
    emu: WistiaEmulator, session: requests.Session
) -> None:
    emu.configure(rate_limit_per_minute=1, rate_limit_window_seconds=30.0)
    for _ in range(3):
        assert requests.get(emu.base_url + "/v1/projects", timeout=5).status_code == 401
        assert requests.get(emu.base_url + "/__emulator__/stats", timeout=5).status_code == 200
    assert session.get(emu.base_url + "/v1/projects").status_code == 200
    assert session.get(emu.base_url + "/v1/projects").status_code == 429


# -- faults ------------------------------------------------------------------------------------
def test_fault_status_is_not_processed(emu: WistiaEmulator, session: requests.Session) -> None:
    emu.add_fault("status", method="POST", path=r"^/v1/projects", status=502)
    r = session.post(emu.base_url + "/v1/projects.json", data={"name": "A"})
    assert r.status_code == 502 and r.json() == {"error": "Internal server error"}
    assert _projects(emu) == []
    assert session.post(emu.base_url + "/v1/projects.json", data={"name": "A"}).status_code == 201
    assert _projects(emu) == ["A"] and emu.faults_injected == {"status": 1}


def test_fault_rate_limit(emu: WistiaEmulator, session: requests.Session) -> None:
    emu.add_fault("rate_limit", retry_after=7)
    emu.add_fault("rate_limit", status=503, retry_after=2)
    first = session.post(emu.base_url + "/v1/projects", data={"name": "A"})
    assert first.status_code == 429 and first.headers["Retry-After"] == "7"
    assert first.text == "Rate limit exceeded"
    second = session.get(emu.base_url + "/v1/projects")
    assert second.status_code == 503 and second.headers["Retry-After"] == "2"
    assert _projects(emu) == [] and emu.faults_injected == {"rate_limit": 2}
    assert emu.max_requests_in_any_window() == 0
    emu.add_fault("rate_limit", retry_after=0)  # lets client tests retry without sleeping
    assert session.get(emu.base_url + "/v1/projects").headers["Retry-After"] == "0"


def test_fault_reset_before(emu: WistiaEmulator, session: requests.Session) -> None:
    emu.add_fault("reset_before", method="POST")
    with pytest.raises(requests.ConnectionError):
        session.post(emu.base_url + "/v1/projects", data={"name": "A"})
    assert _projects(emu) == []
    assert session.post(emu.base_url + "/v1/projects", data={"name": "A"}).status_code == 201
    assert emu.requests[-2].status == 0


def test_fault_reset_after_commits(emu: WistiaEmulator, session: requests.Session) -> None:
    emu.add_fault("reset_after", method="POST", path="/v1/projects")
    with pytest.raises(requests.ConnectionError):
        session.post(emu.base_url + "/v1/projects", data={"name": "A"})
    assert _projects(emu) == ["A"]


def test_fault_commit_then_500(emu: WistiaEmulator, session: requests.Session) -> None:
    hid = emu.create_project("P")["hashedId"]
    emu.add_fault("commit_then_500", method="DELETE")
    r = session.delete(f"{emu.base_url}/v1/projects/{hid}.json")
    assert r.status_code == 500 and r.json() == {"error": "Internal server error"}
    assert emu.get_project(hid) is None


def test_fault_slow(emu: WistiaEmulator, session: requests.Session) -> None:
    emu.add_fault("slow", delay=0.6)
    with pytest.raises(requests.Timeout):
        session.post(emu.base_url + "/v1/projects", data={"name": "A"}, timeout=0.2)
    assert _projects(emu) == ["A"]
    emu.add_fault("slow", delay=0.2)
    started = time.monotonic()
    assert session.get(emu.base_url + "/v1/projects", timeout=5).status_code == 200
    assert time.monotonic() - started >= 0.2


def test_fault_garbage(emu: WistiaEmulator, session: requests.Session) -> None:
    emu.add_fault("garbage", path="medias")
    r = session.get(emu.base_url + "/v1/medias.json")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert r.text.startswith("<html")
    with pytest.raises(ValueError):
        r.json()
    assert session.get(emu.base_url + "/v1/medias.json").json() == []


def test_fault_matching_and_times(emu: WistiaEmulator, session: requests.Session) -> None:
    emu.add_fault("status", method="DELETE", times=2)
    assert session.get(emu.base_url + "/v1/projects").status_code == 200
    hid = emu.create_project("P")["hashedId"]
    url = f"{emu.base_url}/v1/projects/{hid}"
    assert session.delete(url).status_code == 500
    assert session.post(url, data={"_method": "delete"}).status_code == 500  # effective method matches
    assert session.delete(url).status_code == 200
    assert emu.faults_injected == {"status": 2}


def test_random_faults(emu: WistiaEmulator, session: requests.Session) -> None:
    emu.set_random_faults(1.0, kinds=("status",), seed=1)
    codes = {session.get(emu.base_url + "/v1/projects").status_code for _ in range(20)}
    assert codes <= {500, 502, 504} and emu.faults_injected["status"] == 20
    emu.set_random_faults(0.5, kinds=("status", "garbage"), seed=7)
    results = [session.get(emu.base_url + "/v1/projects") for _ in range(200)]
    failed = sum(1 for r in results if r.status_code != 200 or not r.text.startswith("["))
    assert 60 < failed < 140
    assert requests.get(emu.oembed_url, timeout=5).status_code == 400  # oEmbed is never faulted
    emu.clear_faults()
    assert all(session.get(emu.base_url + "/v1/projects").status_code == 200 for _ in range(20))
    with pytest.raises(ValueError):
        emu.add_fault("explode")


# -- lifecycle ---------------------------------------------------------------------------------
def _show(emu: WistiaEmulator, session: requests.Session, hid: str) -> dict[str, Any]:
    r = session.get(f"{emu.base_url}/v1/medias/{hid}.json")
    assert r.status_code == 200
    return r.json()  # type: ignore[no-any-return]


def test_lifecycle_progression(emu: WistiaEmulator, session: requests.Session) -> None:
    r = session.post(emu.upload_url, files={"file": ("clip.mp4", b"x" * 2048)})
    hid = r.json()["hashed_id"]
    assert (r.json()["status"], r.json()["progress"]) == ("queued", 0.0)
    session.get(emu.base_url + "/v1/medias")  # listing does not advance
    assert emu.get_media(hid)["status"] == "queued"  # type: ignore[index]
    processing = _show(emu, session, hid)
    assert processing["status"] == "processing" and 0.0 < processing["progress"] < 1.0
    ready = _show(emu, session, hid)
    assert ready["status"] == "ready" and ready["progress"] == 1.0
    assert ready["duration"] > 0 and len(ready["assets"]) > 1
    assert _show(emu, session, hid)["status"] == "ready"


def test_lifecycle_polls_per_step_and_scripts(emu: WistiaEmulator, session: requests.Session) -> None:
    emu.configure(polls_per_step=2)
    slow = emu.create_media("slow.mp4", status="queued")["hashed_id"]
    assert [_show(emu, session, slow)["status"] for _ in range(4)] == [
        "queued",
        "processing",
        "processing",
        "ready",
    ]
    emu.configure(polls_per_step=1)
    failing = emu.create_media("bad.mp4", status="queued")["hashed_id"]
    emu.script_media_lifecycle(failing, ["queued", "processing", "failed"])
    assert [_show(emu, session, failing)["status"] for _ in range(3)] == ["processing", "failed", "failed"]
    stuck = emu.create_media("stuck.mp4")["hashed_id"]
    emu.script_media_lifecycle(stuck, ["queued"])
    assert {_show(emu, session, stuck)["status"] for _ in range(5)} == {"queued"}
    emu.set_media_status(stuck, "ready")
    assert _show(emu, session, stuck)["status"] == "ready"
    with pytest.raises(ValueError):
        emu.script_media_lifecycle(stuck, ["done"])
    with pytest.raises(KeyError):
        emu.set_media_status("missing", "ready")


# -- uploads -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("filename", "media_type"),
    [
        ("clip.mp4", "Video"),
        ("clip.MOV", "Video"),
        ("song.mp3", "Audio"),
        ("voice.wav", "Audio"),
        ("pic.png", "Image"),
        ("photo.jpg", "Image"),
        ("doc.pdf", "PdfDocument"),
        ("thing.xyz", "UnknownType"),
    ],
)
def test_upload_types(emu: WistiaEmulator, session: requests.Session, filename: str, media_type: str) -> None:
    r = session.post(emu.upload_url, files={"file": (filename, b"data")})
    assert r.status_code == 200 and r.json()["type"] == media_type


def test_upload_multipart(emu: WistiaEmulator, session: requests.Session) -> None:
    project = emu.create_project("Target")["hashedId"]
    payload = bytes(range(256)) * 4096 + b"\r\n--not-a-boundary\r\n"
    r = session.post(
        emu.upload_url,
        files={"file": ("movie.mp4", payload, "video/mp4")},
        data={"project_id": project, "description": "desc", "contact_id": "3"},
    )
    assert r.status_code == 200
    body = r.json()
    assert body["name"] == "movie.mp4" and body["type"] == "Video" and body["status"] == "queued"
    assert body["progress"] == 0.0 and body["archived"] is False and "account_id" in body
    assert len(body["hashed_id"]) == 10 and isinstance(body["id"], int)
    media = emu.get_media(body["hashed_id"])
    assert media is not None and media["project"]["hashed_id"] == project and media["description"] == "desc"
    assert media["assets"][0]["type"] == "OriginalFile" and media["assets"][0]["fileSize"] == len(payload)
    named = session.post(
        emu.upload_url + f"?project_id={project}&name=Custom", files={"file": ("x.mp4", b"1")}
    ).json()
    assert named["name"] == "Custom" and emu.get_media(named["hashed_id"])["project"]["hashed_id"] == project  # type: ignore[index]


def test_upload_chunked_streaming_body(emu: WistiaEmulator, session: requests.Session) -> None:
    boundary = "----emulatorboundary"
    chunk = b"\0" * 65536
    count = 160  # 10 MiB, sent with Transfer-Encoding: chunked

    def body() -> Iterator[bytes]:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nBig one\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\n'
            "Content-Type: video/mp4\r\n\r\n"
        ).encode()
        for _ in range(count):
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    r = session.post(
        emu.upload_url, data=body(), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    assert r.status_code == 200, r.text
    media = emu.get_media(r.json()["hashed_id"])
    assert media is not None and media["name"] == "Big one"
    assert media["assets"][0]["fileSize"] == len(chunk) * count


def test_upload_url_and_default_project(emu: WistiaEmulator, session: requests.Session) -> None:
    r = session.post(emu.upload_url, data={"url": "https://cdn.example.com/path/intro%20clip.mp4?sig=1"})
    assert r.status_code == 200
    body = r.json()
    assert body["name"] == "intro clip.mp4" and body["type"] == "Video"
    assert _projects(emu) == [time.strftime("Uploads_%Y-%m-%d", time.gmtime())]
    session.post(emu.upload_url, data={"url": "https://cdn.example.com/song.mp3"})
    assert len(emu.list_projects()) == 1 and len(emu.list_medias()) == 2


def test_upload_auth(emu: WistiaEmulator) -> None:
    files = {"file": ("clip.mp4", b"abc")}
    ok = requests.post(emu.upload_url, files=files, data={"access_token": TOKEN}, timeout=5)
    assert ok.status_code == 200
    assert (
        requests.post(
            emu.upload_url, data={"url": "https://e.com/a.mp4", "api_password": TOKEN}, timeout=5
        ).status_code
        == 200
    )
    assert requests.post(emu.upload_url, files=files, auth=("api", TOKEN), timeout=5).status_code == 200
    for kwargs in (
        {},
        {"data": {"access_token": "nope"}},
        {"params": {"access_token": TOKEN}},
        {"headers": {"Authorization": "Bearer nope"}},
    ):
        r = requests.post(emu.upload_url, files=files, timeout=5, **kwargs)  # type: ignore[arg-type]
        assert r.status_code == 401 and r.headers["Content-Type"].startswith("text/html")
        assert "Authorization error" in r.text
    assert len(emu.list_medias()) == 3


def test_upload_errors(emu: WistiaEmulator, session: requests.Session) -> None:
    r = session.post(emu.upload_url, data={"name": "nothing"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "upload_failed" and r.json()["error"]["detail"]
    unknown = session.post(emu.upload_url, data={"url": "https://e.com/a.mp4", "project_id": "nope"})
    assert unknown.status_code == 404
    assert session.get(emu.upload_url).status_code == 405
    assert emu.list_medias() == []


# -- keep-alive and the request log ------------------------------------------------------------
def test_keep_alive_single_connection(emu: WistiaEmulator) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
    conn.request("GET", "/v1/account", headers=AUTH)
    conn.getresponse().read()
    sock = conn.sock
    for i in range(300):
        conn.request(
            "POST",
            "/v1/projects.json",
            body=f"name=p{i}",
            headers={**AUTH, "Content-Type": "application/x-www-form-urlencoded"},
        )
        resp = conn.getresponse()
        assert resp.status == 201 and not resp.will_close
        resp.read()
    assert conn.sock is sock
    conn.close()
    assert len(emu.list_projects()) == 300


def test_request_log(emu: WistiaEmulator, session: requests.Session) -> None:
    session.get(emu.base_url + "/v1/medias.json?per_page=100&page=2")
    requests.get(emu.base_url + "/__emulator__/state", timeout=5)  # admin: not logged or counted
    assert emu.request_count == 1
    rec = emu.requests[-1]
    assert (rec.method, rec.path, rec.status) == ("GET", "/v1/medias.json", 200)
    assert rec.query == {"per_page": "100", "page": "2"}
    assert rec.raw_path == "/v1/medias.json?per_page=100&page=2"
    assert rec.headers["Authorization"] == "Bearer <redacted>" and rec.timestamp <= time.time()
