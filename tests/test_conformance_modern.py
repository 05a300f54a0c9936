"""Every request the hook sends on a modern connection, and every answer the emulator gives it,
validated against Wistia's 2026-03 description (``tests/specs/wistia-modern-2026-03.openapi.yaml``)
with openapi-core.

One session drives the modern hook methods against the emulator; the hook's ``requests``
session records each exchange (a response hook), and each is validated. Where the description
disagrees with itself or with Wistia's behaviour, the exchange is listed in ``KNOWN_EXCEPTIONS``
with the reason; nothing else may fail.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import yaml
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.hooks.wistia import WistiaHook

SPEC = Path(__file__).parent / "specs" / "wistia-modern-2026-03.openapi.yaml"
RELEASE = "2026-03"

# "<METHOD> <path>" pattern -> why that request (not its answer) is not validated. Each is a place
# where the description disagrees with itself; the hook follows the rest of the description.
KNOWN_REQUEST_EXCEPTIONS: dict[str, str] = {
    r"^POST /modern/medias/[^/?]+/copy$": (
        "Copy Media types body folder_id as an integer, while every other folder_id of the "
        "description (GET /medias, import_url, PUT /medias/copy, PUT /medias/move) is a string "
        "hashed id; the hook sends the folder id it is given."
    ),
}
# openapi-core 0.23 cannot deserialize deepObject query parameters (it fails on ``cursor`` even
# when the request has none), so the loaded description drops them and ``cursor[...]`` is
# checked by :func:`_cursor_errors` against the description's own schema instead.


@cache
def _spec_dict() -> dict[str, Any]:
    return yaml.safe_load(SPEC.read_text(encoding="utf-8"))


def openapi_for(base_url: str) -> OpenAPI:
    """The 2026-03 description with its server pointed at the emulator's ``/modern``."""
    spec = copy.deepcopy(_spec_dict())
    spec["servers"] = [{"url": f"{base_url}/modern"}]
    for operations in spec["paths"].values():
        for operation in operations.values():
            if isinstance(operation, dict) and "parameters" in operation:
                operation["parameters"] = [
                    p for p in operation["parameters"] if p.get("style") != "deepObject"
                ]
    return OpenAPI.from_dict(spec)


def _cursor_errors(prepared: requests.PreparedRequest) -> list[str]:
    """``cursor[enabled]`` must be 0 or 1, ``cursor[before|after]`` strings (the deepObject schema)."""
    query = parse_qs(urlsplit(prepared.url or "").query)
    errors = []
    for key, values in query.items():
        if not key.startswith("cursor"):
            continue
        if key not in ("cursor[enabled]", "cursor[before]", "cursor[after]"):
            errors.append(f"unknown cursor parameter {key}")
        elif key == "cursor[enabled]" and values != ["0"] and values != ["1"]:
            errors.append(f"cursor[enabled]={values} is not 0 or 1")
    return errors


def _explain(exc: BaseException) -> str:
    """The schema errors behind an openapi-core failure, without the (long) offending value."""
    found: list[str] = []
    cause: BaseException | None = exc
    while cause is not None and not found:
        found = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in getattr(cause, "schema_errors", ())
        ]
        cause = cause.__cause__ or cause.__context__
    return f"{type(exc).__name__}: " + ("; ".join(found) if found else str(exc)[:300])


def conformance_errors(openapi: OpenAPI, exchanges: list[requests.Response]) -> list[str]:
    """One line per request or answer that does not validate (empty when all do)."""
    errors = []
    for response in exchanges:
        request = RequestsOpenAPIRequest(response.request)
        where = f"{response.request.method} {response.request.path_url}"
        errors.extend(f"{where} request: {e}" for e in _cursor_errors(response.request))
        if not any(re.match(pattern, where) for pattern in KNOWN_REQUEST_EXCEPTIONS):
            try:
                openapi.validate_request(request)
            except Exception as exc:  # openapi-core raises one error type per failure kind
                errors.append(f"{where} request: {_explain(exc)}")
        try:
            openapi.validate_response(request, RequestsOpenAPIResponse(response))
        except Exception as exc:
            errors.append(f"{where} answer: {_explain(exc)}")
    return errors


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


@pytest.fixture
def modern_session(set_connection, emulator: WistiaEmulator):
    set_connection(api_version=RELEASE)
    hook = WistiaHook()
    exchanges: list[requests.Response] = []
    hook.get_conn().hooks["response"].append(lambda response, **_: exchanges.append(response))
    yield hook, exchanges
    hook.close()


def test_modern_requests_and_answers_follow_the_2026_03_description(modern_session, emulator: WistiaEmulator):
    hook, exchanges = modern_session
    _drive(hook, emulator)
    assert all(r.request.headers.get("X-Wistia-Api-Version") == RELEASE for r in exchanges)
    covered = covered_operations(exchanges)
    print(f"{len(covered)} operations of the description covered")
    all_ops = {
        (m.upper(), p)
        for p, ops in _spec_dict()["paths"].items()
        for m in ops
        if m in ("get", "post", "put", "delete")
    }
    print(sorted(all_ops - covered))
    errors = conformance_errors(openapi_for(emulator.base_url), exchanges)
    assert not errors, "\n".join(errors)


def covered_operations(exchanges: list[requests.Response]) -> set[tuple[str, str]]:
    """The description's operations (method, path template) the exchanges exercised."""
    templates = [
        (method.upper(), path, re.compile("^/modern" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"))
        for path, operations in _spec_dict()["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "delete", "patch")
    ]
    # literal segments first: "/medias/copy" is not "/medias/{mediaHashedId}"
    templates.sort(key=lambda t: t[1].count("{"))
    covered = set()
    for response in exchanges:
        path = urlsplit(response.request.url or "").path
        for method, template, pattern in templates:
            if method == response.request.method and pattern.match(path):
                covered.add((method, template))
                break
    return covered
