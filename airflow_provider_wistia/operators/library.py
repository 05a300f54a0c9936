"""Operators that organise the library: subfolders of a project, tags, channel episodes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow_provider_wistia.hooks.wistia import WistiaHook
from airflow_provider_wistia.operators.base import (
    WistiaBaseOperator,
    WistiaLinkedOperator,
    WistiaMediaOperator,
    extra_fields_for,
)
from airflow_provider_wistia.validation import require_choice, require_text

TAG_IF_EXISTS = ("fail", "reuse")


class WistiaCreateSubfolderOperator(WistiaLinkedOperator):
    """Create a subfolder in a project; returns it (``{hashed_id, name, description, ...}``).
    Links to the project.

    :param project_id: hashed id of the project (templated).
    :param name: the subfolder's name (templated).
    :param description: its description (templated).
    :param extra_fields: more fields for Wistia, sent as they are (templated).
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        raw = WistiaCreateSubfolderOperator(
            task_id="create_subfolder", project_id="abc123defg", name="Raw footage"
        )
    """

    template_fields: Sequence[str] = ("project_id", "name", "description", "extra_fields")
    link_kind = "projects"
    link_field = "project_id"
    link_from_result = False  # the answer's hashed_id is the subfolder's, not a project's

    def __init__(
        self,
        *,
        project_id: str,
        name: str,
        description: str | None = None,
        extra_fields: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.project_id = project_id
        self.name = name
        self.description = description
        self.extra_fields = extra_fields

    def call(self, hook: WistiaHook) -> Any:
        fields = extra_fields_for(hook.create_subfolder, self.extra_fields, ("description",))
        if self.description is not None:
            fields["description"] = self.description
        return hook.create_subfolder(self.project_id, require_text("name", self.name), **fields)


class WistiaCreateTagOperator(WistiaBaseOperator):
    """Create a tag in the account; returns it (a tag is only a name, so there are no other
    fields). Tag medias with ``WistiaUpdateMediaOperator(tags=...)``.

    :param name: the tag (templated).
    :param if_exists: when the account has that tag already: ``"fail"`` (Wistia's answer) or
        ``"reuse"`` it (returned as listed; makes retries and reruns safe).
    :param extra_fields: more fields for Wistia, sent as they are (templated); a tag is only a
        name today, so this is for fields Wistia adds.
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        tag = WistiaCreateTagOperator(task_id="create_tag", name="launch-2026")
    """

    template_fields: Sequence[str] = ("name", "extra_fields")

    def __init__(
        self,
        *,
        name: str,
        if_exists: str = "fail",
        extra_fields: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.name = name
        self.if_exists = require_choice("if_exists", if_exists, TAG_IF_EXISTS)
        self.extra_fields = extra_fields

    def call(self, hook: WistiaHook) -> Any:
        name = require_text("name", self.name)
        extra = extra_fields_for(hook.create_tag, self.extra_fields, ("if_exists",))
        if self.if_exists == "reuse":
            existing = next((tag for tag in hook.list_tags() if tag.get("name") == name), None)
            if existing is not None:
                self.log.info("Reusing the existing tag %r.", name)
                return existing
        return hook.create_tag(name, **extra)


class WistiaCreateChannelEpisodeOperator(WistiaMediaOperator):
    """Publish a media as an episode of a channel; returns the episode. Links to the media.

    :param channel_id: hashed id of the channel (templated).
    :param media_id: hashed id of the media (templated).
    :param extra_fields: more episode fields for Wistia (title, description...), sent as they
        are (templated).
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        episode = WistiaCreateChannelEpisodeOperator(
            task_id="publish_episode",
            channel_id="chn123abcd",
            media_id="xyz987wvut",
            extra_fields={"title": "Episode 1"},
        )
    """

    template_fields: Sequence[str] = ("channel_id", "media_id", "extra_fields")
    link_from_result = False  # the answer is the episode, not the media

    def __init__(
        self,
        *,
        channel_id: str,
        media_id: str,
        extra_fields: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(media_id=media_id, **kwargs)
        self.channel_id = channel_id
        self.extra_fields = extra_fields

    def call(self, hook: WistiaHook) -> Any:
        fields = extra_fields_for(hook.create_channel_episode, self.extra_fields)
        return hook.create_channel_episode(self.channel_id, self.media_id, **fields)
