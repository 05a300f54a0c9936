"""Issue 10 "exactly right on a live account": listings while the account changes, and the
emulator's cursor paging and request-log redaction that the provider relies on.

Each test reproduces the live condition against the emulator (a media deleted and another
added between two list pages, a token in a request) and asserts the emulator's state.
"""

from __future__ import annotations

import base64
import json
import random
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import requests
from conftest import TOKEN
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.emulator.common import RecordedRequest
from airflow_provider_wistia.exceptions import WistiaServerError
from airflow_provider_wistia.hooks.wistia import WistiaHook


def _api(emulator: WistiaEmulator, path: str, **params: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    return requests.get(f"{emulator.base_url}/v1/{path}", params=params, headers=headers, timeout=10)


def change_after_first_list_page(
    emulator: WistiaEmulator, change: Callable[[], None], path: str = "/v1/medias.json"
) -> None:
    """Run ``change`` once, right after the emulator served the first page of ``path``
    (before the client has it): the account changes between two pages of one listing."""
    done: list[bool] = []

    def observer(request: RecordedRequest) -> None:
        if not done and request.path == path and request.status == 200:
            done.append(True)
            change()

    emulator.request_observers.append(observer)


# -- the emulator's cursor paging (reference §3.3) -----------------------------------------------
def test_emulator_cursor_paging_as_the_reference_describes(emulator: WistiaEmulator) -> None:
    ids = emulator.seed_medias(7)
    start = {"cursor[enabled]": 1, "per_page": 3, "sort_by": "created"}
    first = _api(emulator, "medias.json", **start).json()
    assert [m["hashed_id"] for m in first] == ids[:3] and all(m["cursor"] for m in first)
    after = {"cursor[after]": first[-1]["cursor"], "per_page": 3, "sort_by": "created"}
    second = _api(emulator, "medias.json", **after).json()
    assert [m["hashed_id"] for m in second] == ids[3:6]
    before = {"cursor[before]": second[0]["cursor"], "per_page": 2, "sort_by": "created"}
    assert [m["hashed_id"] for m in _api(emulator, "medias.json", **before).json()] == ids[1:3]
    newest = _api(emulator, "medias.json", **{**start, "per_page": 100, "sort_direction": 0})
    assert [m["hashed_id"] for m in newest.json()] == ids[::-1]
    # Without a cursor parameter, records carry no cursor (plain page paging).
    assert "cursor" not in _api(emulator, "medias.json", page=1).json()[0]


def test_emulator_refuses_page_with_cursor_and_a_cursor_of_another_sort(emulator: WistiaEmulator) -> None:
    emulator.seed_medias(3)
    both = _api(emulator, "medias.json", **{"cursor[enabled]": 1, "page": 2})
    assert both.status_code == 400 and "page cannot be combined" in both.text
    by_id = _api(emulator, "medias.json", **{"cursor[enabled]": 1, "per_page": 1, "sort_by": "id"}).json()
    other = _api(emulator, "medias.json", **{"cursor[after]": by_id[0]["cursor"], "sort_by": "created"})
    assert other.status_code == 400 and "sort_by 'id'" in other.text
    name = _api(emulator, "medias.json", **{"cursor[enabled]": 1, "sort_by": "name"})
    assert name.status_code == 400 and "id or created" in name.text
    garbage = _api(emulator, "medias.json", **{"cursor[after]": "not-a-cursor"})
    assert garbage.status_code == 400


# -- consistent listings -------------------------------------------------------------------------
def test_listing_yields_each_lasting_media_once_while_medias_are_added_and_deleted(
    hook: WistiaHook, emulator: WistiaEmulator
) -> None:
    """Page 1 is served, then a media of page 1 is deleted and one is added before page 2:
    with page numbers the first media of page 2 would shift onto page 1 and be missed."""
    ids = emulator.seed_medias(25)
    added: list[str] = []

    def change() -> None:
        emulator.store.delete_media(ids[3])
        added.append(emulator.create_media("added meanwhile.mp4")["hashed_id"])

    change_after_first_list_page(emulator, change)
    listed = Counter(m["hashed_id"] for m in hook.iter_medias(per_page=10))

    lasting = set(ids) - {ids[3]}
    assert lasting <= set(listed) and set(listed.values()) == {1}  # every lasting media, once
    assert set(listed) <= set(ids) | set(added)
    assert emulator.get_media(ids[3]) is None and emulator.get_media(added[0]) is not None
    pages = [r.query for r in emulator.requests if r.path == "/v1/medias.json"]
    assert "cursor[enabled]" in pages[0] and all("cursor[after]" in q for q in pages[1:])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    total=st.integers(0, 120),
    per_page=st.integers(1, 40),
    changes=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3)), max_size=6),
    seed=st.integers(0, 99),
    newest_first=st.booleans(),
)
def test_property_every_lasting_media_once_whatever_changes_between_pages(
    hook: WistiaHook,
    emulator: WistiaEmulator,
    total: int,
    per_page: int,
    changes: list[tuple[int, int]],
    seed: int,
    newest_first: bool,
) -> None:
    """After each list page is served, ``changes[i]`` deletes some medias at random (listed
    already or not) and adds some: every media that existed throughout comes exactly once,
    and nothing else comes but medias that existed at some point."""
    emulator.reset()
    ids = emulator.seed_medias(total)
    ever, deleted = set(ids), set()
    rng = random.Random(seed)
    pending = list(changes)

    def change(request: RecordedRequest) -> None:
        if request.path != "/v1/medias.json" or request.status != 200 or not pending:
            return
        deletes, adds = pending.pop(0)
        alive = sorted(set(ever) - deleted)
        for hid in rng.sample(alive, min(deletes, len(alive))):
            emulator.store.delete_media(hid)
            deleted.add(hid)
        for _ in range(adds):
            ever.add(emulator.create_media("added.mp4")["hashed_id"])

    emulator.request_observers.append(change)
    direction = 0 if newest_first else 1
    listed = Counter(m["hashed_id"] for m in hook.iter_medias(per_page=per_page, sort_direction=direction))

    assert set(ids) - deleted <= set(listed) and set(listed.values()) <= {1}
    assert set(listed) <= ever


