"""Hook methods for account-level v1 endpoints: tags, subfolders, channels, search,
expiring tokens and allowed domains. Bodies are JSON, as Wistia's v1 OpenAPI models them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from airflow_provider_wistia.hooks.encoding import json_fields, json_ready
from airflow_provider_wistia.hooks.endpoints_base import EndpointMixin, path_segment, with_extra_fields
from airflow_provider_wistia.validation import require_id, require_text


class WistiaCatalogMixin(EndpointMixin):
    """Tags, subfolders, channels and episodes, search, expiring tokens, allowed domains."""

    # ------------------------------------------------------------------ tags
    def list_tags(self, **filters: Any) -> list[dict[str, Any]]:
        """Every tag (``name``, ``taggingsCount``...); filters: ``sort_by``, ``sort_direction``."""
        return list(self.paginate("tags", filters))

    def create_tag(self, name: str, **fields: Any) -> dict[str, Any]:
        """Create a tag (422 from Wistia if it exists). Tag a media with ``update_media(tags=...)``.

        A tag is only a ``name`` today; ``fields`` are sent as given, for what Wistia adds.
        """
        body = with_extra_fields("create_tag", {"name": require_text("name", name)}, json_fields(fields))
        return self.request("POST", "tags", json=body)

    def delete_tag(self, name: str) -> None:
        """Delete a tag by name (Wistia answers an empty 200)."""
        return self.request("DELETE", f"tags/{path_segment('name', name)}")

    # ------------------------------------------------------------------ subfolders
    def list_subfolders(self, project_id: str, **filters: Any) -> list[dict[str, Any]]:
        """A project's subfolders (ordered by ``position`` unless ``sort_by`` says otherwise)."""
        return list(self.paginate(f"projects/{require_id('project_id', project_id)}/subfolders", filters))

    def get_subfolder(self, project_id: str, subfolder_id: str) -> dict[str, Any]:
        """A subfolder with its ``medias``."""
        pid, sid = require_id("project_id", project_id), require_id("subfolder_id", subfolder_id)
        return self.request("GET", f"projects/{pid}/subfolders/{sid}")

    def create_subfolder(self, project_id: str, name: str, **fields: Any) -> dict[str, Any]:
        """Create a subfolder (``fields``: ``description``...); returns it (201)."""
        body = {"name": require_text("name", name), **json_fields(fields)}
        return self.request("POST", f"projects/{require_id('project_id', project_id)}/subfolders", json=body)

    def update_subfolder(self, project_id: str, subfolder_id: str, **fields: Any) -> dict[str, Any]:
        """Update a subfolder's ``name``/``description``; ``description=None`` is sent as null (clears it)."""
        pid, sid = require_id("project_id", project_id), require_id("subfolder_id", subfolder_id)
        body = {key: json_ready(value) for key, value in fields.items()}
        if "name" in body:
            body["name"] = require_text("name", body["name"])
        return self.request("PUT", f"projects/{pid}/subfolders/{sid}", json=body)

    def delete_subfolder(self, project_id: str, subfolder_id: str) -> dict[str, Any]:
        """Delete a subfolder (its medias move to the project's root); returns the deleted subfolder."""
        pid, sid = require_id("project_id", project_id), require_id("subfolder_id", subfolder_id)
        return self.request("DELETE", f"projects/{pid}/subfolders/{sid}")

    # ------------------------------------------------------------------ channels
    def list_channels(self, **filters: Any) -> list[dict[str, Any]]:
        """Every channel; filters: ``sort_by``, ``sort_direction``, ``hashed_ids``."""
        return list(self.paginate("channels", filters))

    def get_channel(self, channel_id: str) -> dict[str, Any]:
        return self.request("GET", f"channels/{require_id('channel_id', channel_id)}")

    def iter_channel_episodes(
        self, channel_id: str | None = None, **filters: Any
    ) -> Iterator[dict[str, Any]]:
        """Lazily page through one channel's episodes, or the account's (filters: ``media_id``,
        ``published``, ``title``, ``sort_by``...)."""
        if channel_id is None:
            return self.paginate("channel_episodes", filters)
        return self.paginate(f"channels/{require_id('channel_id', channel_id)}/channel_episodes", filters)

    def list_channel_episodes(self, channel_id: str | None = None, **filters: Any) -> list[dict[str, Any]]:
        """Every episode of a channel (or of every channel when ``channel_id`` is None)."""
        return list(self.iter_channel_episodes(channel_id, **filters))

    def get_channel_episode(self, channel_id: str, episode_id: str) -> dict[str, Any]:
        """One episode of a channel."""
        cid, eid = require_id("channel_id", channel_id), require_id("episode_id", episode_id)
        return self.request("GET", f"channels/{cid}/channel_episodes/{eid}")

    def create_channel_episode(self, channel_id: str, media_id: str, **fields: Any) -> dict[str, Any]:
        """Add a media to a channel as an episode (``fields``: ``title``, ``description``,
        ``summary``, ``publish_status`` draft/published/scheduled, ``publish_at``...)."""
        body = {"media_id": require_id("media_id", media_id), **json_fields(fields)}
        return self.request(
            "POST", f"channels/{require_id('channel_id', channel_id)}/channel_episodes", json=body
        )

    # ------------------------------------------------------------------ account-wide
    def search(self, query: str) -> dict[str, Any]:
        """Search projects, medias, channels and episodes: ``{"data": {"projects", "medias",
        "channels", "channelEpisodes"}}``."""
        return self.request("GET", "search", params={"q": require_text("query", query)})

    def create_expiring_token(self, **options: Any) -> dict[str, Any]:
        """An expiring access token (``{"token"}``) for iframe embeds; ``options``: ``expires_at``
        (datetime or ISO string, default two days), ``authorizations`` (list of dicts)."""
        spec = json_fields(options)
        return self.request("POST", "expiring_token", json={"expiring_access_token": spec} if spec else {})

    def list_allowed_domains(self) -> list[dict[str, Any]]:
        """The domains the account's videos may be embedded on (``domain``, ``created_at``)."""
        return list(self.paginate("allowed_domains"))

    def create_allowed_domain(self, domain: str) -> dict[str, Any]:
        """Allow a domain (a leading ``www.`` is stripped by Wistia; an existing one is answered as is)."""
        return self.request("POST", "allowed_domains", json={"domain": require_text("domain", domain)})

    def get_allowed_domain(self, domain: str) -> dict[str, Any]:
        """One allowed domain (``domain``, ``created_at``); 404 when it is not allowed."""
        return self.request("GET", f"allowed_domains/{path_segment('domain', domain)}")

    def delete_allowed_domain(self, domain: str) -> dict[str, Any]:
        return self.request("DELETE", f"allowed_domains/{path_segment('domain', domain)}")
