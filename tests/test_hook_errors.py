"""Errors, retries, rate limits and secrets, against the emulator's real fault modes."""

from __future__ import annotations

import logging
import time

import pytest
from conftest import TOKEN

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.exceptions import (
    WistiaAuthError,
    WistiaClientError,
    WistiaConfigError,
    WistiaError,
    WistiaNotFoundError,
    WistiaRateLimitError,
    WistiaServerError,
)
from airflow_provider_wistia.hooks.wistia import WistiaHook


def _count(emu: WistiaEmulator, method: str, path: str) -> int:
    return sum(1 for r in emu.requests if r.method == method and r.path.startswith(path))


def test_error_classes_carry_method_path_status_and_wistia_text(
    hook: WistiaHook, emulator: WistiaEmulator, set_connection
) -> None:
    with pytest.raises(WistiaNotFoundError) as missing:
        hook.get_project("nosuchproj")
    assert missing.value.status_code == 404
    assert "GET /v1/projects/nosuchproj.json" in str(missing.value) and "404" in str(missing.value)
    assert "not found" in str(missing.value).lower()

    pid = emulator.create_project("P")["hashedId"]
    hook.create_sharing(pid, "dup@example.com")
    with pytest.raises(WistiaClientError) as dup:
        hook.create_sharing(pid, "dup@example.com")
    assert dup.value.status_code == 400 and "already shared" in str(dup.value)

    image = emulator.create_media("a.png", project_id=pid, media_type="Image")
    with pytest.raises(WistiaClientError) as stats:
        hook.get_media_stats(image["hashed_id"])
    assert stats.value.status_code == 400

    set_connection(token="not-the-token")
    with pytest.raises(WistiaAuthError) as auth:
        WistiaHook().get_account()
    assert auth.value.status_code == 401 and "Invalid credentials" in str(auth.value)
    assert "not-the-token" not in str(auth.value)
    assert all(isinstance(e.value, WistiaError) for e in (missing, dup, stats, auth))


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured(hook: WistiaHook, emulator: WistiaEmulator, status: int) -> None:
    emulator.add_fault("rate_limit", method="GET", path="/v1/account", status=status, retry_after=1, times=1)
    started = time.monotonic()
    assert hook.get_account()["name"]
    assert time.monotonic() - started >= 1.0  # waited what the server asked, not the 10 ms backoff
    assert _count(emulator, "GET", "/v1/account") == 2


def test_rate_limit_still_refused_after_retries(set_connection, emulator: WistiaEmulator) -> None:
    set_connection(max_retries=2)
    emulator.add_fault("rate_limit", path="/v1/account", status=429, retry_after=0, times=10)
    with pytest.raises(WistiaRateLimitError) as err:
        WistiaHook().get_account()
    assert err.value.status_code == 429
    assert _count(emulator, "GET", "/v1/account") == 3


@pytest.mark.parametrize("status", [500, 502, 504])
def test_get_put_delete_retry_server_errors(hook: WistiaHook, emulator: WistiaEmulator, status: int) -> None:
    pid = emulator.create_project("P")["hashedId"]
    emulator.add_fault("status", method="PUT", path="/v1/projects", status=status, times=2)
    assert hook.update_project(pid, name="Renamed")["name"] == "Renamed"
    assert _count(emulator, "PUT", "/v1/projects") == 3
    emulator.add_fault("status", method="DELETE", path="/v1/projects", status=status, times=1)
    hook.delete_project(pid)
    assert emulator.get_project(pid) is None


def test_connection_drops_and_garbage_are_retried_for_reads(
    hook: WistiaHook, emulator: WistiaEmulator
) -> None:
    emulator.create_project("P")
    emulator.add_fault("reset_before", method="GET", path="/v1/projects", times=1)
    emulator.add_fault("garbage", method="GET", path="/v1/projects", times=1)
    emulator.add_fault("reset_after", method="GET", path="/v1/projects", times=1)
    assert [p["name"] for p in hook.list_projects()] == ["P"]
    assert _count(emulator, "GET", "/v1/projects") == 4


def test_read_timeout_is_retried_for_get(set_connection, emulator: WistiaEmulator) -> None:
    set_connection(timeout=0.3)
    emulator.add_fault("slow", method="GET", path="/v1/account", delay=1.0, times=1)
    assert WistiaHook().get_account()["name"]
    deadline = time.monotonic() + 5  # the slow attempt is logged once its late answer is written
    while _count(emulator, "GET", "/v1/account") < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _count(emulator, "GET", "/v1/account") == 2


