"""Stored records of the Wistia emulator and their JSON shapes (v1 Data API field names).

Records are small dataclasses; the JSON dicts handed to clients are built fresh on
every read, so callers can never mutate the store through a returned object.
Per-media statistics and durations are derived deterministically from the hashed id
(a ``random.Random`` seeded with it) unless overridden.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
from dataclasses import dataclass, field
from typing import Any

from .common import iso

MEDIA_TYPES = ("Video", "Audio", "Image", "PdfDocument", "MicrosoftOfficeDocument", "Swf", "UnknownType")
_EXTENSIONS = {
    "Video": ("mp4", "mov", "avi", "m4v", "mkv", "webm", "wmv", "flv", "mpg", "mpeg", "3gp"),
    "Audio": ("mp3", "wav", "m4a", "aac", "ogg", "flac", "aiff"),
    "Image": ("png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp"),
    "PdfDocument": ("pdf",),
    "MicrosoftOfficeDocument": ("doc", "docx", "ppt", "pptx", "xls", "xlsx"),
    "Swf": ("swf",),
}
_TYPE_BY_EXT = {ext: kind for kind, exts in _EXTENSIONS.items() for ext in exts}
_CONTENT_TYPES = {
    "Video": "video/mp4",
    "Audio": "audio/mpeg",
    "Image": "image/png",
    "PdfDocument": "application/pdf",
    "MicrosoftOfficeDocument": "application/vnd.ms-office",
    "Swf": "application/x-shockwave-flash",
}
DELIVERIES = "https://embed-ssl.wistia.com/deliveries"
DEFAULT_LIFECYCLE = ("queued", "processing", "ready")


def media_type_for(filename: str, default: str = "UnknownType") -> str:
    """Media type from a file name's (or URL path's) extension."""
    ext = os.path.splitext(filename)[1].lower().lstrip(".")
    if not ext:
        return default
    return _TYPE_BY_EXT.get(ext, "UnknownType")


def lifecycle_from(status: str) -> list[str]:
    """Default remaining path for a media put into ``status``."""
    if status in DEFAULT_LIFECYCLE:
        return list(DEFAULT_LIFECYCLE[DEFAULT_LIFECYCLE.index(status) :])
    return [status]


def account_slug(account_name: str) -> str:
    """The account's subdomain as Wistia links use it (``https://<slug>.wistia.com``)."""
    return re.sub(r"[^a-z0-9]+", "-", account_name.lower()).strip("-") or "account"


def _digest(*parts: object) -> str:
    return hashlib.sha1(":".join(str(p) for p in parts).encode()).hexdigest()


@dataclass
class ProjectRec:
    id: int
    hashed_id: str
    name: str
    description: str | None
    public: bool
    anonymous_can_upload: bool
    anonymous_can_download: bool
    created: float
    updated: float
    admin_email: str | None = None
    medias: dict[str, None] = field(default_factory=dict)  # ordered set of media hashed ids
    subfolders: dict[str, dict[str, Any]] = field(default_factory=dict)  # hashed id -> subfolder JSON

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "mediaCount": len(self.medias),
            "created": iso(self.created),
            "updated": iso(self.updated),
            "hashedId": self.hashed_id,
            "anonymousCanUpload": self.anonymous_can_upload,
            "anonymousCanDownload": self.anonymous_can_download,
            "public": self.public,
            "publicId": self.hashed_id,
        }

    def ref(self) -> dict[str, Any]:
        """The ``project`` object embedded in a media."""
        return {"id": self.id, "name": self.name, "hashed_id": self.hashed_id}


@dataclass
class SharingRec:
    id: int
    project_hid: str
    contact_id: int
    email: str
    is_admin: bool = False
    can_share: bool = False
    can_download: bool = False
    can_upload: bool = False
    require_password: bool = True

    def to_json(self, project: ProjectRec) -> dict[str, Any]:
        return {
            "id": self.id,
            "isAdmin": self.is_admin,
            "canShare": self.can_share,
            "canDownload": self.can_download,
            "canUpload": self.can_upload,
            "share": {
                "id": self.contact_id,
                "name": self.email.split("@", 1)[0],
                "type": "Contact",
                "email": self.email,
            },
            "project": {"id": project.id, "name": project.name},
        }


