"""Every v1 operation, driven through the hook against the emulator, validated against Wistia's
published v1 OpenAPI (``tests/specs/wistia-v1.openapi.yml``) with openapi-core.

What is validated is what went over the wire: each request as the hook's ``requests`` session
prepared it (URL, query, headers, body bytes) and each answer as the emulator sent it. Where
Wistia's real behaviour differs from its description, the emulator follows the real behaviour
and :data:`EXCEPTIONS` lists the difference with its source; nothing else may differ.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from openapi_validation import (
    Exchange,
    Problem,
    SpecException,
    SpecValidator,
    WireRecorder,
    check_all,
    load_spec,
)

from airflow_provider_wistia.emulator import WistiaEmulator

V1_SPEC = "wistia-v1.openapi.yml"
# Sources cite the project reference wistia-api-v1.md (shared/reference/) and the spec file itself.


SUBFOLDER_NULL = (
    "'subfolder' is null for a media outside any subfolder: the spec's own description of the field "
    "says 'Null if the media is not in a subfolder.', but its schema (allOf Subfolder) allows no null"
)
SUBFOLDER_SOURCE = (
    "wistia-v1.openapi.yml components/schemas/IncludesSubfolder (description); wistia-api-v1.md §4.2 "
    "Media object, 'subfolder' row (line 231): '{hashed_id, name, description, position, created, "
    "updated} or null'"
)
# THE exceptions table: (operation, part, a pattern the openapi-core error must match, what differs, source).
EXCEPTIONS = (
    SpecException(
        "POST /medias/{mediaHashedId}/copy",
        "request",
        r"project_id: '[0-9a-z]+' is not of type 'integer'$",
        "the spec types project_id as an integer; Wistia takes (and clients send) the project's hashed id",
        "wistia-api-v1.md §5.3 Medias, Copy, 'project_id' row (line 450): 'OAS types it as an integer; "
        "clients send the hashed id'; the spec's own GET /medias project_id is 'A hashed ID specifying the "
        "project'",
    ),
    SpecException(
        "GET /medias",
        "response",
        r"\d+/subfolder: None is not of type 'object'$",
        SUBFOLDER_NULL,
        SUBFOLDER_SOURCE,
    ),
    SpecException(
        "GET /medias/{mediaHashedId}",
        "response",
        r": subfolder: None is not of type 'object'$",
        SUBFOLDER_NULL,
        SUBFOLDER_SOURCE,
    ),
    SpecException(
        "GET /medias",
        "request",
        r"Query parameter error: cursor \| DeserializeError: \('deepObject', 'cursor'\) \| "
        r"ValueError: not available$",
        "the cursor parameter is style deepObject without 'explode: true'; OpenAPI defines deepObject only "
        "exploded, so openapi-core cannot read it. The hook sends the exploded form the parameter's own "
        "description names (cursor[enabled]=1, cursor[after]=...), as Wistia's SDK does",
        "wistia-v1.openapi.yml GET /medias parameter 'cursor' (description); wistia-api-v1.md §3.3 Cursor "
        "pagination, line 162: 'cursor[enabled]=1, cursor[before]=<c>, cursor[after]=<c> (deepObject "
        "style)'",
    ),
)


@pytest.fixture(scope="module")
def v1() -> SpecValidator:
    return SpecValidator(load_spec(V1_SPEC), local_prefix="/v1")


@pytest.fixture
def recorder(hook) -> WireRecorder:
    wire = WireRecorder()
    wire.attach(hook.get_conn())
    return wire


def drive_every_operation(hook: Any, emulator: WistiaEmulator) -> None:
    """Call the hook method of each of the 76 v1 operations once (some lists twice: both pagings)."""
    soon = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(days=3)
    # -- projects and sharings
    project = hook.create_project("Conformance", description="All of v1", admin_email="a@example.com")
    pid = project["hashedId"]
    hook.list_projects(sort_by="name", sort_direction=1, hashed_ids=[pid])
    hook.get_project(pid)
    hook.update_project(pid, name="Conformance 2", public=True, anonymous_can_download=False)
    copied = hook.copy_project(pid, admin_email="b@example.com")
    hook.delete_project(copied["hashedId"])
    sharing = hook.create_sharing(pid, "guest@example.com", can_share=True, require_password=False)
    sid = sharing["sharing"]["id"]
    hook.list_sharings(pid)
    hook.get_sharing(pid, sid)
    hook.update_sharing(pid, sid, can_download=True, is_admin=False)
    hook.delete_sharing(pid, sid)
    # -- subfolders
    subfolder = hook.create_subfolder(pid, "Chapter 1", description="First")
    fid = subfolder["hashed_id"]
    hook.list_subfolders(pid)
    hook.get_subfolder(pid, fid)
    hook.update_subfolder(pid, fid, name="Chapter One")
    # -- medias
    video, second, third, still = (
        emulator.create_media(name, pid)["hashed_id"] for name in ("a.mp4", "b.mp4", "c.mp4", "s.png")
    )
    hook.move_medias([third], pid, fid)
    hook.list_medias(project_id=pid)  # cursor paging (sort_by created)
    hook.list_medias(project_id=pid, sort_by="name", media_type="Video", archived=False, tags=["x"])
    hook.get_media(video)
    hook.update_media(video, name="A", description="Described", new_still_media_id=still)
    hook.update_media(second, tags=["x", "y"])
    media_copy = hook.copy_media(video, project_id=pid, owner="owner@example.com")
    hook.delete_media(media_copy["hashed_id"])
    hook.get_media_stats(video)
    hook.delete_subfolder(pid, fid)
    # -- background jobs
    archived = hook.archive_medias([second])
    hook.restore_medias([second], pid)
    hook.swap_media(video, third)
    hook.trim_media(video, ["00:00:01.000-00:00:02.500"])
    hook.get_background_job(archived[0]["background_job_status"]["id"])
    # -- captions, customizations, localizations
    hook.create_captions(video, "1\n00:00:00,000 --> 00:00:01,000\nHello\n", language="eng")
    hook.list_captions(video)
    hook.translate_media(video, "fra", source_language="eng")
    hook.list_all_captions(media_id=video)
    hook.get_captions(video, "eng")
    hook.update_captions(video, "eng", "1\n00:00:00,000 --> 00:00:01,000\nHi\n")
    hook.delete_captions(video, "eng")
    hook.order_captions(second, confirm_charge=True)
    hook.purchase_captions(third, confirm_charge=True)
    hook.set_customizations(video, {"playerColor": "ff0000", "plugin": {"share": {"on": True}}})
    hook.get_customizations(video)
    hook.update_customizations(video, {"playerColor": "00ff00"})
    hook.delete_customizations(video)
    localization = hook.create_localization(video, "spa", confirm_charge=True, auto_enable=False)
    hook.list_localizations(video, include_transcript=True)
    hook.get_localization(video, localization["hashed_id"], include_transcript=True)
    hook.delete_localization(video, localization["hashed_id"])
    # -- tags, search, channels, account-wide
    hook.create_tag("conformance")
    hook.list_tags(sort_by="name", sort_direction=0)
    hook.delete_tag("conformance")
    hook.search("Conformance")
    channel = emulator.catalog.create_channel("Channel", "A channel")["hashedId"]
    episode = hook.create_channel_episode(channel, video, title="Episode", publish_status="published")
    hook.list_channels()
    hook.get_channel(channel)
    hook.list_channel_episodes(channel, published=True, sort_by="title", sort_direction=0)
    hook.list_channel_episodes()
    hook.get_channel_episode(channel, episode["hashedId"])
    hook.create_expiring_token(
        expires_at=soon, authorizations=[{"type": "media", "id": video, "permissions": ["edit-transcripts"]}]
    )
    hook.create_allowed_domain("example.com")
    hook.list_allowed_domains()
    hook.get_allowed_domain("example.com")
    hook.delete_allowed_domain("example.com")
    hook.get_account()
    # -- live stream events
    event = hook.create_live_stream_event("Launch", soon, 45, description="Live")
    hook.list_live_stream_events(sort_by="scheduled_for", started=False)
    hook.get_live_stream_event(event["id"])
    hook.update_live_stream_event(event["id"], title="Launch!", event_duration=60)
    hook.register_for_live_stream_event(event["id"], "viewer@example.com", "Vi", "Ewer")
    hook.delete_live_stream_event(event["id"])
    # -- Stats API
    visitor = emulator.analytics.add_visitor(name="Known", email="known@example.com")["visitor_key"]
    emulator.analytics.add_event(video, visitor)
    anonymous = emulator.analytics.add_event(video)
    today = dt.datetime.now(dt.timezone.utc).date()
    hook.get_account_stats()
    hook.get_project_stats(pid)
    hook.get_media_engagement_stats(video)
    hook.get_media_stats_by_date(video, today - dt.timedelta(days=2), today)
    hook.get_media_engagement(video)
    list(hook.iter_visitors(filter="has_email"))
    hook.get_visitor(visitor)
    events = list(hook.iter_events(media_id=video, start_date=today - dt.timedelta(days=1)))
    hook.get_event(anonymous["event_key"])
    hook.get_event(events[0]["event_key"])


def _check_all(v1: SpecValidator, exchanges: list[Exchange]) -> tuple[set[str], list[Problem], set[Any]]:
    return check_all(v1, exchanges, EXCEPTIONS)


def test_every_v1_operation_validates_against_the_spec(
    hook, emulator: WistiaEmulator, recorder: WireRecorder, v1: SpecValidator
) -> None:
    drive_every_operation(hook, emulator)
    exchanges = recorder.take()
    exercised, unexplained, used = _check_all(v1, exchanges)

    assert len(v1.operations) == 76
    assert v1.operations - exercised == set(), "v1 operations the hook never called"
    assert unexplained == [], "\n".join(str(p) for p in unexplained)
    # Every exception is still needed: a stale row would excuse a future regression.
    assert set(EXCEPTIONS) == used, [e.operation for e in EXCEPTIONS if e not in used]
    assert all(e.status_code < 400 for e in (x.response for x in exchanges)), "every call succeeded"


def test_exceptions_table_is_small_and_sourced() -> None:
    assert len(EXCEPTIONS) <= 10
    for exception in EXCEPTIONS:
        assert exception.differs and exception.source, exception


def test_a_broken_answer_shape_fails_the_check(
    hook, emulator: WistiaEmulator, recorder: WireRecorder, v1: SpecValidator, monkeypatch
) -> None:
    """The check can fail: a project answer without its required ``hashedId`` is caught."""
    from airflow_provider_wistia.emulator.models import ProjectRec

    pid = emulator.create_project("Shape")["hashedId"]
    original = ProjectRec.to_json
    monkeypatch.setattr(
        ProjectRec, "to_json", lambda self: {k: v for k, v in original(self).items() if k != "hashedId"}
    )
    hook.get_project(pid)
    _, unexplained, _ = _check_all(v1, recorder.take())
    assert [(p.operation, p.part) for p in unexplained] == [("GET /projects/{id}", "response")]
    assert "hashedId" in unexplained[0].detail


def test_cursor_query_is_the_specs_deep_object(
    hook, emulator: WistiaEmulator, recorder: WireRecorder
) -> None:
    """The one cursor exception is only the spec's missing ``explode: true``: with it set (in
    memory; the file is unchanged), every cursor request of a listing validates and openapi-core
    reads the hook's ``cursor[enabled]=1`` / ``cursor[after]=<c>`` as the deepObject the spec means."""
    spec = load_spec(V1_SPEC)
    (cursor,) = [p for p in spec["paths"]["/medias"]["get"]["parameters"] if p["name"] == "cursor"]
    assert cursor["style"] == "deepObject" and "explode" not in cursor  # what the exception is about
    cursor["explode"] = True
    exploded = SpecValidator(spec, local_prefix="/v1", check_spec=False)  # the file's copy is checked
    made = {emulator.create_media(f"{n}.mp4")["hashed_id"] for n in range(5)}

    assert {m["hashed_id"] for m in hook.list_medias(per_page=2, hashed_ids=sorted(made))} == made
    exchanges = recorder.take()
    assert len(exchanges) == 3  # 2 + 2 + 1
    for exchange in exchanges:
        assert [p for p in exploded.check(exchange)[1] if p.part == "request"] == []
    cursors = [exploded.query_parameters(exchange)["cursor"] for exchange in exchanges]
    assert cursors[0] == {"enabled": 1}
    assert all(set(c) == {"after"} and c["after"] for c in cursors[1:]) and cursors[1] != cursors[2]
    assert exploded.query_parameters(exchanges[0])["hashed_ids[]"] == sorted(made)


