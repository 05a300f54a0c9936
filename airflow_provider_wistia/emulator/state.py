"""The emulator's in-memory Wistia account: projects, medias, sharings, lifecycle, stats.

Every public method takes the one store lock, so HTTP handler threads and the Python
API can use the store concurrently. Methods return freshly built JSON-shaped dicts
(v1 field names) and raise :class:`NotFoundError` / :class:`BadRequestError`, which
are both HTTP errors and ``KeyError`` / ``ValueError`` for Python callers.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from .common import (
    ALPHABET,
    MEDIA_STATUSES,
    BadRequestError,
    NotFoundError,
    Paging,
    invalid_param,
    media_not_found,
    numeric_id,
    project_not_found,
)
from .cursor import CursorPaging
from .models import MEDIA_TYPES, MediaRec, ProjectRec, SharingRec, lifecycle_from

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")  # who a project is shared with: an email address
_PROJECT_SORT: dict[str, Callable[[ProjectRec], Any]] = {
    "name": lambda p: p.name.lower(),
    "created": lambda p: p.created,
    "updated": lambda p: p.updated,
    "mediaCount": lambda p: len(p.medias),
    "id": lambda p: p.id,
}
_MEDIA_SORT: dict[str, Callable[[MediaRec], Any]] = {
    "name": lambda m: m.name.lower(),
    "created": lambda m: m.created,
    "updated": lambda m: m.updated,
    "position": lambda m: m.position,
    "id": lambda m: m.id,
}


def _sort(
    items: list[Any], keys: dict[str, Callable[[Any], Any]], sort_by: str | None, asc: bool
) -> list[Any]:
    key = keys.get(sort_by or "id", keys["id"])
    return sorted(items, key=lambda item: (key(item), item.id), reverse=not asc)


class Store:
    """All emulated account state, guarded by a single re-entrant lock."""

    def __init__(self, account_name: str = "Emulated Account", polls_per_step: int = 1) -> None:
        self.lock = threading.RLock()
        self.account_name = account_name
        self.polls_per_step = polls_per_step
        self.newer_media_fields = True
        self._rng = random.Random()
        self._reset_hooks: list[Callable[[], None]] = []
        # Called (under the lock) on each media lifecycle change: see emulator/webhooks.py.
        self.media_listener: Callable[[str, MediaRec, dict[str, Any] | None], None] | None = None
        self.reset()

    def on_reset(self, hook: Callable[[], None]) -> None:
        """Also call ``hook`` (under the lock) whenever the store is wiped: state kept elsewhere."""
        self._reset_hooks.append(hook)
        with self.lock:
            hook()

    def reset(self) -> None:
        with self.lock:
            for hook in self._reset_hooks:
                hook()
            self.projects: dict[str, ProjectRec] = {}
            self.medias: dict[str, MediaRec] = {}
            self.sharings: dict[str, dict[int, SharingRec]] = {}
            self._project_by_id: dict[int, str] = {}
            self._media_by_id: dict[int, str] = {}
            self._contacts: dict[str, int] = {}
            self._hids: set[str] = set()
            self._next = {"project": 1, "media": 1, "sharing": 1, "contact": 1}

    # -- helpers ---------------------------------------------------------------------------
    def _emit(self, event_type: str, media: MediaRec, previous: dict[str, Any] | None = None) -> None:
        if self.media_listener is not None:
            self.media_listener(event_type, media, previous)

    def _new_id(self, kind: str) -> int:
        value = self._next.setdefault(kind, 1)
        self._next[kind] = value + 1
        return value

    def _new_hid(self) -> str:
        while True:
            hid = "".join(self._rng.choices(ALPHABET, k=10))
            if hid not in self._hids:
                self._hids.add(hid)
                return hid

    def project(self, ident: str | int) -> ProjectRec:
        """A project by hashed id (or numeric id, as the Stats API allows)."""
        rec = self.projects.get(str(ident))
        if rec is None and numeric_id(ident) is not None:
            hid = self._project_by_id.get(int(ident))
            rec = self.projects.get(hid) if hid else None
        if rec is None:
            raise project_not_found(str(ident))
        return rec

    def media(self, ident: str | int, numeric: bool = False) -> MediaRec:
        rec = self.medias.get(str(ident))
        if rec is None and numeric and numeric_id(ident) is not None:
            hid = self._media_by_id.get(int(ident))
            rec = self.medias.get(hid) if hid else None
        if rec is None:
            raise media_not_found(str(ident))
        return rec

    def _full(self, media: MediaRec) -> dict[str, Any]:
        return media.full_json(self.projects.get(media.project_hid), self.newer_media_fields)

    # -- projects --------------------------------------------------------------------------
    def create_project(self, name: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Create a project; arguments as :meth:`_create_project`."""
        return self._create_project(name, *args, **kwargs).to_json()

    def _create_project(
        self,
        name: str,
        description: str | None = None,
        public: bool = False,
        anonymous_can_upload: bool = False,
        anonymous_can_download: bool = False,
        admin_email: str | None = None,
        created: float | None = None,
    ) -> ProjectRec:
        if not name or not str(name).strip():
            raise BadRequestError({"error": "param is missing or the value is empty: name"})
        with self.lock:
            now = time.time() if created is None else created
            rec = ProjectRec(
                id=self._new_id("project"),
                hashed_id=self._new_hid(),
                name=str(name),
                description=description,
                public=public,
                anonymous_can_upload=anonymous_can_upload,
                anonymous_can_download=anonymous_can_download,
                created=now,
                updated=now,
                admin_email=admin_email,
            )
            self.projects[rec.hashed_id] = rec
            self._project_by_id[rec.id] = rec.hashed_id
            self.sharings[rec.hashed_id] = {}
            return rec

    def project_named(self, name: str) -> ProjectRec:
        """The first project called ``name``, created if there is none."""
        with self.lock:
            for rec in self.projects.values():
                if rec.name == name:
                    return rec
            return self._create_project(name)

    def get_project(self, hid: str) -> dict[str, Any]:
        with self.lock:
            return self.project(hid).to_json()

    def list_projects(
        self,
        paging: Paging | None = None,
        sort_by: str | None = None,
        asc: bool = True,
        hashed_ids: list[str] | None = None,
    ) -> list[dict[str, Any]]:
        with self.lock:
            recs = list(self.projects.values())
            if hashed_ids:
                wanted = set(hashed_ids)
                recs = [p for p in recs if p.hashed_id in wanted]
            if sort_by or not asc:
                recs = _sort(recs, _PROJECT_SORT, sort_by, asc)
            if paging is not None:
                recs = paging.slice(recs)
            return [p.to_json() for p in recs]

    def show_project(self, hid: str, paging: Paging, sort_by: str | None, asc: bool) -> dict[str, Any]:
        with self.lock:
            rec = self.project(hid)
            medias = [self.medias[m] for m in rec.medias]
            if sort_by or not asc:
                medias = _sort(medias, _MEDIA_SORT, sort_by, asc)
            out = rec.to_json()
            out["medias"] = [m.basic_json() for m in paging.slice(medias)]
            return out

    def update_project(self, hid: str, changes: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            rec = self.project(hid)
            if "name" in changes:
                if not str(changes["name"]).strip():
                    raise BadRequestError({"error": "param is missing or the value is empty: name"})
                rec.name = str(changes["name"])
            for attr in ("description", "public", "anonymous_can_upload", "anonymous_can_download"):
                if attr in changes:
                    setattr(rec, attr, changes[attr])
            rec.updated = time.time()
            return rec.to_json()

    def delete_project(self, hid: str) -> dict[str, Any]:
        with self.lock:
            rec = self.project(hid)
            out = rec.to_json()
            for media_hid in list(rec.medias):
                self._drop_media(media_hid)
            del self.projects[rec.hashed_id]  # ``hid`` may be the numeric id
            del self._project_by_id[rec.id]
            self.sharings.pop(rec.hashed_id, None)
            return out

    def copy_project(self, hid: str, admin_email: str | None = None) -> dict[str, Any]:
        with self.lock:
            src = self.project(hid)
            new = self._create_project(
                src.name,
                src.description,
                src.public,
                src.anonymous_can_upload,
                src.anonymous_can_download,
                admin_email or src.admin_email,
            )
            for media_hid in list(src.medias):
                self._copy_media(self.medias[media_hid], new, None)
            return new.to_json()

    # -- sharings --------------------------------------------------------------------------
    def _sharing(self, project_hid: str, sharing_id: int | str) -> SharingRec:
        project = self.project(project_hid)
        sid = numeric_id(sharing_id) or -1
        rec = self.sharings[project.hashed_id].get(sid)
        if rec is None:
            raise NotFoundError(f"Sharing with ID '{sharing_id}' not found.")
        return rec

    def list_sharings(self, project_hid: str, paging: Paging | None = None) -> list[dict[str, Any]]:
        with self.lock:
            project = self.project(project_hid)
            recs = list(self.sharings[project.hashed_id].values())
            if paging is not None:
                recs = paging.slice(recs)
            return [s.to_json(project) for s in recs]

    def get_sharing(self, project_hid: str, sharing_id: int | str) -> dict[str, Any]:
        with self.lock:
            return self._sharing(project_hid, sharing_id).to_json(self.project(project_hid))

    def create_sharing(self, project_hid: str, email: str | None, **flags: bool | None) -> dict[str, Any]:
        with self.lock:
            project = self.project(project_hid)
            if not email or not str(email).strip():
                raise BadRequestError({"error": "param is missing or the value is empty: with"})
            email = str(email).strip()
            if not _EMAIL.fullmatch(email):
                raise invalid_param("with", email, "an email address")
            existing = self.sharings[project.hashed_id]
            if any(s.email.lower() == email.lower() for s in existing.values()):
                raise BadRequestError([f"{email} is already shared on this project."])
            contact = self._contacts.get(email.lower())
            if contact is None:
                contact = self._contacts[email.lower()] = self._new_id("contact")
            rec = SharingRec(self._new_id("sharing"), project.hashed_id, contact, email)
            self._apply_sharing_flags(rec, flags)
            existing[rec.id] = rec
            return rec.to_json(project)

    @staticmethod
    def _apply_sharing_flags(rec: SharingRec, flags: dict[str, bool | None]) -> None:
        for attr in ("is_admin", "can_share", "can_download", "can_upload", "require_password"):
            value = flags.get(attr)
            if value is not None:
                setattr(rec, attr, bool(value))

    def update_sharing(self, project_hid: str, sharing_id: int | str, **flags: bool | None) -> dict[str, Any]:
        with self.lock:
            rec = self._sharing(project_hid, sharing_id)
            self._apply_sharing_flags(rec, flags)
            return rec.to_json(self.project(project_hid))

    def delete_sharing(self, project_hid: str, sharing_id: int | str) -> dict[str, Any]:
        with self.lock:
            rec = self._sharing(project_hid, sharing_id)
            out = rec.to_json(self.project(project_hid))
            del self.sharings[rec.project_hid][rec.id]
            return out

    # -- medias ----------------------------------------------------------------------------
    def _add_media(
        self,
        name: str,
        project: ProjectRec,
        media_type: str,
        status: str = "ready",
        description: str = "",
        created: float | None = None,
        **extra: Any,
    ) -> MediaRec:
        if media_type not in MEDIA_TYPES:
            raise BadRequestError({"error": f"Unknown media type '{media_type}'."})
        if status not in MEDIA_STATUSES:
            raise BadRequestError({"error": f"Unknown media status '{status}'."})
        now = time.time() if created is None else created
        rec = MediaRec(
            id=self._new_id("media"),
            hashed_id=self._new_hid(),
            name=name,
            type=media_type,
            project_hid=project.hashed_id,
            created=now,
            updated=now,
            position=len(project.medias),
            description=description,
            **extra,
        )
        rec.set_lifecycle(lifecycle_from(status))
        self.medias[rec.hashed_id] = rec
        self._media_by_id[rec.id] = rec.hashed_id
        project.medias[rec.hashed_id] = None
        self._emit("media.created", rec)
        return rec

    def add_media(
        self, name: str, project_hid: str | None, media_type: str, status: str = "ready", **extra: Any
    ) -> MediaRec:
        """Create a media (Python API / upload). Without a project: ``Uploads_YYYY-MM-DD``."""
        with self.lock:
            if project_hid:
                project = self.project(project_hid)
            else:
                project = self.project_named(time.strftime("Uploads_%Y-%m-%d", time.gmtime()))
            return self._add_media(name, project, media_type, status, **extra)

    def _drop_media(self, hid: str) -> None:
        rec = self.medias.pop(hid)
        self._emit("media.deleted", rec)
        self._media_by_id.pop(rec.id, None)
        project = self.projects.get(rec.project_hid)
        if project is not None:
            project.medias.pop(hid, None)

    def _copy_media(self, src: MediaRec, project: ProjectRec, owner: str | None) -> MediaRec:
        rec = self._add_media(
            src.name,
            project,
            src.type,
            "ready",
            src.description,
            archived=src.archived,
            file_size=src.file_size,
            fixed_duration=src.duration or None,
            owner=owner or src.owner,
            still_hid=src.still_hid,
        )
        rec.set_lifecycle(src.lifecycle[src.step :])
        rec.progress = src.progress
        return rec

    def list_medias(
        self,
        paging: Paging | CursorPaging | None = None,
        project_id: str | None = None,
        name: str | None = None,
        media_type: str | None = None,
        hashed_ids: list[str] | None = None,
        archived: bool | None = None,
        sort_by: str | None = None,
        asc: bool = True,
        tags: list[str] | None = None,
    ) -> list[dict[str, Any]]:
        with self.lock:
            if hashed_ids is not None:
                found = (self.medias[h] for h in set(hashed_ids) if h in self.medias)
                recs = sorted(found, key=lambda m: m.id)
                for rec in recs:  # asking for a media by id is a poll of it, as Medias#show is
                    self._advance(rec)
            else:
                recs = list(self.medias.values())
            if project_id:
                project_hid = self.project(project_id).hashed_id
                recs = [m for m in recs if m.project_hid == project_hid]
            if name is not None:
                recs = [m for m in recs if m.name == name]
            if media_type:
                recs = [m for m in recs if m.type == media_type]
            if archived is not None:
                recs = [m for m in recs if m.archived == archived]
            if tags:
                recs = [m for m in recs if set(tags) <= set(m.tags)]  # medias with ALL the tags
            if isinstance(paging, CursorPaging):
                page = paging.select(recs, _MEDIA_SORT[paging.sort_by], asc)
                return [{**self._full(m), "cursor": cursor} for m, cursor in page]
            if sort_by or not asc:
                recs = _sort(recs, _MEDIA_SORT, sort_by, asc)
            if paging is not None:
                recs = paging.slice(recs)
            return [self._full(m) for m in recs]

    def get_media(self, hid: str) -> dict[str, Any]:
        with self.lock:
            return self._full(self.media(hid))

    def show_media(self, hid: str) -> dict[str, Any]:
        """``Medias#show``: counts as a poll, advancing the media's lifecycle."""
        with self.lock:
            rec = self.media(hid)
            self._advance(rec)
            return self._full(rec)

    def _advance(self, rec: MediaRec) -> None:
        if rec.advance(self.polls_per_step):
            rec.updated = time.time()
            self._emit(f"media.{rec.status}", rec)

    def update_media(
        self, hid: str, name: str | None, description: str | None, new_still: str | None
    ) -> dict[str, Any]:
        with self.lock:
            rec = self.media(hid)
            before = rec.basic_json()
            if new_still:
                still = self.medias.get(new_still)
                if still is None or still.type != "Image":
                    raise BadRequestError({"error": "The new still must be an Image media."})
                if rec.type != "Video":
                    raise BadRequestError({"error": "Only a Video media can be given a new still."})
                rec.still_hid = new_still
            if name is not None:
                rec.name = name
            if description is not None:
                rec.description = description
            rec.updated = time.time()
            self._emit("media.updated", rec, before)
            return rec.basic_json()

    def delete_media(self, hid: str) -> dict[str, Any]:
        with self.lock:
            out = self.media(hid).basic_json()
            self._drop_media(hid)
            return out

    def copy_media(self, hid: str, project_id: str | None, owner: str | None) -> dict[str, Any]:
        with self.lock:
            src = self.media(hid)
            project = self.projects.get(str(project_id)) if project_id else None
            if project is None and project_id and numeric_id(project_id) is not None:
                project = self.projects.get(self._project_by_id.get(int(project_id), ""))
            project = project or self.projects[src.project_hid]  # invalid id: source project (per docs)
            rec = self._copy_media(src, project, owner)
            out = rec.basic_json()
            out["project"] = project.ref()
            return out

    # -- lifecycle and stats (Python API) --------------------------------------------------
    def script_lifecycle(self, hid: str, statuses: list[str]) -> None:
        bad = [s for s in statuses if s not in MEDIA_STATUSES]
        if not statuses or bad:
            raise BadRequestError({"error": f"Invalid lifecycle {statuses!r}; use {MEDIA_STATUSES}."})
        with self.lock:
            self._set_lifecycle(self.media(hid), statuses)

    def set_status(self, hid: str, status: str) -> None:
        if status not in MEDIA_STATUSES:
            raise BadRequestError({"error": f"Invalid status {status!r}; use {MEDIA_STATUSES}."})
        with self.lock:
            self._set_lifecycle(self.media(hid), lifecycle_from(status))

    def _set_lifecycle(self, rec: MediaRec, statuses: list[str]) -> None:
        before = rec.status
        rec.set_lifecycle(statuses)
        if rec.status != before:
            self._emit(f"media.{rec.status}", rec)

    def set_stats(self, hid: str, **values: Any) -> None:
        with self.lock:
            rec = self.media(hid)
            rec.stats_override.update({k: v for k, v in values.items() if v is not None})

    def video_stats(self, ident: str, numeric: bool = False) -> MediaRec:
        """The media for a stats request; 400 unless it is a Video."""
        rec = self.media(ident, numeric=numeric)
        if rec.type != "Video":
            raise BadRequestError(
                {"error": f"Stats are only available for videos; '{rec.hashed_id}' is of type {rec.type}."}
            )
        return rec
