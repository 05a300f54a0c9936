"""Pure units: the rate limiter, error-body parsing, connection settings, provider info."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from airflow_provider_wistia import get_provider_info
from airflow_provider_wistia.exceptions import describe_error_body, error_for_status
from airflow_provider_wistia.hooks.settings import is_loopback_host, settings_from_connection
from airflow_provider_wistia.ratelimit import SlidingWindowRateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_sliding_window_never_exceeds_limit_in_any_window() -> None:
    clock = FakeClock()
    limiter = SlidingWindowRateLimiter(10, 60.0, clock=clock, sleep=clock.sleep)
    sent = []
    for _ in range(35):
        slot = limiter.acquire()
        sent.append(clock.now)
        clock.now += 0.5  # each request takes half a second
        limiter.release(slot)
    for i, start in enumerate(sent):
        in_window = [t for t in sent[i:] if t < start + 60.0]
        assert len(in_window) <= 10
    # A token bucket would let 20 through in the first minute; the window lets exactly 10.
    assert sum(1 for t in sent if t < 60.0) == 10


def test_slot_counts_from_when_the_answer_arrived() -> None:
    clock = FakeClock()
    limiter = SlidingWindowRateLimiter(1, 10.0, clock=clock, sleep=clock.sleep)
    slot = limiter.acquire()
    clock.now = 3.0  # slow answer
    limiter.release(slot)
    limiter.acquire()
    assert clock.now == pytest.approx(13.0)


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (
            b'{"error": "Project with ID \'x\' not found."}',
            "application/json",
            "Project with ID 'x' not found.",
        ),
        (
            b'{"error": {"code": "upload_failed", "detail": "no file"}}',
            "application/json",
            "upload_failed: no file",
        ),
        (b'["a@b.c is already shared on this project."]', "application/json", "a@b.c is already shared"),
        (b'{"errors": {"name": ["is missing"]}}', "application/json", "is missing"),
        (b"Rate limit exceeded", "text/plain", "Rate limit exceeded"),
        (b"<html><body>Bad gateway</body></html>", "text/html", "HTML"),
        (b"", None, "empty"),
        (None, None, "empty"),
    ],
)
def test_error_bodies_become_readable_text(body, content_type, expected: str) -> None:
    assert expected in describe_error_body(body, content_type)


@given(st.binary(max_size=2000), st.one_of(st.none(), st.text(max_size=40)))
def test_error_body_parser_never_raises_on_any_bytes(body: bytes, content_type: str | None) -> None:
    text = describe_error_body(body, content_type)
    assert isinstance(text, str) and text and len(text) <= 500


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
    )
)
def test_error_body_parser_handles_any_json(value) -> None:
    assert isinstance(describe_error_body(json.dumps(value).encode()), str)


def test_error_for_status_maps_classes() -> None:
    names = {
        code: type(error_for_status(code, "GET", "/v1/x.json", "d")).__name__
        for code in (400, 401, 403, 404, 422, 429, 500, 503)
    }
    assert names == {
        400: "WistiaClientError",
        401: "WistiaAuthError",
        403: "WistiaAuthError",
        404: "WistiaNotFoundError",
        422: "WistiaClientError",
        429: "WistiaRateLimitError",
        500: "WistiaServerError",
        503: "WistiaRateLimitError",
    }


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.9.9.9", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("10.0.0.1", False),
        ("api.wistia.com", False),
        ("128.0.0.1", False),
        (None, False),
    ],
)
def test_loopback_detection(host, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_settings_defaults_and_repr_hides_token() -> None:
    s = settings_from_connection("c", host=None, port=None, password="secret-token", extra={})
    assert s.base_url == "https://api.wistia.com" and s.auth_type == "bearer"
    assert (
        s.rate_limit_per_minute == 600 and s.timeout == 30 and s.upload_timeout == 3600 and s.max_retries == 5
    )
    assert s.upload_url == "https://upload.wistia.com/" and s.oembed_url == "https://fast.wistia.com/oembed"
    assert s.method_override is False
    assert "secret-token" not in repr(s)
    host_only = settings_from_connection("c", host="api.wistia.com", port=None, password="t", extra={})
    assert host_only.base_url == "https://api.wistia.com"


def test_provider_info_registers_connection_type() -> None:
    info = get_provider_info()
    assert info["package-name"] == "airflow-provider-wistia"
    conn = info["connection-types"][0]
    assert conn["connection-type"] == "wistia" and conn["hook-name"] == "Wistia"
    behaviour = conn["ui-field-behaviour"]
    assert set(behaviour["hidden-fields"]) == {"login", "schema", "port"}
    assert behaviour["relabeling"] == {"host": "API base URL", "password": "API token"}
    assert behaviour["placeholders"]["host"] == "https://api.wistia.com"
    # Exactly the extras the hook reads: tests/test_connection_form.py compares them generically.
    assert {
        "auth_type",
        "rate_limit_per_minute",
        "timeout",
        "upload_timeout",
        "max_retries",
        "retry_backoff",
        "upload_url",
        "oembed_url",
        "method_override",
        "webhook_secret",
    } <= set(conn["conn-fields"])


def test_multipart_body_streams_the_file_in_chunks_with_a_known_length(tmp_path) -> None:
    from airflow_provider_wistia.hooks.multipart import CHUNK_SIZE, StreamingMultipart

    video = tmp_path / "big.mp4"
    video.write_bytes(b"x" * (CHUNK_SIZE * 3 + 17))
    body = StreamingMultipart({"project_id": "abc", "name": "Big"}, "file", str(video))
    chunks = list(body)
    assert len(chunks) >= 5 and max(len(c) for c in chunks) <= CHUNK_SIZE  # never the whole file at once
    payload = b"".join(chunks)
    assert len(payload) == len(body)  # sent with a Content-Length, not chunked
    assert b'name="file"; filename="big.mp4"' in payload and b"Content-Type: video/mp4" in payload
    assert payload.endswith(f"--{body.boundary}--\r\n".encode())
