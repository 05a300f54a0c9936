"""Route handlers of the emulated Wistia v1 Data API, Stats API and oEmbed endpoint.

Each handler gets a :class:`Call` (effective method, merged parameters, base URL) and
the path's captured ids, and returns a :class:`Response` or raises :class:`ApiError`.
Routing is by regular expression on the path below ``/v1/`` with the ``.json``/``.xml``
extension already removed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlparse

from .analytics import AnalyticsApi, empty_not_found
from .catalog import CatalogApi
from .common import ApiError, BadRequestError, Params, Response, media_not_found, paging, parse_int
from .cursor import cursor_paging
from .jobs import JobsApi
from .live import LiveStreamApi
from .media_content import CAPTION_SHOW, TEXT_FORMATS, MediaContentApi
from .models import account_slug, media_stats_json, stats_api_media_json
from .state import Store


@dataclass
class Call:
    method: str
    params: Params
    base: str
    body_kind: str = "none"  # none, json, form or multipart
    json_body: Any = None
    fmt: str = "json"  # the path's extension: json, xml, or srt/vtt/txt where an endpoint serves it

    def sort(self) -> tuple[str | None, bool]:
        sort_by = self.params.get_str("sort_by") or None
        direction = self.params.get_str("sort_direction")
        return sort_by, direction is None or direction.strip() != "0"


Handler = Callable[..., Response]
_HID = r"([^/]+)"
# The v1 spec gives the 400 answer of this operation (POST) as a list of messages, not {"error": ...}.
_LIST_ERRORS = re.compile(r"^projects/[^/]+/sharings$")


class DataApi:
    """The ``/v1`` routes, bound to one :class:`Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.jobs = JobsApi(store)
        self.catalog = CatalogApi(store)
        self.content = MediaContentApi(store, self.jobs)
        self.analytics = AnalyticsApi(store)
        self.live = LiveStreamApi(store)
        table: list[tuple[str, dict[str, Handler]]] = [
            (r"projects", {"GET": self.projects_list, "POST": self.project_create}),
            (
                rf"projects/{_HID}",
                {"GET": self.project_show, "PUT": self.project_update, "DELETE": self.project_delete},
            ),
            (rf"projects/{_HID}/copy", {"POST": self.project_copy}),
            (rf"projects/{_HID}/sharings", {"GET": self.sharings_list, "POST": self.sharing_create}),
            (
                rf"projects/{_HID}/sharings/{_HID}",
                {"GET": self.sharing_show, "PUT": self.sharing_update, "DELETE": self.sharing_delete},
            ),
            (r"medias", {"GET": self.medias_list}),
            (
                rf"medias/{_HID}",
                {"GET": self.media_show, "PUT": self.media_update, "DELETE": self.media_delete},
            ),
            (rf"medias/{_HID}/copy", {"POST": self.media_copy}),
            (rf"medias/{_HID}/stats", {"GET": self.media_stats}),
            (r"account", {"GET": self.account}),
            (r"stats/account", {"GET": self.stats_account}),
            (rf"stats/projects/{_HID}", {"GET": self.stats_project}),
            (rf"stats/medias/{_HID}", {"GET": self.stats_media}),
        ]
        # The newer endpoint groups go first: "medias/archive" must not be read as "medias/<id>".
        groups = (self.jobs, self.catalog, self.content, self.analytics, self.live)
        table = [route for group in groups for route in group.routes()] + table
        self.routes = [(re.compile(f"^{pattern}$"), methods) for pattern, methods in table]

    def accepts_format(self, path: str, fmt: str) -> bool:
        """JSON and XML everywhere; SRT, VTT and plain text for a caption track (Captions#show)."""
        return fmt in ("json", "xml") or (fmt in TEXT_FORMATS and CAPTION_SHOW.match(path) is not None)

    @staticmethod
    def shape_error(method: str, path: str, resp: Response) -> Response:
        """An error answer in the shape the spec gives for this operation (``{"error": ...}`` elsewhere)."""
        listed = method == "POST" and _LIST_ERRORS.match(path) is not None
        if listed and resp.status == 400 and isinstance(resp.body, dict):
            return Response(400, [str(resp.body.get("error"))], resp.headers, xml_root="errors")
        return resp

    def resolve(self, path: str) -> tuple[dict[str, Handler], tuple[str, ...]] | None:
        for pattern, methods in self.routes:
            match = pattern.match(path)
            if match:  # percent-decoded: a tag name or a domain may need escaping in the path
                return methods, tuple(unquote(group) for group in match.groups())
        return None

    # -- projects --------------------------------------------------------------------------
    def projects_list(self, call: Call) -> Response:
        sort_by, asc = call.sort()
        hashed_ids = call.params.get_list("hashed_ids") or None
        body = self.store.list_projects(paging(call.params), sort_by, asc, hashed_ids)
        return Response(body=body, xml_root="projects")

    def project_show(self, call: Call, hid: str) -> Response:
        sort_by, asc = call.sort()
        page = paging(call.params, default=500, maximum=500)
        return Response(body=self.store.show_project(hid, page, sort_by, asc), xml_root="project")

    def project_create(self, call: Call) -> Response:
        p = call.params
        body = self.store.create_project(
            p.get_str("name", "project[name]") or "",
            description=p.get_str("description", "project[description]"),
            public=bool(p.get_bool("public", "project[public]")),
            anonymous_can_upload=bool(p.get_bool("anonymousCanUpload", "project[anonymousCanUpload]")),
            anonymous_can_download=bool(p.get_bool("anonymousCanDownload", "project[anonymousCanDownload]")),
            admin_email=p.get_str("adminEmail", "project[adminEmail]"),
        )
        location = f"{call.base}/v1/projects/{body['hashedId']}.json"
        return Response(201, body, {"Location": location}, xml_root="project")

    def project_update(self, call: Call, hid: str) -> Response:
        p = call.params
        changes: dict[str, Any] = {}
        for key, attr in (
            ("public", "public"),
            ("anonymousCanUpload", "anonymous_can_upload"),
            ("anonymousCanDownload", "anonymous_can_download"),
        ):
            value = p.get_bool(key, f"project[{key}]")
            if value is not None:
                changes[attr] = value
        for key in ("name", "description"):
            text = p.get_str(key, f"project[{key}]")
            if text is not None:
                changes[key] = text
        return Response(body=self.store.update_project(hid, changes), xml_root="project")

    def project_delete(self, call: Call, hid: str) -> Response:
        return Response(body=self.store.delete_project(hid), xml_root="project")

    def project_copy(self, call: Call, hid: str) -> Response:
        body = self.store.copy_project(hid, call.params.get_str("adminEmail"))
        location = f"{call.base}/v1/projects/{body['hashedId']}.json"
        return Response(201, body, {"Location": location}, xml_root="project")

    # -- sharings --------------------------------------------------------------------------
    @staticmethod
    def _sharing_flags(params: Params) -> dict[str, bool | None]:
        return {
            attr: params.get_bool(f"sharing[{key}]", key)
            for key, attr in (
                ("isAdmin", "is_admin"),
                ("canShare", "can_share"),
                ("canDownload", "can_download"),
                ("canUpload", "can_upload"),
                ("requirePassword", "require_password"),
            )
        }

    def sharings_list(self, call: Call, hid: str) -> Response:
        return Response(body=self.store.list_sharings(hid, paging(call.params)), xml_root="sharings")

    def sharing_show(self, call: Call, hid: str, sid: str) -> Response:
        return Response(body=self.store.get_sharing(hid, sid), xml_root="sharing")

    def sharing_create(self, call: Call, hid: str) -> Response:
        email = call.params.get_str("sharing[with]", "with")
        flags = {k: v for k, v in self._sharing_flags(call.params).items() if v is not None}
        sharing = self.store.create_sharing(hid, email, **flags)
        location = f"{call.base}/v1/projects/{hid}/sharings/{sharing['id']}.json"
        body = {"project": f"{call.base}/v1/projects/{hid}.json", "sharing": sharing}
        return Response(201, body, {"Location": location}, xml_root="hash")

    def sharing_update(self, call: Call, hid: str, sid: str) -> Response:
        body = self.store.update_sharing(hid, sid, **self._sharing_flags(call.params))
        return Response(body=body, xml_root="sharing")

    def sharing_delete(self, call: Call, hid: str, sid: str) -> Response:
        return Response(body=self.store.delete_sharing(hid, sid), xml_root="sharing")

    # -- medias ----------------------------------------------------------------------------
    def medias_list(self, call: Call) -> Response:
        p = call.params
        sort_by, asc = call.sort()
        hashed_ids = p.get_list("hashed_ids")
        single = p.get_str("hashed_id")
        if single:
            hashed_ids = [*hashed_ids, single] if hashed_ids else [single]
        body = self.store.list_medias(
            cursor_paging(p, sort_by) or paging(p),
            project_id=p.get_str("project_id") or None,
            name=p.get_str("name"),
            media_type=p.get_str("type") or None,
            hashed_ids=hashed_ids or None,
            archived=p.get_bool("archived"),
            sort_by=sort_by,
            asc=asc,
            tags=p.get_list("tags") or None,
        )
        return Response(body=body, xml_root="medias")

    def media_show(self, call: Call, hid: str) -> Response:
        return Response(body=self.store.show_media(hid), xml_root="media")

    def media_update(self, call: Call, hid: str) -> Response:
        p = call.params
        tags: list[str] | None = None  # "tags" replaces the media's tags, an empty list removes them all
        if isinstance(call.json_body, dict) and isinstance(call.json_body.get("tags"), list):
            tags = [str(tag) for tag in call.json_body["tags"]]
        elif "tags[]" in p or "tags" in p:
            tags = p.get_list("tags")
        with self.store.lock:
            body = self.store.update_media(
                hid,
                p.get_str("name", "media[name]"),
                p.get_str("description", "media[description]"),
                p.get_str("new_still_media_id", "media[new_still_media_id]"),
            )
            rec = self.store.media(hid)
            if tags is not None:
                rec.tags = list(dict.fromkeys(tags))
                self.catalog.ensure_tags(rec.tags)
            body["tags"] = [{"name": tag} for tag in rec.tags]
        return Response(body=body, xml_root="media")

    def media_delete(self, call: Call, hid: str) -> Response:
        return Response(body=self.store.delete_media(hid), xml_root="media")

    def media_copy(self, call: Call, hid: str) -> Response:
        body = self.store.copy_media(hid, call.params.get_str("project_id"), call.params.get_str("owner"))
        location = f"{call.base}/v1/medias/{body['hashed_id']}.json"
        return Response(201, body, {"Location": location}, xml_root="media")

    def media_stats(self, call: Call, hid: str) -> Response:
        with self.store.lock:
            body = media_stats_json(self.store.video_stats(hid))
        return Response(body=body, xml_root="media")

    # -- account and Stats API -------------------------------------------------------------
    def account(self, call: Call) -> Response:
        store = self.store
        with store.lock:
            slug = account_slug(store.account_name)
            body = {
                "id": 1,
                "name": store.account_name,
                "url": f"https://{slug}.wistia.com",
                "mediaCount": len(store.medias),
                "videoLimit": 100_000,
                "projectCount": len(store.projects),
                "channelCount": len(self.catalog.channels),
            }
        return Response(body=body, xml_root="account")

    def _aggregate(self, project_ident: str | None) -> dict[str, Any]:
        """Stats API totals over the account's (or one project's) videos."""
        store = self.store
        with store.lock:
            if project_ident is None:
                recs = [m for m in store.medias.values() if m.type == "Video"]
            else:
                project = store.project(project_ident)
                recs = [store.medias[h] for h in project.medias if store.medias[h].type == "Video"]
            loads = plays = 0
            hours = 0.0
            for rec in recs:
                s = rec.stats()
                loads += s["page_loads"]
                plays += s["plays"]
                hours += s["hours_watched"]
        out: dict[str, Any] = {"load_count": loads, "play_count": plays, "hours_watched": round(hours, 2)}
        if project_ident is not None:
            out["number_of_videos"] = len(recs)
        return out

    def stats_account(self, call: Call) -> Response:
        return Response(body=self._aggregate(None), xml_root="stats")

    def stats_project(self, call: Call, ident: str) -> Response:
        with empty_not_found():
            return Response(body=self._aggregate(ident), xml_root="stats")

    def stats_media(self, call: Call, ident: str) -> Response:
        with self.store.lock, empty_not_found():
            body = stats_api_media_json(self.store.video_stats(ident, numeric=True))
        return Response(body=body, xml_root="stats")


_MEDIA_URL = re.compile(r"/(?:medias|embed/iframe|embed/medias|embed/playlists)/([0-9a-zA-Z]+)")


def oembed(store: Store, params: Params) -> Response:
    """``GET /oembed?url=https://<account>.wistia.com/medias/<hashed_id>`` (public, no auth)."""
    url = params.get_str("url")
    if not url:
        raise BadRequestError({"error": "param is missing or the value is empty: url"})
    parsed = urlparse(url)
    match = _MEDIA_URL.search(parsed.path)
    if not match or not (parsed.hostname or "").endswith(("wistia.com", "wistia.net", "wi.st")):
        raise ApiError(404, {"error": f"No embeddable media found for url '{url}'."})
    hid = match.group(1)
    opts = Params()
    opts.add_query(parsed.query)  # embed options may sit inside the url-encoded media URL
    for key, values in params.items():
        for value in values:
            opts.add(key, value)
    with store.lock:
        media = store.medias.get(hid)
        if media is None:
            raise media_not_found(hid)
        name, duration, created = media.name, media.duration, media.basic_json()["created"]
        thumb = media.thumbnail(960, 540)
    width = parse_int(opts.get("width", "maxwidth"), 0)
    height = parse_int(opts.get("height", "maxheight"), 0)
    if width <= 0 and height <= 0:
        width, height = 640, 360
    elif height <= 0:
        height = round(width * 9 / 16)
    elif width <= 0:
        width = round(height * 16 / 9)
    embed_type = (opts.get_str("embedType") or "iframe").lower()
    if embed_type in ("iframe", "playlist_iframe"):
        markup = (
            f'<iframe src="https://fast.wistia.net/embed/iframe/{hid}" title="{html.escape(name)}" '
            f'allow="autoplay; fullscreen" allowtransparency="true" frameborder="0" scrolling="no" '
            f'class="wistia_embed" name="wistia_embed" width="{width}" height="{height}"></iframe>'
        )
    else:
        markup = (
            f'<script src="https://fast.wistia.com/embed/medias/{hid}.jsonp" async></script>'
            f'<script src="https://fast.wistia.com/assets/external/E-v1.js" async></script>'
            f'<div class="wistia_embed wistia_async_{hid}" '
            f'style="height:{height}px;width:{width}px">&nbsp;</div>'
        )
    body: dict[str, Any] = {
        "version": "1.0",
        "type": "video",
        "html": markup,
        "width": width,
        "height": height,
        "provider_name": "Wistia, Inc.",
        "provider_url": "https://wistia.com/",
        "title": name,
        "thumbnail_url": thumb["url"],
        "thumbnail_width": thumb["width"],
        "thumbnail_height": thumb["height"],
        "upload_date": created,
    }
    if duration is not None:
        body["duration"] = duration
    return Response(body=body, xml_root="oembed")