def test_error_answers_are_the_documented_ones(
    hook, emulator: WistiaEmulator, recorder: WireRecorder, v1: SpecValidator
) -> None:
    """Refusals a client meets (unknown ids, validation errors) are answered with a status the spec
    documents for the operation and its shape: ``{"error": ...}`` or an empty body where Wistia
    sends one (captions, stats, background jobs). Requests wrong on purpose are not validated."""
    from airflow_provider_wistia.exceptions import WistiaError

    pid = emulator.create_project("Errors")["hashedId"]
    video, image = (emulator.create_media(name, pid)["hashed_id"] for name in ("a.mp4", "a.png"))
    unknown = "nope000000"
    refusals: list[tuple[Any, int]] = [
        (lambda: hook.get_project(unknown), 404),
        (lambda: hook.delete_project(unknown), 404),
        (lambda: hook.get_sharing(pid, 99), 404),
        (lambda: hook.get_media(unknown), 404),
        (lambda: hook.get_media_stats(image), 400),
        (lambda: hook.get_captions(video, "fra"), 404),
        (lambda: hook.list_captions(unknown), 404),
        (lambda: hook.get_customizations(unknown), 404),
        (lambda: hook.get_localization(video, unknown), 404),
        (lambda: hook.translate_media(video, "fra"), 422),
        (lambda: hook.get_background_job(999), 404),
        (lambda: hook.get_subfolder(pid, unknown), 404),
        (lambda: hook.get_channel(unknown), 404),
        (lambda: hook.get_allowed_domain("unknown.example"), 404),
        (lambda: hook.delete_tag("unknown"), 404),
        (lambda: hook.get_live_stream_event(unknown), 404),
        (lambda: hook.request("POST", "live_stream_events", json={"title": "No time"}), 422),
        (lambda: hook.register_for_live_stream_event(unknown, "a@example.com", "A", "B"), 404),
        (lambda: hook.get_project_stats(unknown), 404),
        (lambda: hook.get_media_engagement_stats(unknown), 404),
        (lambda: hook.get_media_engagement(unknown), 404),
        (lambda: hook.get_visitor("unknown"), 404),
        (lambda: hook.get_event("unknown"), 404),
        (lambda: hook.request("GET", "stats/events", params={"start_date": "2020-13-01"}), 422),
    ]
    for call, _ in refusals:
        with pytest.raises(WistiaError):
            call()
    exchanges = recorder.take()
    assert [x.response.status_code for x in exchanges] == [status for _, status in refusals]
    problems = [p for x in exchanges for p in v1.check(x, request_too=False)[1]]
    assert problems == [], "\n".join(str(p) for p in problems)
