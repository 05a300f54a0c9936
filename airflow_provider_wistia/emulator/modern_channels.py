"""Channels and channel episodes on the modern track: the v1 catalog's channels, answered in modern
names (``hashed_id``, ``media_count``, ``channel_hashed_id``...), plus what only the modern track
can do: create, update and delete a channel, update, delete, publish and unpublish an episode.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .catalog import CatalogApi
from .common import NotFoundError, Response, iso
from .modern_shapes import mapped
from .state import Store

_CHANNEL_FIELDS = ("name", "description")
_EPISODE_FIELDS = ("title", "summary", "description", "publish_at")


def channel_json(channel: dict[str, Any]) -> dict[str, Any]:
    """A v1 channel (``hashedId``, ``mediaCount``) in modern names."""
    return {
        "id": channel["id"],
        "created": channel["created"],
        "description": channel.get("description") or "",
        "hashed_id": channel["hashedId"],
        "media_count": channel["mediaCount"],
        "name": channel["name"],
        "updated": channel["updated"],
    }


def episode_json(episode: dict[str, Any]) -> dict[str, Any]:
    """A v1 channel episode in modern names."""
    out = {
        "channel_hashed_id": episode["channelHashedId"],
        "created": episode["created"],
        "description": episode.get("description") or "",
        "summary": episode.get("summary") or "",
        "hashed_id": episode["hashedId"],
        "media_hashed_id": episode["mediaHashedId"],
        "published": episode["published"],
        "title": episode.get("title"),
        "updated": episode["updated"],
    }
    if episode.get("publish_at"):
        out["publish_at"] = episode["publish_at"]
    return out


class ModernChannels:
    """Routes of ``/channels`` and ``/channel_episodes`` on the modern track."""

    def __init__(self, store: Store, catalog: CatalogApi) -> None:
        self.store, self.catalog = store, catalog

    def routes(self) -> list[tuple[str, dict[str, Callable[..., Response]]]]:
        channel = r"channels/([^/]+)"
        episode = r"channel_episodes/([^/]+)"
        return [
            (r"channels", {"GET": self.index, "POST": self.create}),
            (channel, {"GET": self.show, "PUT": self.update, "DELETE": self.delete}),
            (rf"{channel}/channel_episodes", {"GET": self.episodes, "POST": self.episode_create}),
            (rf"{channel}/channel_episodes/([^/]+)", {"GET": self.episode_show}),
            (r"channel_episodes", {"GET": self.all_episodes}),
            (episode, {"PUT": self.episode_update, "DELETE": self.episode_delete}),
            (rf"{episode}/publish", {"PUT": self.publish}),
            (rf"{episode}/unpublish", {"PUT": self.unpublish}),
        ]

    def _episode(self, hid: str) -> dict[str, Any]:
        episode = self.catalog.episodes.get(hid)
        if episode is None:
            raise NotFoundError(f"Channel episode with ID '{hid}' not found.")
        return episode

    # -- channels --------------------------------------------------------------------------
    def index(self, call: Any) -> Response:
        return mapped(self.catalog.channels_list(call), channel_json)

    def show(self, call: Any, hid: str) -> Response:
        return mapped(self.catalog.channel_show(call, hid), channel_json)

    def create(self, call: Any) -> Response:
        p = call.params
        created = self.catalog.create_channel(
            p.get_str("name") or "Untitled channel", p.get_str("description") or ""
        )
        return Response(201, channel_json(created))

    def update(self, call: Any, hid: str) -> Response:
        with self.store.lock:
            channel = self.catalog._channel(hid)
            for name in _CHANNEL_FIELDS:
                if (value := call.params.get_str(name)) is not None:
                    channel[name] = value
            channel["updated"] = iso(time.time())
            return Response(body=channel_json(self.catalog.channel_json(channel)))

    def delete(self, call: Any, hid: str) -> Response:
        with self.store.lock:
            body = channel_json(self.catalog.channel_json(self.catalog._channel(hid)))
            del self.catalog.channels[hid]
            for key in [k for k, e in self.catalog.episodes.items() if e["channelHashedId"] == hid]:
                del self.catalog.episodes[key]
            return Response(body=body)

    # -- episodes --------------------------------------------------------------------------
    def episodes(self, call: Any, hid: str) -> Response:
        return mapped(self.catalog.episodes_list(call, hid), episode_json)

    def all_episodes(self, call: Any) -> Response:
        return mapped(self.catalog.episodes_list_all(call), episode_json)

    def episode_show(self, call: Any, hid: str, episode_hid: str) -> Response:
        return mapped(self.catalog.episode_show(call, hid, episode_hid), episode_json)

    def episode_create(self, call: Any, hid: str) -> Response:
        p = call.params
        media = p.get_str("media_hashed_id", "media_id")
        created = self.catalog.create_channel_episode(
            hid,
            media,
            title=p.get_str("title"),
            description=p.get_str("description"),
            summary=p.get_str("summary"),
            publish_status=p.get_str("publish_status"),
            publish_at=p.get_str("publish_at"),
        )
        return Response(200, episode_json(created))  # the description answers 200, not 201

    def episode_update(self, call: Any, hid: str) -> Response:
        with self.store.lock:
            episode = self._episode(hid)
            for name in _EPISODE_FIELDS:
                if (value := call.params.get_str(name)) is not None:
                    episode[name] = value
            if (status := call.params.get_str("publish_status")) is not None:
                episode["published"] = status == "published"
            episode["updated"] = iso(time.time())
            return Response(body=episode_json(episode))

    def episode_delete(self, call: Any, hid: str) -> Response:
        with self.store.lock:
            body = episode_json(self._episode(hid))
            del self.catalog.episodes[hid]
            return Response(body=body)

    def publish(self, call: Any, hid: str) -> Response:
        with self.store.lock:
            episode = self._episode(hid)
            publish_at = call.params.get_str("publish_at")
            episode.update(published=publish_at is None, publish_at=publish_at, updated=iso(time.time()))
            return Response(body=episode_json(episode))

    def unpublish(self, call: Any, hid: str) -> Response:
        with self.store.lock:
            episode = self._episode(hid)
            episode.update(published=False, publish_at=None, updated=iso(time.time()))
            return Response(body=episode_json(episode))
