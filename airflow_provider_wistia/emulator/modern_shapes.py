"""v1 answers in the modern track's names: a project is a folder, snake_case fields.

Shapes follow the 2026-03 description (``Folder``, ``FolderSharingSchema``, ``Account``,
``MediaShow``, ``Event``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .common import Response


def mapped(resp: Response, convert: Callable[[dict[str, Any]], dict[str, Any]]) -> Response:
    """``resp`` with its object (or each object of its list) converted; v1 ``Location`` dropped."""
    body = resp.body
    if isinstance(body, list):
        resp.body = [convert(item) for item in body]
    elif isinstance(body, dict):
        resp.body = convert(body)
    resp.headers.pop("Location", None)
    return resp


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


def event_json(event: dict[str, Any]) -> dict[str, Any]:
    """A Stats API event without the conversion fields it has none of (the description allows
    them only as an integer / an object, not null)."""
    return {
        key: value
        for key, value in event.items()
        if not (key in ("conversion_type", "conversion_data") and value is None)
    }
