"""Operators for the workflows only Wistia's modern track has: webinars, import from a URL, bulk
copy and tagging, channel creation and episode publishing.

They need a connection whose ``api_version`` is a modern release; on a v1 connection the task
fails before any request with a :class:`WistiaConfigError` naming ``api_version``. The bulk ones
start background jobs and wait for them as the other job operators do.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow_provider_wistia.hooks.wistia import WistiaHook
from airflow_provider_wistia.operators.base import (
    WistiaBaseOperator,
    WistiaDeleteOperator,
    WistiaLinkedOperator,
    blank_to_none,
    extra_fields_for,
)
from airflow_provider_wistia.operators.jobs import _WAIT_PARAMS, WistiaJobOperator, media_id_list
from airflow_provider_wistia.validation import parse_id_list, require_text


class WistiaCreateWebinarOperator(WistiaBaseOperator):
    """Schedule a webinar and return it (modern track only).

    :param title: the webinar's title (templated).
    :param scheduled_for: start, ISO 8601 (templated), e.g. ``"2026-12-24T10:00:00Z"``.
    :param event_duration: length in minutes, at least 15 (templated).
    :param extra_fields: more fields for Wistia, sent as they are (templated).
    :param wistia_conn_id: Airflow connection of type ``wistia`` with a modern ``api_version``.

    Example::

        create = WistiaCreateWebinarOperator(
            task_id="schedule", title="Launch", scheduled_for="{{ ds }}T16:00:00Z", event_duration=45
        )
    """

    template_fields: Sequence[str] = ("title", "scheduled_for", "event_duration", "extra_fields")

    def __init__(
        self,
        *,
        title: str,
        scheduled_for: str,
        event_duration: int | str,
        extra_fields: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.title, self.scheduled_for, self.event_duration = title, scheduled_for, event_duration
        self.extra_fields = extra_fields

    def call(self, hook: WistiaHook) -> Any:
        fields = extra_fields_for(hook.create_webinar, self.extra_fields)
        return hook.create_webinar(self.title, self.scheduled_for, self.event_duration, **fields)


class WistiaUpdateWebinarOperator(WistiaBaseOperator):
    """Change a webinar's title, start or duration; returns it (modern track only).

    :param webinar_id: the webinar's id (templated).
    :param title: new title (templated).
    :param scheduled_for: new start, ISO 8601 (templated).
    :param event_duration: new length in minutes, at least 15 (templated).
    :param extra_fields: more fields for Wistia, sent as they are (templated).
    :param wistia_conn_id: Airflow connection of type ``wistia`` with a modern ``api_version``.

    Example::

        WistiaUpdateWebinarOperator(task_id="rename", webinar_id="abc123defg", title="Launch day")
    """

    template_fields: Sequence[str] = (
        "webinar_id",
        "title",
        "scheduled_for",
        "event_duration",
        "extra_fields",
    )

    def __init__(
        self,
        *,
        webinar_id: str,
        title: str | None = None,
        scheduled_for: str | None = None,
        event_duration: int | str | None = None,
        extra_fields: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.webinar_id, self.title, self.scheduled_for = webinar_id, title, scheduled_for
        self.event_duration, self.extra_fields = event_duration, extra_fields

    def call(self, hook: WistiaHook) -> Any:
        named = {"title", "scheduled_for", "event_duration"}
        fields = extra_fields_for(hook.update_webinar, self.extra_fields, named)
        return hook.update_webinar(
            self.webinar_id,
            title=blank_to_none(self.title),
            scheduled_for=blank_to_none(self.scheduled_for),
            event_duration=blank_to_none(self.event_duration),
            **fields,
        )


class WistiaDeleteWebinarOperator(WistiaDeleteOperator):
    """Delete a webinar (modern track only); returns the deleted webinar.

    :param webinar_id: the webinar's id (templated).
    :param missing_ok: succeed (returning None) when the webinar is already gone.
    :param wistia_conn_id: Airflow connection of type ``wistia`` with a modern ``api_version``.

    Example::

        WistiaDeleteWebinarOperator(task_id="cancel", webinar_id="abc123defg", missing_ok=True)
    """

    template_fields: Sequence[str] = ("webinar_id",)
    subject = "Webinar {webinar_id!r}"

    def __init__(self, *, webinar_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.webinar_id = webinar_id

    def call(self, hook: WistiaHook) -> Any:
        return hook.delete_webinar(self.webinar_id)


class WistiaRegisterForWebinarOperator(WistiaBaseOperator):
    """Register someone for a webinar: returns ``{"visitor_key", "personalized_event_url"}``.

    :param webinar_id: the webinar's id (templated).
    :param registrant_email: the registrant's email (templated; ``email`` is Airflow's alert address).
    :param first_name: first name (templated).
    :param last_name: last name (templated).
    :param extra_fields: more registration fields, sent as they are (templated).
    :param wistia_conn_id: Airflow connection of type ``wistia`` with a modern ``api_version``.

    Example::

        WistiaRegisterForWebinarOperator(
            task_id="register", webinar_id="abc123defg", registrant_email="ann@example.com",
            first_name="Ann", last_name="Lee",
        )
    """

    template_fields: Sequence[str] = (
        "webinar_id",
        "registrant_email",
        "first_name",
        "last_name",
        "extra_fields",
    )

    def __init__(
        self,
        *,
        webinar_id: str,
        registrant_email: str,
        first_name: str,
        last_name: str,
        extra_fields: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.webinar_id, self.registrant_email = webinar_id, registrant_email
        self.first_name, self.last_name, self.extra_fields = first_name, last_name, extra_fields

    def call(self, hook: WistiaHook) -> Any:
        fields = extra_fields_for(hook.register_for_webinar, self.extra_fields)
        who = (self.registrant_email, self.first_name, self.last_name)
        return hook.register_for_webinar(self.webinar_id, *who, **fields)


class WistiaImportMediaUrlOperator(WistiaJobOperator, WistiaLinkedOperator):
    __doc__ = f"""Import a media from a public URL into a folder (a background job; modern track only).

    Links to the folder.

    :param url: the file's URL (templated).
    :param folder_id: hashed id of the destination folder (templated; default: Wistia's uploads).
    :param extra_fields: more fields for Wistia, sent as they are (templated).
    {_WAIT_PARAMS}
    :param wistia_conn_id: Airflow connection of type ``wistia`` with a modern ``api_version``.

    Example::

        WistiaImportMediaUrlOperator(
            task_id="import", url="https://example.com/talk.mp4", folder_id="abc123defg"
        )
    """

    template_fields: Sequence[str] = ("url", "folder_id", "extra_fields")
    link_kind = "projects"
    link_field = "folder_id"
    link_from_result = False

    def __init__(
        self,
        *,
        url: str,
        folder_id: str | None = None,
        extra_fields: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.url, self.folder_id, self.extra_fields = url, folder_id, extra_fields

    def call(self, hook: WistiaHook) -> Any:
        fields = extra_fields_for(hook.import_media_url, self.extra_fields)
        return hook.import_media_url(self.url, blank_to_none(self.folder_id), **fields)


class WistiaCopyMediasOperator(WistiaJobOperator, WistiaLinkedOperator):
    __doc__ = f"""Copy medias into a folder (``PUT /medias/copy``, a job per 100 ids; modern track only).

    Links to the folder.

    :param media_ids: hashed ids of the medias (templated; a list, or its text).
    :param folder_id: hashed id of the destination folder (templated).
    {_WAIT_PARAMS}
    :param wistia_conn_id: Airflow connection of type ``wistia`` with a modern ``api_version``.

    Example::

        WistiaCopyMediasOperator(task_id="copy", media_ids=["xyz987wvut"], folder_id="abc123defg")
    """

    template_fields: Sequence[str] = ("media_ids", "folder_id")
    link_kind = "projects"
    link_field = "folder_id"
    link_from_result = False

    def __init__(self, *, media_ids: Sequence[str] | str, folder_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.media_ids, self.folder_id = media_ids, folder_id

    def call(self, hook: WistiaHook) -> Any:
        return hook.copy_medias(media_id_list("media_ids", self.media_ids), self.folder_id)


class WistiaTagMediasOperator(WistiaJobOperator):
    __doc__ = f"""Add tags to medias (``POST /taggings/bulk_create``, a job per 100 ids; modern only).

    :param media_ids: hashed ids of the medias (templated; a list, or its text).
    :param tag_names: the tags to add (templated; a list, or its text).
    {_WAIT_PARAMS}
    :param wistia_conn_id: Airflow connection of type ``wistia`` with a modern ``api_version``.

    Example::

        WistiaTagMediasOperator(task_id="tag", media_ids=["xyz987wvut"], tag_names=["launch"])
    """

    template_fields: Sequence[str] = ("media_ids", "tag_names")

    def __init__(
        self, *, media_ids: Sequence[str] | str, tag_names: Sequence[str] | str, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.media_ids, self.tag_names = media_ids, tag_names

    def call(self, hook: WistiaHook) -> Any:
        names = parse_id_list("tag_names", self.tag_names, "tag names") or []
        return hook.tag_medias(media_id_list("media_ids", self.media_ids), names)


class WistiaCreateChannelOperator(WistiaBaseOperator):
    """Create a channel and return it (modern track only).

    :param name: the channel's name (templated).
    :param extra_fields: more channel fields for Wistia, sent as they are (templated), e.g.
        ``{"podcast_enabled": True, "episode_format": "episodic"}``.
    :param wistia_conn_id: Airflow connection of type ``wistia`` with a modern ``api_version``.

    Example::

        WistiaCreateChannelOperator(task_id="channel", name="Product updates")
    """

    template_fields: Sequence[str] = ("name", "extra_fields")

    def __init__(self, *, name: str, extra_fields: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.name, self.extra_fields = name, extra_fields

    def call(self, hook: WistiaHook) -> Any:
        fields = extra_fields_for(hook.create_channel, self.extra_fields, {"name"})
        return hook.create_channel(name=require_text("name", self.name), **fields)


class WistiaPublishChannelEpisodeOperator(WistiaBaseOperator):
    """Publish a channel episode now, or schedule it at ``publish_at``; returns the episode.

    :param episode_id: hashed id of the channel episode (templated).
    :param publish_at: ISO 8601 date-time to publish at (templated; default: now).
    :param wistia_conn_id: Airflow connection of type ``wistia`` with a modern ``api_version``.

    Example::

        WistiaPublishChannelEpisodeOperator(task_id="publish", episode_id="abc123defg")
    """

    template_fields: Sequence[str] = ("episode_id", "publish_at")

    def __init__(self, *, episode_id: str, publish_at: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.episode_id, self.publish_at = episode_id, publish_at

    def call(self, hook: WistiaHook) -> Any:
        return hook.publish_channel_episode(self.episode_id, blank_to_none(self.publish_at))
