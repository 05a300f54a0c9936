"""Every request the hook sends on a modern connection, and every answer the emulator gives it,
validated against Wistia's 2026-03 description (``tests/specs/wistia-modern-2026-03.openapi.yaml``)
with openapi-core, through the helpers the v1 module uses (``tests/openapi_validation.py``).

One session drives the modern hook methods against the emulator; the hook's ``requests``
session records each exchange, and each is validated. Where the description disagrees with
itself or with Wistia's behaviour, :data:`EXCEPTIONS` lists the difference with its source;
nothing else may fail.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

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
from airflow_provider_wistia.hooks.wistia import WistiaHook

MODERN_SPEC = "wistia-modern-2026-03.openapi.yaml"
RELEASE = "2026-03"


def _cursor_operations() -> tuple[str, ...]:
    """The description's list operations with a ``cursor`` deepObject query parameter."""
    return tuple(
        sorted(
            f"{method.upper()} {template}"
            for template, item in load_spec(MODERN_SPEC)["paths"].items()
            for method, operation in item.items()
            if isinstance(operation, dict)
            and any(p.get("style") == "deepObject" for p in operation.get("parameters", []))
        )
    )


CURSOR_OPERATIONS = _cursor_operations()
# THE exceptions table of the 2026-03 description: (operation(s), part, a pattern the openapi-core
# error must match, what differs, source).
EXCEPTIONS = (
    SpecException(
        "POST /medias/{mediaHashedId}/copy",
        "request",
        r"folder_id: '[0-9a-z]+' is not of type 'integer'$",
        "Copy Media types body folder_id as an integer, while every other folder_id of the description "
        "(GET /medias, import_url, PUT /medias/copy, PUT /medias/move) is a string hashed id; the hook "
        "sends the folder id it is given",
        "wistia-modern-2026-03.openapi.yaml POST /medias/{mediaHashedId}/copy requestBody folder_id "
        "(type integer) against GET /medias parameter folder_id and PUT /medias/copy folder_id (strings)",
    ),
    SpecException(
        CURSOR_OPERATIONS,
        "request",
        r"Query parameter error: cursor \| DeserializeError: \('deepObject', 'cursor'\) \| "
        r"ValueError: not available$",
        "the cursor parameter is style deepObject without 'explode: true'; OpenAPI defines deepObject only "
        "exploded, so openapi-core cannot read it. The hook sends the exploded form (cursor[enabled]=1, "
        "cursor[after]=...), checked by _cursor_errors against the parameter's schema instead",
        "wistia-modern-2026-03.openapi.yaml, the 'cursor' parameter of each listed operation; the same "
        "exception as the v1 module's GET /medias row (wistia-api-v1.md §3.3 Cursor pagination)",
    ),
)


def _cursor_errors(exchange: Exchange) -> list[Problem]:
    """``cursor[enabled]`` must be 0 or 1, ``cursor[before|after]`` strings (the deepObject schema)."""
    request = exchange.request
    where = f"{request.method} {urlsplit(str(request.url)).path}"
    problems = []
    for key, values in parse_qs(urlsplit(str(request.url)).query).items():
        if not key.startswith("cursor"):
            continue
        if key not in ("cursor[enabled]", "cursor[before]", "cursor[after]"):
            problems.append(Problem(where, "request", f"unknown cursor parameter {key}"))
        elif key == "cursor[enabled]" and values not in (["0"], ["1"]):
            problems.append(Problem(where, "request", f"cursor[enabled]={values} is not 0 or 1"))
    return problems


@pytest.fixture(scope="module")
def modern() -> SpecValidator:
    return SpecValidator(load_spec(MODERN_SPEC), local_prefix="/modern")


@pytest.fixture
def modern_recorder(set_connection) -> Any:
    set_connection(api_version=RELEASE)
    hook = WistiaHook()
    wire = WireRecorder()
    wire.attach(hook.get_conn())
    yield hook, wire
    hook.close()


