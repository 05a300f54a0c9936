"""The modern track (``/modern``): every dated release, served from the same account as ``/v1``.

Wistia's modern Data API (release 2026-03 is described by ``wistia-modern-2026-03.openapi.yaml``)
renames projects to folders, answers snake_case and takes JSON bodies. Here a folder IS a
project of the shared :class:`~.state.Store`: the routes below translate each modern request onto
the v1 handlers (``folder_id`` read as ``project_id``) and each answer back into modern names,
so a folder created on ``/modern`` is the project listed on ``/v1`` and the other way round.
Operations the two tracks share unchanged are served by the v1 routes as they are; the ones
only the modern track has live in the ``modern_*`` modules.

A release is picked per request with ``X-Wistia-Api-Version: YYYY-MM``, resolved as Wistia
documents it: a date with no release gives the release before it, no header gives the newest.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .common import ApiError, Params, Response
from .modern_extras import ModernExtras
from .modern_shapes import account_json, event_json, folder_json, mapped, media_json, sharing_json

if TYPE_CHECKING:
    from .api import Call, DataApi

VERSION_HEADER = "X-Wistia-Api-Version"
RELEASES = ("2026-01", "2026-03", "2026-05", "2026-07")
_DATE = re.compile(r"^(\d{4})-(\d{2})$")
_V1_ONLY = re.compile(r"^(projects|live_stream_events)(/|$)")
_LISTED_400 = re.compile(r"^folders/[^/]+/sharings$")  # POST: a 400 is a list of messages
_LISTED_422 = re.compile(r"^expiring_token$")  # POST: a 422's errors are a list of messages
Handler = Callable[..., Response]


def resolve_release(header: str | None) -> str:
    """The release a request gets: the newest without a header, else the latest one on or before it."""
    if header is None or not header.strip():
        return RELEASES[-1]
    match = _DATE.match(header.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise ApiError(400, {"error": f"Invalid {VERSION_HEADER} {header!r}: expected YYYY-MM."})
    earlier = [release for release in RELEASES if release <= header.strip()]
    if not earlier:
        raise ApiError(
            400, {"error": f"No API release on or before {header.strip()}: the first is {RELEASES[0]}."}
        )
    return earlier[-1]


def renamed(params: Params, names: dict[str, str]) -> Params:
    """A copy of ``params`` with modern field names read as their v1 names (``folder_id``)."""
    out = Params()
    for key, values in params.items():
        for value in values:
            out.add(names.get(key, key), value)
    return out


class ModernApi:
    """The ``/modern`` routes of one release, bound to the v1 :class:`DataApi` and its store."""

    def __init__(self, data: DataApi, release: str, extras: ModernExtras) -> None:
        self.data, self.release = data, release
        hid = r"([^/]+)"
        d, t = data, self._translated
        folder = {"GET": t(d.project_show, folder_json), "PUT": t(d.project_update, folder_json)}
        sharing = {"GET": t(d.sharing_show, sharing_json), "PUT": t(d.sharing_update, sharing_json)}
        media = {"GET": t(d.media_show, media_json), "PUT": t(d.media_update, media_json)}
        table: list[tuple[str, dict[str, Handler]]] = [
            *extras.routes(),
            (r"folders", {"GET": t(d.projects_list, folder_json), "POST": t(d.project_create, folder_json)}),
            (rf"folders/{hid}", {**folder, "DELETE": t(d.project_delete, folder_json)}),
            (rf"folders/{hid}/copy", {"POST": extras.folder_copy}),
            (
                rf"folders/{hid}/sharings",
                {"GET": t(d.sharings_list, sharing_json), "POST": self.sharing_create},
            ),
            (rf"folders/{hid}/sharings/{hid}", {**sharing, "DELETE": t(d.sharing_delete, sharing_json)}),
            (r"medias", {"GET": t(d.medias_list, media_json)}),
            (  # not the bulk endpoints (medias/archive...), served by the shared routes
                r"medias/(?!(?:archive|restore|move|copy|import_url)$)([^/]+)",
                {**media, "DELETE": t(d.media_delete, media_json)},
            ),
            (rf"medias/{hid}/copy", {"POST": t(d.media_copy, media_json)}),
            (r"account", {"GET": t(d.account, account_json)}),
            (r"stats/events", {"GET": t(d.analytics.events_list, event_json)}),
            (rf"stats/events/{hid}", {"GET": t(d.analytics.event_show, event_json)}),
        ]
        self.routes = [(re.compile(f"^{pattern}$"), methods) for pattern, methods in table]

    def accepts_format(self, path: str, fmt: str) -> bool:
        return fmt == "json"  # the modern track has no .xml representations

    def resolve(self, path: str) -> tuple[dict[str, Handler], tuple[str, ...]] | None:
        for pattern, methods in self.routes:
            match = pattern.match(path)
            if match:
                return methods, match.groups()
        if _V1_ONLY.match(path):
            return None
        if path.startswith("folders/"):  # subfolders: the v1 routes under projects/, same shapes
            path = "projects/" + path[len("folders/") :]
        resolved = self.data.resolve(path)  # shared operations: the same shapes on both tracks
        if resolved is None:
            return None
        methods = {method: self._translated(handler) for method, handler in resolved[0].items()}
        return methods, resolved[1]

    @staticmethod
    def shape_error(method: str, path: str, resp: Response) -> Response:
        """An error of a shared (v1) handler in the shape the 2026-03 description gives for this
        operation; ``{"error": "..."}`` is the description's usual shape and stays."""
        body = resp.body
        if method != "POST" or not isinstance(body, dict):
            return resp
        if resp.status == 400 and path == "" and isinstance(body.get("error"), str):  # upload
            return replace(resp, body={"error": {"code": "upload_failed", "detail": body["error"]}})
        if resp.status == 400 and _LISTED_400.match(path):
            return replace(resp, body=[str(body.get("error"))], xml_root="errors")
        if resp.status == 422 and _LISTED_422.match(path) and isinstance(body.get("errors"), dict):
            messages = [f"{field} {m}" for field, found in body["errors"].items() for m in found]
            return replace(resp, body={"errors": messages})
        return resp

    @staticmethod
    def _translated(
        handler: Handler, convert: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    ) -> Handler:
        """A v1 handler behind a modern route: ``folder_id`` read as ``project_id``, the answer
        converted to modern names by ``convert`` (None: the shapes are the same on both tracks)."""

        def handle(call: Call, *ids: str) -> Response:
            resp = handler(replace(call, params=renamed(call.params, {"folder_id": "project_id"})), *ids)
            return resp if convert is None else mapped(resp, convert)

        return handle

    def sharing_create(self, call: Call, hid: str) -> Response:
        resp = self.data.sharing_create(call, hid)
        resp.body = {
            "folder": f"{call.base}/modern/folders/{hid}",
            "sharing": sharing_json(resp.body["sharing"]),
        }
        resp.headers.pop("Location", None)
        return resp


class ModernTrack:
    """Every modern release over one :class:`DataApi`; :meth:`release` picks the one a request gets."""

    def __init__(self, data: DataApi) -> None:
        self.extras = ModernExtras(data)
        self.apis = {release: ModernApi(data, release, self.extras) for release in RELEASES}

    def release(self, header: str | None) -> ModernApi:
        return self.apis[resolve_release(header)]
