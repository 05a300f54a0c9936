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
from typing import TYPE_CHECKING, Any

from .common import ApiError, Params, Response
from .modern_extras import ModernExtras

if TYPE_CHECKING:
    from .api import Call, DataApi

VERSION_HEADER = "X-Wistia-Api-Version"
RELEASES = ("2026-01", "2026-03", "2026-05", "2026-07")
_DATE = re.compile(r"^(\d{4})-(\d{2})$")
_V1_ONLY = re.compile(r"^(projects|live_stream_events)(/|$)")
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


def folder_json(project: dict[str, Any]) -> dict[str, Any]:
    """A v1 project as the modern folder it is."""
    return {
        "id": project["id"],
        "name": project["name"],
        "description": project.get("description"),
        "media_count": project["mediaCount"],
        "created": project["created"],
        "updated": project["updated"],
        "hashed_id": project["hashedId"],
        "public": project["public"],
        "public_id": project.get("publicId"),
        "anonymous_can_upload": project["anonymousCanUpload"],
        "anonymous_can_download": project["anonymousCanDownload"],
        # Required by the description, typed as an object though described as "a link to where
        # you can fetch the medias"; the medias themselves are listed by GET /medias?folder_id=.
        "medias": {},
    }


def sharing_json(sharing: dict[str, Any]) -> dict[str, Any]:
    """A v1 project sharing as a modern folder sharing."""
    return {
        "id": sharing["id"],
        "is_admin": sharing["isAdmin"],
        "can_share": sharing["canShare"],
        "can_download": sharing["canDownload"],
        "can_upload": sharing["canUpload"],
        "share": sharing["share"],
        "folder": sharing["project"],
    }


def account_json(account: dict[str, Any]) -> dict[str, Any]:
    """The v1 account in modern names (folders, snake_case)."""
    return {
        "id": account["id"],
        "name": account["name"],
        "url": account["url"],
        "media_count": account["mediaCount"],
        "video_limit": account["videoLimit"],
        "folder_count": account["projectCount"],
        "channel_count": account["channelCount"],
    }


def media_json(media: dict[str, Any]) -> dict[str, Any]:
    """A v1 media with its ``project`` named ``folder`` (and no ``subfolder`` when it has none)."""
    out = {key: value for key, value in media.items() if key != "project"}
    if out.get("subfolder", {}) is None:  # optional, and an object when present
        del out["subfolder"]
    if "project" in media:
        out["folder"] = media["project"]
    return out


class ModernApi:
    """The ``/modern`` routes of one release, bound to the v1 :class:`DataApi` and its store."""

    def __init__(self, data: DataApi, release: str, extras: ModernExtras) -> None:
        self.data, self.release = data, release
        hid = r"([^/]+)"
        table: list[tuple[str, dict[str, Handler]]] = [
            *extras.routes(),
            (r"folders", {"GET": self.folders_list, "POST": self.folder_create}),
            (
                rf"folders/{hid}",
                {"GET": self.folder_show, "PUT": self.folder_update, "DELETE": self.folder_delete},
            ),
            (rf"folders/{hid}/copy", {"POST": extras.folder_copy}),
            (rf"folders/{hid}/sharings", {"GET": self.sharings_list, "POST": self.sharing_create}),
            (
                rf"folders/{hid}/sharings/{hid}",
                {"GET": self.sharing_show, "PUT": self.sharing_update, "DELETE": self.sharing_delete},
            ),
            (r"medias", {"GET": self.medias_list}),
            (
                rf"medias/{hid}",
                {"GET": self.media_show, "PUT": self.media_update, "DELETE": self.media_delete},
            ),
            (rf"medias/{hid}/copy", {"POST": self.media_copy}),
            (r"account", {"GET": self.account}),
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
        methods = {method: self._reading_folder_id(handler) for method, handler in resolved[0].items()}
        return methods, resolved[1]

    @classmethod
    def _reading_folder_id(cls, handler: Handler) -> Handler:
        def handle(call: Call, *ids: str) -> Response:
            return handler(cls._v1(call), *ids)

        return handle

    @staticmethod
    def _v1(call: Call) -> Call:
        from dataclasses import replace

        return replace(call, params=renamed(call.params, {"folder_id": "project_id"}))

    @staticmethod
    def _map(resp: Response, convert: Callable[[dict[str, Any]], dict[str, Any]]) -> Response:
        body = resp.body
        if isinstance(body, list):
            resp.body = [convert(item) for item in body]
        elif isinstance(body, dict):
            resp.body = convert(body)
        resp.headers.pop("Location", None)
        return resp

    def account(self, call: Call) -> Response:
        return self._map(self.data.account(call), account_json)

    # -- folders ---------------------------------------------------------------------------
    def folders_list(self, call: Call) -> Response:
        return self._map(self.data.projects_list(call), folder_json)

    def folder_create(self, call: Call) -> Response:
        return self._map(self.data.project_create(call), folder_json)

    def folder_show(self, call: Call, hid: str) -> Response:
        return self._map(self.data.project_show(call, hid), folder_json)

    def folder_update(self, call: Call, hid: str) -> Response:
        return self._map(self.data.project_update(call, hid), folder_json)

    def folder_delete(self, call: Call, hid: str) -> Response:
        return self._map(self.data.project_delete(call, hid), folder_json)

    # -- sharings --------------------------------------------------------------------------
    def sharings_list(self, call: Call, hid: str) -> Response:
        return self._map(self.data.sharings_list(call, hid), sharing_json)

    def sharing_show(self, call: Call, hid: str, sid: str) -> Response:
        return self._map(self.data.sharing_show(call, hid, sid), sharing_json)

    def sharing_create(self, call: Call, hid: str) -> Response:
        resp = self.data.sharing_create(call, hid)
        resp.body = {
            "folder": f"{call.base}/modern/folders/{hid}",
            "sharing": sharing_json(resp.body["sharing"]),
        }
        resp.headers.pop("Location", None)
        return resp

    def sharing_update(self, call: Call, hid: str, sid: str) -> Response:
        return self._map(self.data.sharing_update(call, hid, sid), sharing_json)

    def sharing_delete(self, call: Call, hid: str, sid: str) -> Response:
        return self._map(self.data.sharing_delete(call, hid, sid), sharing_json)

    # -- medias ----------------------------------------------------------------------------
    def medias_list(self, call: Call) -> Response:
        return self._map(self.data.medias_list(self._v1(call)), media_json)

    def media_show(self, call: Call, hid: str) -> Response:
        return self._map(self.data.media_show(call, hid), media_json)

    def media_update(self, call: Call, hid: str) -> Response:
        return self._map(self.data.media_update(call, hid), media_json)

    def media_delete(self, call: Call, hid: str) -> Response:
        return self._map(self.data.media_delete(call, hid), media_json)

    def media_copy(self, call: Call, hid: str) -> Response:
        return self._map(self.data.media_copy(self._v1(call), hid), media_json)


class ModernTrack:
    """Every modern release over one :class:`DataApi`; :meth:`release` picks the one a request gets."""

    def __init__(self, data: DataApi) -> None:
        self.extras = ModernExtras(data)
        self.apis = {release: ModernApi(data, release, self.extras) for release in RELEASES}

    def release(self, header: str | None) -> ModernApi:
        return self.apis[resolve_release(header)]