def _drive(hook: WistiaHook, emulator: WistiaEmulator) -> None:
    """Call the modern hook methods once each, against a small account."""
    today = dt.datetime.now(dt.timezone.utc).date()
    start, end = today - dt.timedelta(days=3), today
    folder = hook.create_folder("Conformance", public=True)["hashed_id"]
    hook.update_folder(folder, name="Conformance 2", anonymousCanUpload=True)
    hook.list_folders()
    hook.get_folder(folder)
    sharing = hook.create_sharing(folder, "guest@example.com", can_share=True)["sharing"]
    hook.update_sharing(folder, sharing["id"], can_download=True)
    hook.list_sharings(folder)
    hook.get_sharing(folder, sharing["id"])
    hook.delete_sharing(folder, sharing["id"])
    sub = hook.create_subfolder(folder, "Drafts")["hashed_id"]
    hook.list_subfolders(folder)
    hook.get_subfolder(folder, sub)
    media = emulator.create_media("talk.mp4", project_id=folder)["hashed_id"]
    hook.get_media(media)
    hook.list_medias(project_id=folder)
    hook.update_media(media, name="Talk")
    hook.copy_media(media, project_id=folder)
    # The Upload API: the description's ``POST /`` on its own server (upload.wistia.com), pinned too.
    hook.upload_media(url="https://example.com/clip.mp4", project_id=folder, name="Imported")
    for analytics in (
        lambda: hook.get_media_analytics(media, start, end),
        lambda: hook.get_media_analytics_timeseries(media, start, end, "daily"),
        lambda: hook.get_media_traffic(media, start, end, "utm_source"),
        lambda: hook.get_media_conversions(media, start, end),
        lambda: hook.get_media_embed_locations(media, start, end),
        lambda: hook.get_media_languages(media, start, end),
    ):
        analytics()
    webinar = hook.create_webinar("Launch", "2026-12-24T10:00:00Z", 30)["id"]
    hook.update_webinar(webinar, title="Launch day")
    hook.register_for_webinar(webinar, "ann@example.com", "Ann", "Lee")
    hook.list_webinars()
    hook.get_webinar(webinar)
    hook.get_webinar_analytics(webinar)
    hook.get_webinar_registration_analytics(webinar, "daily")
    hook.get_webinar_traffic(webinar, "utm_source")
    hook.get_webinar_audience(webinar)
    hook.get_webinar_histograms(webinar)
    hook.delete_webinar(webinar)
    job = hook.import_media_url("https://example.com/a.mp4", folder_id=folder)["background_job_status"]
    hook.get_background_job(job["id"])
    hook.copy_medias([media], folder)
    hook.tag_medias([media], ["launch"])
    hook.delete_subfolders(folder, [sub])
    channel = hook.create_channel(name="Show")["hashed_id"]
    hook.update_channel(channel, name="The Show")
    hook.list_channels()
    hook.get_channel(channel)
    episode = emulator.catalog.create_channel_episode(channel, media)["hashedId"]
    hook.list_channel_episodes(channel)
    hook.update_channel_episode(episode, title="Pilot")
    hook.publish_channel_episode(episode)
    hook.unpublish_channel_episode(episode)
    hook.delete_channel_episode(episode)
    hook.delete_channel(channel)
    order = hook.order_extended_audio_description(media, confirm_charge=True)["order"]
    hook.get_extended_audio_description_order(order["id"])
    description = hook.list_extended_audio_descriptions()[0]["id"]
    hook.get_extended_audio_description(description)
    hook.delete_extended_audio_description(description)
    hook.get_account()
    _drive_shared(
        hook, emulator, folder, media, sub_folder=hook.create_subfolder(folder, "Other")["hashed_id"]
    )
    hook.delete_media(media)
    hook.delete_folder(folder)


