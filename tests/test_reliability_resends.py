"""Resends that must (and must not) happen: POST after 503, DELETE whose answer was lost.

Issue 10 items 4 and 5. The emulator's ``rate_limit`` fault answers 503 with ``Retry-After``
without processing; ``status`` 503 answers without it; ``reset_after`` applies the request and
then drops the connection.
"""

from __future__ import annotations

import pytest
import wistia_test_reliability_writes as dags
from conftest import task_states, xcom

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.exceptions import WistiaNotFoundError, WistiaRateLimitError
from airflow_provider_wistia.hooks.wistia import WistiaHook


def _sent(emulator: WistiaEmulator, method: str, path_prefix: str) -> list[int]:
    return [r.status for r in emulator.requests if r.method == method and r.path.startswith(path_prefix)]


def test_post_answered_503_with_retry_after_is_resent_once_applied(
    hook: WistiaHook, emulator: WistiaEmulator
) -> None:
    emulator.add_fault("rate_limit", status=503, retry_after=0, method="POST", times=2)
    project = hook.create_project("Launch")
    assert _sent(emulator, "POST", "/v1/projects") == [503, 503, 201]
    assert [p["hashedId"] for p in emulator.list_projects()] == [project["hashedId"]]


def test_post_answered_503_without_retry_after_is_not_resent(
    hook: WistiaHook, emulator: WistiaEmulator
) -> None:
    emulator.add_fault("status", status=503, method="POST", times=1)
    with pytest.raises(WistiaRateLimitError, match=r"503.*may have been applied by Wistia"):
        hook.create_project("Launch")
    assert _sent(emulator, "POST", "/v1/projects") == [503]


def test_get_answered_503_without_retry_after_is_retried(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    emulator.add_fault("status", status=503, method="GET", times=1)
    assert hook.get_account()["name"]
    assert _sent(emulator, "GET", "/v1/account") == [503, 200]


def test_resent_delete_answered_404_returns_none(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    media = emulator.create_media("Old.mp4")["hashed_id"]
    emulator.add_fault("reset_after", method="DELETE", times=1)
    assert hook.delete_media(media) is None
    assert emulator.get_media(media) is None
    assert _sent(emulator, "DELETE", "/v1/medias/") == [0, 404]
    # A first DELETE answered 404 is still an error: only a resend proves the object was deleted.
    with pytest.raises(WistiaNotFoundError):
        hook.delete_media(media)


def test_delete_answered_by_a_dropped_connection_after_it_was_applied_succeeds(
    run_dag, emulator: WistiaEmulator, capfd: pytest.CaptureFixture[str]
) -> None:
    media = emulator.create_media("Old.mp4")["hashed_id"]
    emulator.add_fault("reset_after", method="DELETE", path="^/v1/medias/", times=1)
    dr = run_dag(dags.delete_resent_dag, {"media_id": media})
    assert task_states(dr) == {"delete_media": "success"}
    assert [ti.try_number for ti in dr.get_task_instances()] == [1]
    assert xcom(dr, "delete_media") is None
    assert emulator.get_media(media) is None
    assert _sent(emulator, "DELETE", "/v1/medias/") == [0, 404]
    assert "was already gone: the first DELETE was applied" in "".join(capfd.readouterr())
