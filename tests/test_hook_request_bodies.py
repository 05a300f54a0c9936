"""``request()``: JSON bodies, ``name[]`` lists, nested-dict refusal, method override with JSON."""

from __future__ import annotations

import datetime as dt

import pytest

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.exceptions import WistiaConfigError
from airflow_provider_wistia.hooks.encoding import encode_fields


def test_json_body_reaches_wistia(hook, emulator: WistiaEmulator) -> None:
    media = emulator.create_media("a.mp4")["hashed_id"]
    out = hook.request("PUT", f"medias/{media}", json={"name": "Sent as JSON"})
    assert out["name"] == "Sent as JSON"
    assert emulator.get_media(media)["name"] == "Sent as JSON"
    assert emulator.requests[-1].headers["Content-Type"] == "application/json"


def test_list_params_are_sent_with_brackets(hook, emulator: WistiaEmulator) -> None:
    a, b, c = (emulator.create_media(f"{n}.mp4")["hashed_id"] for n in "abc")
    found = hook.request("GET", "medias", params={"hashed_ids": [a, c]})
    assert sorted(m["hashed_id"] for m in found) == sorted([a, c])
    raw = emulator.requests[-1].raw_path
    assert raw.count("hashed_ids%5B%5D=") == 2 and "hashed_ids=" not in raw
    assert b not in raw


def test_nested_dict_in_form_data_is_refused_before_any_request(hook, emulator: WistiaEmulator) -> None:
    before = emulator.request_count
    with pytest.raises(WistiaConfigError, match=r"data\['plugin'\].*json="):
        hook.request("PUT", "medias/abc123/customizations", data={"plugin": {"share": {"on": True}}})
    with pytest.raises(WistiaConfigError, match="params"):
        hook.request("GET", "medias", params={"cursor": {"enabled": 1}})
    with pytest.raises(WistiaConfigError, match="not both"):
        hook.request("POST", "tags", data={"name": "x"}, json={"name": "x"})
    with pytest.raises(WistiaConfigError, match="GET"):
        hook.request("GET", "medias", json={"name": "x"})
    with pytest.raises(WistiaConfigError, match="json must be"):
        hook.request("POST", "tags", json="name=x")
    assert emulator.request_count == before


def test_method_override_carries_json_bodies(set_connection, emulator: WistiaEmulator) -> None:
    from airflow_provider_wistia.hooks.wistia import WistiaHook

    set_connection(method_override=True)
    media = emulator.create_media("a.mp4")["hashed_id"]
    hook = WistiaHook()
    try:
        hook.request("PUT", f"medias/{media}", json={"name": "Overridden"})
        hook.request("PUT", f"medias/{media}", data={"description": "form"})
    finally:
        hook.close()
    state = emulator.get_media(media)
    assert state["name"] == "Overridden" and state["description"] == "form"
    json_put, form_put = emulator.requests[-2:]
    assert json_put.method == form_put.method == "POST"
    assert json_put.headers["X-HTTP-Method-Override"] == "PUT"


def test_encode_fields_rules() -> None:
    assert encode_fields(
        {"a": True, "b": None, "c": ["x", "y"], "d[]": ("z",), "e": dt.date(2024, 2, 1), "f": {"q"}},
        where="data",
    ) == {"a": "1", "c[]": ["x", "y"], "d[]": ["z"], "e": "2024-02-01", "f[]": ["q"]}
    # In a query string, booleans as the v1 OpenAPI's boolean query parameters take them.
    assert encode_fields({"archived": False, "published": True}, where="params") == {
        "archived": "false",
        "published": "true",
    }
    with pytest.raises(WistiaConfigError, match="nested value"):
        encode_fields({"a": [{"b": 1}]}, where="data")


def test_method_override_carries_the_typed_json_writes(set_connection, emulator: WistiaEmulator) -> None:
    """The typed writes now send JSON (as the v1 OpenAPI has it); behind ``method_override`` their
    PUTs and DELETEs still travel as POST and still change Wistia's state."""
    from airflow_provider_wistia.hooks.wistia import WistiaHook

    set_connection(method_override=True)
    pid = emulator.create_project("Before")["hashedId"]
    media = emulator.create_media("a.mp4", pid)["hashed_id"]
    sharing = emulator.create_sharing(pid, "ann@example.com")["id"]
    hook = WistiaHook()
    try:
        hook.update_project(pid, name="After", public=True)
        hook.update_sharing(pid, sharing, can_download=True)
        hook.update_media(media, name="Renamed", tags=[])
        hook.delete_media(media)
    finally:
        hook.close()
    assert emulator.get_project(pid)["name"] == "After" and emulator.get_project(pid)["public"] is True
    assert emulator.get_sharing(pid, sharing)["canDownload"] is True
    assert emulator.get_media(media) is None
    sent = emulator.requests[-4:]
    assert [r.method for r in sent] == ["POST"] * 4
    assert [r.headers["X-HTTP-Method-Override"] for r in sent] == ["PUT", "PUT", "PUT", "DELETE"]
    assert [r.body_kind for r in sent[:3]] == ["json"] * 3 and sent[3].body == {"_method": "delete"}
