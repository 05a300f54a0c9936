"""Admin HTTP API under ``/__emulator__/`` (no auth, loopback use only).

Lets another process (a demo, ``airflow dags test`` in a subprocess) drive and inspect
the emulator. Admin requests are not authenticated, rate limited, faulted or logged.

==========  ===========================================  ==================================
Method      Path                                         Body / result
==========  ===========================================  ==================================
GET         /__emulator__/state                          projects, medias, sharings (by project)
GET         /__emulator__/extras                         captions, customizations, tags, subfolders,
                                                         channels, jobs, charges... (newer v1 state)
GET         /__emulator__/stats                          request/rate-limit/fault counters
GET         /__emulator__/requests?limit=N               the last N recorded requests
POST        /__emulator__/reset                          wipe state, faults and logs
POST        /__emulator__/seed                           {"demo": true} | {"medias": N, "project_id",
                                                         "non_video_every"}
POST        /__emulator__/projects                       {"name", "description", "public"}
POST        /__emulator__/medias                         {"name", "project_id", "media_type", "status"}
POST        /__emulator__/faults                         add_fault kwargs + "kind", or
                                                         {"random": {"rate", "kinds", "seed", ...}}
DELETE      /__emulator__/faults                         clear all faults
GET         /__emulator__/faults                         scripted/random rules and counters
POST        /__emulator__/config                         configure() kwargs
POST        /__emulator__/medias/<id>/lifecycle          {"statuses": [...]}
POST        /__emulator__/medias/<id>/status             {"status": "ready"}
POST        /__emulator__/medias/<id>/stats              set_media_stats() kwargs
POST        /__emulator__/webhooks                       {"url", "secret", "events"}: signed deliveries
GET/DELETE  /__emulator__/webhooks                       list (never the secrets) / remove all
GET         /__emulator__/webhooks/deliveries            every delivery attempt and its status
==========  ===========================================  ==================================
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from . import webhooks
from .common import ApiError, Response, parse_int

if TYPE_CHECKING:
    from .emulator import WistiaEmulator

_MEDIA_ACTION = re.compile(r"^/__emulator__/medias/([^/]+)/(lifecycle|status|stats)/?$")


def _json(raw: bytes) -> dict[str, Any]:
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ApiError(400, {"error": "Admin requests take a JSON object body."}) from exc
    if not isinstance(data, dict):
        raise ApiError(400, {"error": "Admin requests take a JSON object body."})
    return data


def _call(func: Any, **kwargs: Any) -> Any:
    try:
        return func(**kwargs)
    except TypeError as exc:  # unknown or missing keyword
        raise ApiError(400, {"error": str(exc)}) from exc
    except ValueError as exc:
        if isinstance(exc, ApiError):
            raise
        raise ApiError(400, {"error": str(exc)}) from exc


def handle(emu: WistiaEmulator, method: str, path: str, query: str, raw: bytes) -> Response:
    """Serve one admin request."""
    route = path.rstrip("/")
    if route.startswith("/__emulator__/webhooks"):
        return webhooks.handle_admin(emu.webhooks, method, route, _json(raw) if method == "POST" else {})
    if method == "GET" and route == "/__emulator__/state":
        return Response(body=emu.snapshot())
    if method == "GET" and route == "/__emulator__/extras":
        return Response(body=emu.snapshot_v1_extras())
    if method == "GET" and route == "/__emulator__/stats":
        return Response(body=emu.stats())
    if method == "GET" and route == "/__emulator__/requests":
        limit = parse_int(parse_qs(query).get("limit", ["1000"])[-1], 1000)
        return Response(body=[asdict(r) for r in emu.requests[-max(0, limit) :]] if limit else [])
    if method == "GET" and route == "/__emulator__/faults":
        return Response(body=emu.faults.describe())
    if method == "DELETE" and route == "/__emulator__/faults":
        emu.clear_faults()
        return Response(body={"ok": True})
    if method != "POST":
        raise ApiError(405, {"error": f"Unknown admin call {method} {path}"})
    data = _json(raw)
    if route == "/__emulator__/reset":
        emu.reset()
        return Response(body={"ok": True})
    if route == "/__emulator__/seed":
        if data.get("demo"):
            return Response(body=emu.seed_demo())
        ids = _call(
            emu.seed_medias,
            count=int(data.get("medias", 0)),
            project_id=data.get("project_id"),
            non_video_every=int(data.get("non_video_every", 0)),
        )
        return Response(body={"medias": ids})
    if route == "/__emulator__/projects":
        return Response(201, _call(emu.create_project, **data))
    if route == "/__emulator__/medias":
        return Response(201, _call(emu.create_media, **data))
    if route == "/__emulator__/faults":
        if "random" in data:
            _call(emu.set_random_faults, **data["random"])
        else:
            _call(emu.add_fault, **data)
        return Response(body=emu.faults.describe())
    if route == "/__emulator__/config":
        _call(emu.configure, **data)
        return Response(body=emu.config())
    match = _MEDIA_ACTION.match(route)
    if match:
        hid, action = match.groups()
        if action == "lifecycle":
            _call(emu.script_media_lifecycle, hashed_id=hid, statuses=list(data.get("statuses") or []))
        elif action == "status":
            _call(emu.set_media_status, hashed_id=hid, status=str(data.get("status")))
        else:
            _call(emu.set_media_stats, hashed_id=hid, **data)
        return Response(body=emu.get_media(hid))
    raise ApiError(404, {"error": f"Unknown admin call POST {path}"})