def _drive_shared(
    hook: WistiaHook, emulator: WistiaEmulator, folder: str, media: str, sub_folder: str
) -> None:
    """The operations both tracks share, called on the modern track."""
    today = dt.datetime.now(dt.timezone.utc).date()
    srt = "1\n00:00:00,000 --> 00:00:01,000\nHello\n"
    hook.copy_folder(folder)
    hook.update_subfolder(folder, sub_folder, name="Renamed")
    hook.delete_subfolder(folder, sub_folder)
    hook.create_captions(media, srt, language="eng")
    hook.list_captions(media)
    hook.get_captions(media, "eng")
    hook.update_captions(media, "eng", srt)
    hook.delete_captions(media, "eng")
    hook.order_captions(media, confirm_charge=True)
    hook.set_customizations(media, {"playerColor": "54bbff"})
    hook.get_customizations(media)
    hook.update_customizations(media, {"playerColor": "000000"})
    hook.delete_customizations(media)
    localization = hook.create_localization(media, "fra", confirm_charge=True)
    hook.list_localizations(media)
    hook.get_localization(media, localization["hashed_id"])
    hook.delete_localization(media, localization["hashed_id"])
    hook.create_tag("launch")
    hook.list_tags()
    hook.delete_tag("launch")
    hook.create_allowed_domain("example.com")
    hook.list_allowed_domains()
    hook.request("GET", "allowed_domains/example.com")
    hook.delete_allowed_domain("example.com")
    hook.search("talk")
    hook.create_expiring_token()
    hook.request("GET", "token")
    hook.request("GET", "captions")
    channel = emulator.catalog.create_channel("Show")["hashedId"]
    episode = hook.create_channel_episode(channel, media)
    hook.list_channel_episodes()
    hook.request("GET", f"channels/{channel}/channel_episodes/{episode['hashed_id']}")
    hook.get_media_stats(media)
    hook.get_account_stats()
    hook.get_account_stats_by_date(today, today)
    hook.get_project_stats(folder)
    hook.get_media_engagement_stats(media)
    hook.get_media_stats_by_date(media, today, today)
    hook.get_media_engagement(media)
    visitor = emulator.analytics.add_visitor(name="Ann")["visitor_key"]
    event = emulator.analytics.add_event(media, visitor)["event_key"]
    list(hook.iter_visitors())
    hook.get_visitor(visitor)
    list(hook.iter_events(media_id=media))
    hook.get_event(event)
    other = emulator.create_media("other.mp4", project_id=folder)["hashed_id"]
    hook.translate_media(media, "fra")
    hook.trim_media(media, ["00:00:00.000-00:00:01.000"])
    hook.swap_media(media, other)
    hook.archive_medias([other])
    hook.restore_medias([other], folder)
    hook.move_medias([other], folder)


def test_modern_requests_and_answers_follow_the_2026_03_description(
    modern_recorder, emulator: WistiaEmulator, modern: SpecValidator
) -> None:
    hook, wire = modern_recorder
    _drive(hook, emulator)
    exchanges = wire.take()
    assert all(x.request.headers.get("X-Wistia-Api-Version") == RELEASE for x in exchanges)
    exercised, unexplained, used = check_all(modern, exchanges, EXCEPTIONS)
    unexplained += [p for x in exchanges for p in _cursor_errors(x)]
    print(f"{len(exercised)} of the description's {len(modern.operations)} operations covered")
    print(sorted(modern.operations - exercised))
    assert len(modern.operations) == 105
    assert modern.operations == exercised  # all 105, the upload (on its own server) included
    assert unexplained == [], "\n".join(str(p) for p in unexplained)
    # Every exception is still needed: a stale row would excuse a future regression.
    assert set(EXCEPTIONS) == used, [e.operation for e in EXCEPTIONS if e not in used]


def test_exceptions_table_is_small_and_sourced() -> None:
    assert len(EXCEPTIONS) <= 10
    for exception in EXCEPTIONS:
        assert exception.operation and exception.differs and exception.source, exception
    assert len(CURSOR_OPERATIONS) == 12  # the description's cursor-paged lists


def test_a_broken_answer_shape_fails_the_check(
    modern_recorder, emulator: WistiaEmulator, modern: SpecValidator, monkeypatch
) -> None:
    """The check can fail: a folder answer without its required ``hashed_id`` is caught."""
    from airflow_provider_wistia.emulator import modern as modern_routes

    hook, wire = modern_recorder
    folder = emulator.create_project("Shape")["hashedId"]
    original = modern_routes.mapped  # how every modern answer is shaped from the v1 one

    def without_hashed_id(resp: Any, convert: Any) -> Any:
        return original(resp, lambda item: {k: v for k, v in convert(item).items() if k != "hashed_id"})

    monkeypatch.setattr(modern_routes, "mapped", without_hashed_id)
    hook.get_folder(folder)
    _, unexplained, _ = check_all(modern, wire.take(), EXCEPTIONS)
    assert [(p.operation, p.part) for p in unexplained] == [("GET /folders/{id}", "response")]
    assert "hashed_id" in unexplained[0].detail