@dataclass
class MediaRec:
    id: int
    hashed_id: str
    name: str
    type: str
    project_hid: str
    created: float
    updated: float
    position: int
    description: str = ""
    archived: bool = False
    lifecycle: list[str] = field(default_factory=lambda: ["ready"])
    step: int = 0
    polls: int = 0
    progress: float = 1.0
    file_size: int | None = None
    source_url: str | None = None
    still_hid: str | None = None
    owner: str | None = None
    contact_id: int | None = None
    fixed_duration: float | None = None
    stats_override: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    subfolder_hid: str | None = None
    _base_stats: dict[str, int] | None = None
    _natural_duration: float | None = None

    @property
    def status(self) -> str:
        return self.lifecycle[self.step]

    def set_lifecycle(self, statuses: list[str]) -> None:
        self.lifecycle = list(statuses)
        self.step = 0
        self.polls = 0
        self.progress = _progress_for(self.status, self.progress)

    def advance(self, polls_per_step: int) -> bool:
        """Count one read; move one step along the lifecycle every ``polls_per_step`` reads."""
        if self.step >= len(self.lifecycle) - 1:
            return False
        self.polls += 1
        if self.polls < max(1, polls_per_step):
            return False
        self.polls = 0
        self.step += 1
        self.progress = _progress_for(self.status, self.progress)
        return True

    @property
    def duration(self) -> float | None:
        if self.type not in ("Video", "Audio"):
            return None
        if self.status != "ready":
            return 0.0
        if self.fixed_duration is not None:
            return self.fixed_duration
        return self.natural_duration()

    def natural_duration(self) -> float:
        if self._natural_duration is None:
            self._natural_duration = round(random.Random(f"duration:{self.hashed_id}").uniform(8.0, 600.0), 3)
        return self._natural_duration

    def thumbnail(self, width: int = 200, height: int = 120) -> dict[str, Any]:
        key = _digest(self.still_hid or self.hashed_id, "still")
        return {
            "url": f"{DELIVERIES}/{key}.jpg?image_crop_resized={width}x{height}",
            "width": width,
            "height": height,
        }

    def original_size(self) -> int:
        if self.file_size is not None:
            return self.file_size
        return random.Random(f"size:{self.hashed_id}").randint(200_000, 80_000_000)

    def assets(self) -> list[dict[str, Any]]:
        content_type = _CONTENT_TYPES.get(self.type, "application/octet-stream")
        visual = self.type in ("Video", "Image")
        size = self.original_size()
        out = [
            _asset(
                self.hashed_id,
                "OriginalFile",
                1920 if visual else 0,
                1080 if visual else 0,
                size,
                content_type,
            )
        ]
        if self.status != "ready":
            return out
        if self.type == "Video":
            out.append(_asset(self.hashed_id, "IphoneVideoFile", 640, 360, size // 6, "video/mp4"))
            out.append(_asset(self.hashed_id, "Mp4VideoFile", 960, 540, size // 3, "video/mp4"))
            out.append(_asset(self.hashed_id, "HdMp4VideoFile", 1280, 720, size // 2, "video/mp4"))
            out.append(_asset(self.hashed_id, "StillImageFile", 1920, 1080, 180_000, "image/jpeg"))
        elif self.type == "Audio":
            out.append(_asset(self.hashed_id, "Mp3AudioFile", 0, 0, size // 2, "audio/mpeg"))
        elif self.type == "Image":
            out.append(_asset(self.hashed_id, "StillImageFile", 1920, 1080, size, "image/jpeg"))
        return out

    def basic_json(self) -> dict[str, Any]:
        """Fields common to every media representation (no ``project`` / ``assets``)."""
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "archived": self.archived,
            "created": iso(self.created),
            "updated": iso(self.updated),
        }
        duration = self.duration
        if duration is not None:
            out["duration"] = duration
        out.update(
            {
                "hashed_id": self.hashed_id,
                "description": self.description,
                "progress": self.progress,
                "status": self.status,
                "thumbnail": self.thumbnail(),
            }
        )
        return out

    def full_json(self, project: ProjectRec | None, newer_fields: bool = True) -> dict[str, Any]:
        """Medias#show / #list shape; ``newer_fields`` adds ``tags`` and ``subfolder``."""
        out = self.basic_json()
        out["project"] = project.ref() if project is not None else None
        out["assets"] = self.assets()
        if newer_fields:
            out["tags"] = [{"name": tag} for tag in self.tags]
            subfolder = project.subfolders.get(self.subfolder_hid or "") if project is not None else None
            out["subfolder"] = dict(subfolder) if subfolder is not None else None
        return out

    # -- statistics -------------------------------------------------------------------------
    def base_stats(self) -> dict[str, int]:
        if self._base_stats is None:
            rng = random.Random(f"stats:{self.hashed_id}")
            loads = rng.randint(20, 5000)
            visitors = rng.randint(max(1, loads // 3), loads)
            self._base_stats = {
                "page_loads": loads,
                "visitors": visitors,
                "plays": rng.randint(0, visitors),
                "average_percent_watched": rng.randint(5, 95),
            }
        return self._base_stats

    def stats(self) -> dict[str, Any]:
        """All statistics of this media (snake_case keys), overrides applied."""
        ov = self.stats_override
        base = self.base_stats()
        loads = int(ov.get("page_loads", base["page_loads"]))
        visitors = int(ov.get("visitors", base["visitors"]))
        plays = int(ov.get("plays", base["plays"]))
        avg = int(ov.get("average_percent_watched", base["average_percent_watched"]))
        duration = self.fixed_duration or self.natural_duration()
        derived = {
            "page_loads": loads,
            "visitors": visitors,
            "plays": plays,
            "average_percent_watched": avg,
            "percent_of_visitors_clicking_play": min(100, round(100 * plays / visitors)) if visitors else 0,
            "play_rate": round(min(1.0, plays / loads), 3) if loads else 0.0,
            "engagement": round(avg / 100, 3),
            "hours_watched": round(plays * duration * avg / 100 / 3600, 2),
        }
        for key in ("percent_of_visitors_clicking_play", "play_rate", "engagement", "hours_watched"):
            if key in ov:
                derived[key] = ov[key]
        return derived


def _progress_for(status: str, previous: float) -> float:
    if status == "queued":
        return 0.0
    if status == "processing":
        return 0.5
    if status == "ready":
        return 1.0
    return previous


def _asset(hid: str, kind: str, width: int, height: int, size: int, content_type: str) -> dict[str, Any]:
    return {
        "url": f"{DELIVERIES}/{_digest(hid, kind)}.bin",
        "width": width,
        "height": height,
        "fileSize": size,
        "contentType": content_type,
        "type": kind,
    }


def media_stats_json(media: MediaRec) -> dict[str, Any]:
    """``GET /v1/medias/<id>/stats`` body."""
    s = media.stats()
    return {
        "id": media.id,
        "hashed_id": media.hashed_id,
        "name": media.name,
        "stats": {
            "pageLoads": s["page_loads"],
            "visitors": s["visitors"],
            "percentOfVisitorsClickingPlay": s["percent_of_visitors_clicking_play"],
            "plays": s["plays"],
            "averagePercentWatched": s["average_percent_watched"],
        },
    }


def stats_api_media_json(media: MediaRec) -> dict[str, Any]:
    """``GET /v1/stats/medias/<id>`` body."""
    s = media.stats()
    return {
        "load_count": s["page_loads"],
        "play_count": s["plays"],
        "play_rate": s["play_rate"],
        "hours_watched": s["hours_watched"],
        "engagement": s["engagement"],
        "visitors": s["visitors"],
        "actions": [],
    }