def test_page_numbered_orders_and_projects_are_deduplicated(
    hook: WistiaHook, emulator: WistiaEmulator
) -> None:
    """Lists without cursors (projects; medias by name) never yield an item twice, even when an
    item added before the current position pushes the last one of a page onto the next."""
    existing = {emulator.create_project(f"Project {i}")["id"] for i in range(6)}
    change_after_first_list_page(emulator, lambda: emulator.create_project("Project 0a"), "/v1/projects.json")
    projects = [p["id"] for p in hook.iter_projects(per_page=3, sort_by="name")]
    assert len(projects) == len(set(projects)) and set(projects) == existing  # "Project 2" came twice

    ids = emulator.seed_medias(6)
    change_after_first_list_page(emulator, lambda: emulator.create_media("Seeded media 00000.mp4"))
    by_name = [m["hashed_id"] for m in hook.iter_medias(per_page=3, sort_by="name")]
    assert len(by_name) == len(set(by_name)) and set(ids) <= set(by_name)
    assert all("page" in r.query for r in emulator.requests if r.path == "/v1/medias.json")


def test_a_server_without_cursors_is_paged_by_number(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    """Falls back to page numbers (from page 2, de-duplicated) when records carry no cursor,
    and stops with a clear error, instead of looping, when a server ignores ``cursor[after]``."""
    from airflow_provider_wistia.emulator.common import Paging
    from airflow_provider_wistia.emulator.cursor import CursorPaging

    ids = emulator.seed_medias(5)
    original = emulator.store.list_medias

    def without_cursors(paging: Any, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        if isinstance(paging, CursorPaging):  # an API that knows no cursors
            paging = Paging(1, paging.per_page)
        return original(paging, *args, **kwargs)

    def ignoring_after(paging: Any, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        if isinstance(paging, CursorPaging):  # an API that always answers the first page
            paging = CursorPaging(paging.sort_by, paging.per_page)
        return original(paging, *args, **kwargs)

    try:
        emulator.store.list_medias = without_cursors  # type: ignore[method-assign]
        listed = [m["hashed_id"] for m in hook.iter_medias(per_page=2)]
        emulator.store.list_medias = ignoring_after  # type: ignore[method-assign]
        with pytest.raises(WistiaServerError, match="no new cursor"):
            list(hook.iter_medias(per_page=2))
    finally:
        del emulator.store.list_medias
    assert sorted(listed) == sorted(ids) and len(listed) == 5
    assert sum(1 for r in emulator.requests if "cursor[after]" in r.query) == 1  # then it stopped


# -- the emulator never keeps a token --------------------------------------------------------------
def test_request_log_and_admin_api_never_hold_a_token(emulator: WistiaEmulator) -> None:
    basic = base64.b64encode(f"api:{TOKEN}".encode()).decode()
    account = f"{emulator.base_url}/v1/account.json"
    _api(emulator, "projects.json")
    requests.get(account, headers={"Authorization": f"Basic {basic}"}, timeout=10)
    requests.get(account, params={"access_token": TOKEN, "page": 1}, timeout=10)
    upload = f"{emulator.base_url}/?api_password={TOKEN}"
    requests.post(upload, data={"url": "http://x.example/a.mp4"}, timeout=10)
    logged = emulator.requests
    assert [r.status for r in logged] == [200, 200, 401, 401]
    assert logged[0].headers["Authorization"] == "Bearer <redacted>"
    assert logged[1].headers["Authorization"] == "Basic <redacted>"
    assert logged[2].query == {"access_token": "<redacted>", "page": "1"}
    assert logged[3].raw_path == "/?api_password=<redacted>"
    served = requests.get(f"{emulator.base_url}/__emulator__/requests", timeout=10).text
    everything = json.dumps([vars(r) for r in logged]) + served
    assert TOKEN not in everything and basic not in everything
    assert "<redacted>" in served
