"""Operations only the modern track has, on the shared account state: background jobs that copy a
folder, import a media from a URL, copy or tag medias in bulk and delete subfolders in bulk.

Each answers at once with a queued ``background_job_status`` (as the 2026-03 description shows)
and changes the account when the job finishes, like the v1 bulk endpoints of :mod:`.jobs`.
Webinars, analytics, channels and extended audio descriptions come from their own modules
(``modern_webinars``, ``modern_analytics``, ``modern_channels``, ``modern_audio``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import upload
from .common import ApiError, NotFoundError, Params, Response
from .jobs import MAX_BULK
from .modern_analytics import ModernAnalytics
from .modern_audio import ModernAudioDescriptions
from .modern_channels import ModernChannels, channel_json, episode_json
from .modern_shapes import folder_json
from .modern_webinars import ModernWebinars

if TYPE_CHECKING:
    from .api import Call, DataApi

Handler = Callable[..., Response]


def _required_list(call: Call, name: str) -> list[str]:
    values = call.params.get_list(name)
    if not values:
        raise ApiError(422, {"error": f"param is missing or the value is empty: {name}"})
    if len(values) > MAX_BULK:
        raise ApiError(422, {"error": f"{name}: at most {MAX_BULK} at one time."})
    return list(dict.fromkeys(str(v) for v in values))


def _queued(message: str, job: Any, status: int = 200, **more: Any) -> Response:
    return Response(status, {"message": message, **more, "background_job_status": job.to_json()})


class ModernExtras:
    """Routes of the modern-only operations (put before the translated and shared routes)."""

    def __init__(self, data: DataApi) -> None:
        self.data, self.store, self.jobs = data, data.store, data.jobs
        self.webinars = ModernWebinars(data.store)
        self.analytics = ModernAnalytics(data.store)
        self.channels = ModernChannels(data.store, data.catalog)
        self.audio_descriptions = ModernAudioDescriptions(data.store, data.content)

    def routes(self) -> list[tuple[str, dict[str, Handler]]]:
        return [
            (r"medias/import_url", {"POST": self.import_url}),
            (r"medias/copy", {"PUT": self.copy_medias}),
            (r"taggings/bulk_create", {"POST": self.tag_medias}),
            (r"token", {"GET": self.token}),
            (r"search", {"GET": self.search}),
            (r"folders/([^/]+)/subfolders/bulk_delete", {"DELETE": self.delete_subfolders}),
            *self.webinars.routes(),
            *self.analytics.routes(),
            *self.channels.routes(),
            *self.audio_descriptions.routes(),
        ]

    def search(self, call: Call) -> Response:
        """The v1 search, answered in the modern shape (folders, subfolders, webinars too)."""
        found = self.data.catalog.search(call).body["data"]
        query = (call.params.get_str("q") or "").strip().lower()
        with self.store.lock:
            subfolders = [
                dict(sub)
                for project in self.store.projects.values()
                for sub in project.subfolders.values()
                if query in str(sub.get("name") or "").lower()
            ]
            webinars = [dict(w) for w in self.webinars.webinars.values() if query in w["title"].lower()]
        medias = [
            {
                **{k: v for k, v in media.items() if k != "projectHashedId"},
                "folder_hashed_id": media["projectHashedId"],
                "transcript_matches": [],
            }
            for media in found["medias"]
        ]
        data = {
            "folders": [folder_json(project) for project in found["projects"]],
            "subfolders": subfolders,
            "medias": medias,
            "channels": [channel_json(channel) for channel in found["channels"]],
            "channel_episodes": [{"id": e["id"], **episode_json(e)} for e in found["channelEpisodes"]],
            "webinars": webinars,
        }
        return Response(body={"data": data})

    def token(self, call: Call) -> Response:
        """The calling token: the emulator's are permanent API tokens of no application."""
        return Response(
            body={"type": "permanent", "application": None, "scopes": [], "name": None, "expires_at": None}
        )

    def folder_copy(self, call: Call, hid: str) -> Response:
        with self.store.lock:
            self.store.project(hid)
            admin_email = call.params.get_str("adminEmail", "admin_email")

            def copy() -> None:
                self.store.copy_project(hid, admin_email)

            job = self.jobs.start("copy_folder", copy)
        return Response(202, {"background_job_status": job.to_json()})

    def import_url(self, call: Call) -> Response:
        url = call.params.get_str("url")
        if not url:
            raise ApiError(400, {"error": "param is missing or the value is empty: url"})
        params = Params()
        params.add("url", url)
        folder_id = call.params.get_str("folder_id")
        if folder_id:
            with self.store.lock:
                params.add("project_id", self.store.project(folder_id).hashed_id)

        def create() -> None:
            upload.create(self.store, params, [])

        job = self.jobs.start("import_url", create)
        return _queued("Importing the media has been queued.", job, 201)

    def copy_medias(self, call: Call) -> Response:
        hids = _required_list(call, "hashed_ids")
        folder_id = call.params.get_str("folder_id")
        if not folder_id:
            raise ApiError(422, {"error": "param is missing or the value is empty: folder_id"})
        with self.store.lock:
            folder = self.store.project(folder_id)
            for hid in hids:
                self.store.media(hid)

            def copy() -> None:
                for hid in hids:
                    if hid in self.store.medias:
                        self.store._copy_media(self.store.medias[hid], folder, None)

            job = self.jobs.start("copy_medias", copy)
            destination = {"type": "Folder", "name": folder.name, "hashedId": folder.hashed_id}
        return _queued(f"Copying {len(hids)} media has been queued.", job, destination=destination)

    def tag_medias(self, call: Call) -> Response:
        hids = _required_list(call, "hashed_ids")
        names = _required_list(call, "tag_names")
        with self.store.lock:
            for hid in hids:
                self.store.media(hid)

            def tag() -> None:
                self.data.catalog.ensure_tags(names)
                for hid in hids:
                    rec = self.store.medias.get(hid)
                    if rec is not None:
                        rec.tags = list(dict.fromkeys([*rec.tags, *names]))
                        rec.updated = time.time()

            job = self.jobs.start("tag_medias", tag)
        return _queued(f"Tagging {len(hids)} media has been queued.", job)

    def delete_subfolders(self, call: Call, folder_id: str) -> Response:
        hids = _required_list(call, "hashed_ids")
        with self.store.lock:
            folder = self.store.project(folder_id)
            if missing := [h for h in hids if h not in folder.subfolders]:
                raise NotFoundError(f"Subfolder with ID {missing[0]} not found.")

            def delete() -> None:
                for hid in hids:
                    if folder.subfolders.pop(hid, None) is not None:
                        for media in self.store.medias.values():
                            if media.subfolder_hid == hid:
                                media.subfolder_hid = None

            job = self.jobs.start("delete_subfolders", delete)
        return _queued(f"Deleting {len(hids)} subfolders has been queued.", job)