def test_post_is_not_blindly_retried_after_commit_then_500(
    hook: WistiaHook, emulator: WistiaEmulator
) -> None:
    emulator.add_fault("commit_then_500", method="POST", path="/v1/projects", times=1)
    with pytest.raises(WistiaServerError) as err:
        hook.create_project("Only once")
    assert "may have been applied" in str(err.value)
    assert _count(emulator, "POST", "/v1/projects") == 1
    assert [p["name"] for p in emulator.list_projects()] == ["Only once"]  # committed once, not twice


def test_post_not_retried_after_connection_dropped_mid_request(
    hook: WistiaHook, emulator: WistiaEmulator
) -> None:
    emulator.add_fault("reset_after", method="POST", path="/v1/projects", times=1)
    with pytest.raises(WistiaServerError):
        hook.create_project("Dropped")
    assert _count(emulator, "POST", "/v1/projects") == 1
    assert len(emulator.list_projects()) == 1


def test_post_is_retried_when_rate_limited(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    emulator.add_fault("rate_limit", method="POST", path="/v1/projects", status=429, retry_after=0, times=1)
    hook.create_project("After the limiter")
    assert _count(emulator, "POST", "/v1/projects") == 2
    assert len(emulator.list_projects()) == 1


def test_four_xx_is_never_retried(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    with pytest.raises(WistiaNotFoundError):
        hook.get_media("missing123")
    assert _count(emulator, "GET", "/v1/medias") == 1


def test_emulator_rate_limit_is_respected_by_client_limiter(set_connection, emulator: WistiaEmulator) -> None:
    emulator.configure(rate_limit_per_minute=5, rate_limit_window_seconds=1.0)
    set_connection(rate_limit_per_minute=5)
    hook = WistiaHook()
    hook.rate_limiter.window = 1.0  # the same 5-per-window budget on a 1 s window keeps the test short
    for _ in range(12):
        hook.get_account()
    assert emulator.rate_limited_count == 0
    assert emulator.max_requests_in_any_window() <= 5


@pytest.mark.parametrize(
    ("host", "problem"),
    [
        ("http://api.wistia.com", "unencrypted"),
        ("http://10.1.2.3:8080", "unencrypted"),
        ("ftp://example.com", "not an http"),
    ],
)
def test_plain_http_to_non_loopback_is_refused(set_connection, emulator, host: str, problem: str) -> None:
    set_connection(host=host)
    with pytest.raises(WistiaConfigError, match=problem):
        WistiaHook().get_account()
    assert emulator.request_count == 0


@pytest.mark.parametrize("host", ["http://127.0.0.2:1", "http://localhost:1", "http://[::1]:1"])
def test_loopback_http_is_allowed(set_connection, host: str) -> None:
    set_connection(host=host)
    assert WistiaHook().settings.base_url == host


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"auth_type": "oauth"}, "auth_type"),
        ({"rate_limit_per_minute": "fast"}, "rate_limit_per_minute"),
        ({"method_override": "maybe"}, "method_override"),
    ],
)
def test_bad_extras_fail_before_any_request(set_connection, emulator, extra: dict, message: str) -> None:
    set_connection(**extra)
    with pytest.raises(WistiaConfigError, match=message):
        WistiaHook().get_account()
    assert emulator.request_count == 0


def test_empty_token_names_the_connection(set_connection, emulator) -> None:
    set_connection(token="   ")
    with pytest.raises(WistiaConfigError, match="'wistia_default' has no API token"):
        WistiaHook().get_account()
    assert emulator.request_count == 0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda h: h.get_media(""), "media_id"),
        (lambda h: h.get_media("   "), "media_id"),
        (lambda h: h.get_project(None), "project_id"),
        (lambda h: h.get_sharing("abc", "twelve"), "sharing_id"),
        (lambda h: h.delete_sharing("abc", 1.5), "sharing_id"),
        (lambda h: h.list_projects(per_page=500), "per_page"),
        (lambda h: h.create_project("  "), "name"),
        (lambda h: h.get_media("a/../b"), "media_id"),
    ],
)
def test_bad_input_fails_before_any_request(hook: WistiaHook, emulator, call, message: str) -> None:
    with pytest.raises(WistiaConfigError, match=message):
        call(hook)
    assert emulator.request_count == 0


def test_token_never_in_url_logs_or_errors(
    hook: WistiaHook, emulator: WistiaEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    emulator.add_fault("status", method="GET", path="/v1/account", status=500, times=1)
    hook.get_account()
    pid = hook.create_project("Secret-free")["hashedId"]
    with pytest.raises(WistiaError) as err:
        hook.get_media("nope000000")
    assert TOKEN not in str(err.value) and TOKEN not in repr(hook.settings)
    assert all(TOKEN not in r.raw_path for r in emulator.requests)
    assert TOKEN not in caplog.text
    assert emulator.get_project(pid) is not None
    assert "retrying" in caplog.text  # the retry was logged, without the token
