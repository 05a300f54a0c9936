"""Operations only Wistia's modern track has: webinars, import from URL, bulk copy and tagging,
channel writes, episode publishing, bulk subfolder deletion, extended audio descriptions.

Each method first asks the connection's track (:meth:`~.tracks.Track.require_modern`): on a v1
connection it raises a :class:`WistiaConfigError` naming ``api_version``, before any request.
Paths and bodies are the 2026-03 description's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from airflow_provider_wistia.exceptions import WistiaConfigError
from airflow_provider_wistia.hooks.endpoints_base import (
    EndpointMixin,
    require_charge_confirmed,
    with_extra_fields,
)
from airflow_provider_wistia.hooks.endpoints_media_jobs import BULK_MAX_IDS, media_id_list
from airflow_provider_wistia.validation import require_id, require_positive_int, require_text

MIN_WEBINAR_MINUTES = 15


def _webinar_minutes(value: Any) -> int:
    """``event_duration``: whole minutes, at least 15 (a string of digits, as templates render, too)."""
    minutes = require_positive_int("event_duration", value, "number of minutes")
    if minutes < MIN_WEBINAR_MINUTES:
        raise WistiaConfigError(
            f"event_duration must be at least {MIN_WEBINAR_MINUTES} minutes, got {value!r}."
        )
    return minutes


def _text_list(field: str, values: Any) -> list[str]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise WistiaConfigError(f"{field} must be a list of names, got {values!r}.")
    names = list(dict.fromkeys(require_text(field, value) for value in values))
    if not names:
        raise WistiaConfigError(f"{field} is empty: give at least one.")
    return names


class WistiaModernMixin(EndpointMixin):
    """Webinars, bulk media jobs, channels and extended audio descriptions (modern only)."""

    def _modern(self, what: str, method: str, path: str, **kwargs: Any) -> Any:
        self.track.require_modern(what)
        return self.request(method, path, **kwargs)

    # ------------------------------------------------------------------ webinars
    def iter_webinars(self, **filters: Any) -> Iterator[dict[str, Any]]:
        """Lazily page through webinars (filters: sort_by, sort_direction, hashed_ids, started)."""
        self.track.require_modern("iter_webinars")
        return self.paginate("webinars", filters)

    def list_webinars(self, **filters: Any) -> list[dict[str, Any]]:
        """Every webinar across all pages."""
        self.track.require_modern("list_webinars")
        return list(self.iter_webinars(**filters))

    def get_webinar(self, webinar_id: str) -> dict[str, Any]:
        return self._modern("get_webinar", "GET", f"webinars/{require_id('webinar_id', webinar_id)}")

    def create_webinar(
        self, title: str, scheduled_for: str, event_duration: int | str, **fields: Any
    ) -> dict[str, Any]:
        """Schedule a webinar (``scheduled_for`` ISO 8601, ``event_duration`` minutes >= 15)."""
        self.track.require_modern("create_webinar")
        named = {
            "title": require_text("title", title),
            "scheduled_for": require_text("scheduled_for", scheduled_for),
            "event_duration": _webinar_minutes(event_duration),
        }
        return self.request("POST", "webinars", json=with_extra_fields("create_webinar", named, fields))

    def update_webinar(self, webinar_id: str, **fields: Any) -> dict[str, Any]:
        """Change a webinar's ``title``, ``scheduled_for`` or ``event_duration``."""
        self.track.require_modern("update_webinar")
        if fields.get("event_duration") is not None:
            fields["event_duration"] = _webinar_minutes(fields["event_duration"])
        body = {"webinar": with_extra_fields("update_webinar", {}, fields)}
        return self.request("PUT", f"webinars/{require_id('webinar_id', webinar_id)}", json=body)

    def delete_webinar(self, webinar_id: str) -> dict[str, Any]:
        return self._modern("delete_webinar", "DELETE", f"webinars/{require_id('webinar_id', webinar_id)}")

    def register_for_webinar(
        self, webinar_id: str, email: str, first_name: str, last_name: str, **fields: Any
    ) -> dict[str, Any]:
        """Register someone: ``{"visitor_key", "personalized_event_url"}``."""
        self.track.require_modern("register_for_webinar")
        named = {
            "email": require_text("email", email),
            "first_name": require_text("first_name", first_name),
            "last_name": require_text("last_name", last_name),
        }
        body = with_extra_fields("register_for_webinar", named, fields)
        return self.request(
            "POST", f"webinars/{require_id('webinar_id', webinar_id)}/registrations", json=body
        )

    # ------------------------------------------------------------------ medias and tags
    def import_media_url(self, url: str, folder_id: str | None = None, **fields: Any) -> dict[str, Any]:
        """Import a media from a public URL (a background job): ``{"message", "background_job_status"}``."""
        self.track.require_modern("import_media_url")
        named = {
            "url": require_text("url", url),
            "folder_id": require_id("folder_id", folder_id) if folder_id is not None else None,
        }
        return self.request(
            "POST", "medias/import_url", json=with_extra_fields("import_media_url", named, fields)
        )

    def copy_medias(self, media_ids: Iterable[str], folder_id: str) -> list[dict[str, Any]]:
        """Copy medias into a folder, a background job per 100 ids; Wistia's answers, one per request."""
        self.track.require_modern("copy_medias")
        ids, target = media_id_list("media_ids", media_ids), require_id("folder_id", folder_id)
        return [
            self.request(
                "PUT", "medias/copy", json={"hashed_ids": ids[i : i + BULK_MAX_IDS], "folder_id": target}
            )
            for i in range(0, len(ids), BULK_MAX_IDS)
        ]

    def tag_medias(self, media_ids: Iterable[str], tag_names: Iterable[str]) -> list[dict[str, Any]]:
        """Add tags to medias, a background job per 100 ids; Wistia's answers, one per request."""
        self.track.require_modern("tag_medias")
        ids, names = media_id_list("media_ids", media_ids), _text_list("tag_names", tag_names)
        return [
            self.request(
                "POST",
                "taggings/bulk_create",
                json={"hashed_ids": ids[i : i + BULK_MAX_IDS], "tag_names": names},
            )
            for i in range(0, len(ids), BULK_MAX_IDS)
        ]

    def delete_subfolders(self, folder_id: str, subfolder_ids: Iterable[str]) -> list[dict[str, Any]]:
        """Delete subfolders, a background job per 100 ids (their medias move to the folder's root)."""
        self.track.require_modern("delete_subfolders")
        fid, ids = require_id("folder_id", folder_id), media_id_list("subfolder_ids", subfolder_ids)
        return [
            self.request(
                "DELETE",
                f"folders/{fid}/subfolders/bulk_delete",
                json={"hashed_ids": ids[i : i + BULK_MAX_IDS]},
            )
            for i in range(0, len(ids), BULK_MAX_IDS)
        ]

    # ------------------------------------------------------------------ channels
    def create_channel(self, **fields: Any) -> dict[str, Any]:
        """Create a channel (``fields``: name, podcast_enabled, episode_format... as Wistia spells them)."""
        self.track.require_modern("create_channel")
        return self.request("POST", "channels", json=with_extra_fields("create_channel", {}, fields))

    def update_channel(self, channel_id: str, **fields: Any) -> dict[str, Any]:
        self.track.require_modern("update_channel")
        body = with_extra_fields("update_channel", {}, fields)
        return self.request("PUT", f"channels/{require_id('channel_id', channel_id)}", json=body)

    def delete_channel(self, channel_id: str) -> dict[str, Any]:
        return self._modern("delete_channel", "DELETE", f"channels/{require_id('channel_id', channel_id)}")

    def update_channel_episode(self, episode_id: str, **fields: Any) -> dict[str, Any]:
        """Change an episode (``fields``: title, summary, publish_status, publish_at...)."""
        self.track.require_modern("update_channel_episode")
        body = with_extra_fields("update_channel_episode", {}, fields)
        return self.request("PUT", f"channel_episodes/{require_id('episode_id', episode_id)}", json=body)

    def delete_channel_episode(self, episode_id: str) -> dict[str, Any]:
        eid = require_id("episode_id", episode_id)
        return self._modern("delete_channel_episode", "DELETE", f"channel_episodes/{eid}")

    def publish_channel_episode(self, episode_id: str, publish_at: str | None = None) -> dict[str, Any]:
        """Publish now, or schedule at ``publish_at`` (ISO 8601)."""
        self.track.require_modern("publish_channel_episode")
        body = {} if publish_at is None else {"publish_at": require_text("publish_at", publish_at)}
        return self.request(
            "PUT", f"channel_episodes/{require_id('episode_id', episode_id)}/publish", json=body
        )

    def unpublish_channel_episode(self, episode_id: str) -> dict[str, Any]:
        eid = require_id("episode_id", episode_id)
        return self._modern("unpublish_channel_episode", "PUT", f"channel_episodes/{eid}/unpublish", json={})

    # ------------------------------------------------------------------ extended audio descriptions
    def list_extended_audio_descriptions(self, **filters: Any) -> list[dict[str, Any]]:
        """Every extended audio description of the account (filters: hashed_ids, sort_by...)."""
        self.track.require_modern("list_extended_audio_descriptions")
        return list(self.paginate("media_extended_audio_descriptions", filters))

    def get_extended_audio_description(self, description_id: str) -> dict[str, Any]:
        did = require_id("description_id", description_id)
        return self._modern(
            "get_extended_audio_description", "GET", f"media_extended_audio_descriptions/{did}"
        )

    def delete_extended_audio_description(self, description_id: str) -> dict[str, Any]:
        did = require_id("description_id", description_id)
        return self._modern(
            "delete_extended_audio_description", "DELETE", f"media_extended_audio_descriptions/{did}"
        )

    def order_extended_audio_description(
        self, media_id: str, *, confirm_charge: bool = False, **fields: Any
    ) -> dict[str, Any]:
        """Order an extended audio description (CHARGED): ``{"message", "order"}``. Nothing is sent
        unless ``confirm_charge=True``; ``fields``: enabled, ai_enabled, order_instructions."""
        self.track.require_modern("order_extended_audio_description")
        named = {"media_id": require_id("media_id", media_id)}
        require_charge_confirmed(confirm_charge, "Ordering an extended audio description")
        body = with_extra_fields("order_extended_audio_description", named, fields)
        return self.request("POST", "media_extended_audio_descriptions/order", json=body)

    def get_extended_audio_description_order(self, order_id: str) -> dict[str, Any]:
        """An order's ``{"order": {"id", "order_status", ...}}``."""
        oid = require_id("order_id", order_id)
        return self._modern(
            "get_extended_audio_description_order",
            "GET",
            f"media_extended_audio_descriptions/order_status/{oid}",
        )
