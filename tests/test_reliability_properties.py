"""Property tests: the pager against the emulator, and error bodies through the whole hook.

Hypothesis examples share one emulator (session fixture) and one hook (module fixture);
each example resets the emulator, so nothing function-scoped is used inside ``@given``.
``test_units.py`` covers ``describe_error_body`` alone; here any answer goes through the hook.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from conftest import conn_json
from hypothesis import example, given, settings
from hypothesis import strategies as st

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.exceptions import WistiaError, WistiaServerError
from airflow_provider_wistia.hooks.wistia import WistiaHook

UNLIMITED = 1_000_000
# Faults the pager must ride out; "slow" is left out only to keep examples fast.
PAGER_FAULTS = ("status", "rate_limit", "reset_before", "reset_after", "garbage", "commit_then_500")


@pytest.fixture(scope="module")
def pager_hook(emulator_server: WistiaEmulator) -> Iterator[WistiaHook]:
    """A hook on the shared emulator, with no rate limit on either side and many retries."""
    emulator_server.configure(rate_limit_per_minute=UNLIMITED, rate_limit_window_seconds=60.0)
    with pytest.MonkeyPatch.context() as mp:
        extra = {"rate_limit_per_minute": UNLIMITED, "max_retries": 10, "retry_backoff": 0}
        mp.setenv("AIRFLOW_CONN_WISTIA_DEFAULT", conn_json(emulator_server.base_url, **extra))
        hook = WistiaHook()
        yield hook
        hook.close()
    emulator_server.reset()


@settings(max_examples=25, deadline=None)
@given(total=st.integers(0, 450), per_page=st.integers(1, 100), faulty=st.booleans(), seed=st.integers(0, 99))
@example(total=0, per_page=100, faulty=False, seed=0)
@example(total=100, per_page=100, faulty=False, seed=0)  # a full last page: one empty page more
@example(total=250, per_page=100, faulty=False, seed=0)
@example(total=450, per_page=1, faulty=True, seed=1)
def test_pager_yields_every_item_exactly_once(
    pager_hook: WistiaHook,
    emulator_server: WistiaEmulator,
    total: int,
    per_page: int,
    faulty: bool,
    seed: int,
) -> None:
    emulator_server.reset()
    seeded = emulator_server.seed_medias(total)
    if faulty:  # a fifth of the page requests fail, in every way a GET can
        emulator_server.set_random_faults(0.2, kinds=PAGER_FAULTS, seed=seed, retry_after=0)

    listed = [m["hashed_id"] for m in pager_hook.iter_medias(per_page=per_page)]

    counts = Counter(listed)
    assert set(counts) == set(seeded) and set(counts.values()) <= {1}
    pages = math.ceil((total + 1) / per_page)  # a short page ends the list, maybe an empty one
    log = emulator_server.requests
    # Cursor paging: the first page by cursor[enabled], each next one after the last cursor seen.
    assert all("page" not in r.query for r in log)
    assert {r.query.get("cursor[enabled]") for r in log if "cursor[after]" not in r.query} == {"1"}
    assert len({r.query["cursor[after]"] for r in log if "cursor[after]" in r.query}) == pages - 1
    assert {r.query["per_page"] for r in log} == {str(per_page)}
    if not faulty:
        assert len(log) == pages  # ceil((N + 1) / 100) at the default page size
    else:
        assert len(log) == pages + sum(emulator_server.faults_injected.values())


class CannedAdapter(requests.adapters.BaseAdapter):
    """Answers every request with one canned status, body and content type; sends nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.status = 200
        self.body = b""
        self.content_type: str | None = None

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        response = requests.Response()
        response.status_code = self.status
        response._content = self.body
        if self.content_type is not None:
            response.headers["Content-Type"] = self.content_type
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def canned() -> Iterator[tuple[WistiaHook, CannedAdapter]]:
    """A hook whose every answer is whatever the test puts in the adapter (no retries)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIRFLOW_CONN_WISTIA_CANNED", conn_json("https://api.wistia.invalid", max_retries=0))
        hook = WistiaHook("wistia_canned")
        adapter = CannedAdapter()
        session = hook.get_conn()
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        yield hook, adapter
        hook.close()


ERROR_STATUSES = (200, 201, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504)
CONTENT_TYPES = st.one_of(
    st.none(),
    st.sampled_from(["application/json", "text/html; charset=utf-8", "text/plain", "application/xml"]),
    st.text(max_size=30),
)


@settings(max_examples=200, deadline=None)
@given(
    status=st.sampled_from(ERROR_STATUSES),
    body=st.one_of(
        st.binary(max_size=3000),
        st.text(max_size=600).map(str.encode),
        st.sampled_from([b"<html><body><h1>502 Bad Gateway</h1></body></html>", b'{"error": ', b"\xff\xfe"]),
    ),
    content_type=CONTENT_TYPES,
)
def test_any_answer_becomes_a_result_or_a_readable_wistia_error(
    canned: tuple[WistiaHook, CannedAdapter], status: int, body: bytes, content_type: str | None
) -> None:
    hook, adapter = canned
    adapter.status, adapter.body, adapter.content_type = status, body, content_type
    try:
        hook.request("POST", "projects", data={"name": "Anything"})
    except WistiaError as exc:  # anything else escaping is a failure of this test
        message = str(exc)
        assert message.startswith("Wistia API POST /v1/projects.json ")
        assert f"HTTP {status}" in message
        assert exc.detail is None or (exc.detail.strip() and len(exc.detail) <= 500)
        assert len(message) < 700 and message.isprintable()  # no raw control bytes reach the logs
    else:
        assert status < 400  # only a success may return


def test_html_instead_of_json_on_a_post_is_a_readable_server_error(
    hook: WistiaHook, emulator: WistiaEmulator
) -> None:
    emulator.add_fault("garbage", method="POST", path=r"^/v1/projects\.json$", times=1)
    with pytest.raises(WistiaServerError) as err:
        hook.create_project("Launch")
    message = str(err.value)
    assert "POST /v1/projects.json answered HTTP 200 with a non-JSON body" in message
    assert "non-JSON (HTML) response: <html><head><title>502 Bad Gateway</title>" in message
    assert len([r for r in emulator.requests if r.method == "POST"]) == 1  # a POST: not resent
    assert emulator.list_projects() == []  # the garbage answer came from a proxy, nothing was made
