"""Operators for Wistia medias: list, get, update, delete, copy, stats and embed code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow_provider_wistia.exceptions import WistiaConfigError
from airflow_provider_wistia.hooks.wistia import WistiaHook
from airflow_provider_wistia.operators.base import (
    WistiaBaseOperator,
    WistiaDeleteOperator,
    WistiaMediaOperator,
    blank_to_none,
    extra_fields_for,
)
from airflow_provider_wistia.validation import parse_id_list

# Keyword arguments of WistiaGetMediaEmbedOperator and the oEmbed / embed option each one sets.
EMBED_OPTION_NAMES = {
    "embed_type": "embedType",
    "width": "width",
    "height": "height",
    "maxwidth": "maxwidth",
    "maxheight": "maxheight",
    "handle": "handle",
}


class WistiaListMediasOperator(WistiaBaseOperator):
    """Return every media (all pages) as a list, optionally filtered.

    :param project_id: only medias of this project (hashed id; templated).
    :param name: only medias of exactly this name (templated; blank means no filter).
    :param media_type: only medias of this type, e.g. ``Video`` or ``Image`` (templated;
        blank means no filter).
    :param hashed_id: only the media of this hashed id (templated).
    :param hashed_ids: only the medias of these hashed ids (templated; a list, or its text).
    :param tags: only medias carrying ALL these tags (templated; a list, or its text).
    :param archived: only archived (True) or only active (False) medias.
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        videos = WistiaListMediasOperator(
            task_id="list_videos", project_id="abc123defg", media_type="Video"
        )
    """

    template_fields: Sequence[str] = ("project_id", "name", "media_type", "hashed_id", "hashed_ids", "tags")

    def __init__(
        self,
        *,
        project_id: str | None = None,
        name: str | None = None,
        media_type: str | None = None,
        hashed_id: str | None = None,
        hashed_ids: Sequence[str] | str | None = None,
        tags: Sequence[str] | str | None = None,
        archived: bool | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.project_id = project_id
        self.name = name
        self.media_type = media_type
        self.hashed_id = hashed_id
        self.hashed_ids = hashed_ids
        self.tags = tags
        self.archived = archived

    def call(self, hook: WistiaHook) -> Any:
        new_filters = {
            "hashed_ids": parse_id_list("hashed_ids", blank_to_none(self.hashed_ids)),
            "tags": parse_id_list("tags", blank_to_none(self.tags), "tag names"),
            "archived": self.archived,
        }
        return hook.list_medias(
            project_id=self.project_id,
            name=blank_to_none(self.name),
            media_type=blank_to_none(self.media_type),
            hashed_id=self.hashed_id,
            **{key: value for key, value in new_filters.items() if value is not None},
        )


class WistiaGetMediaOperator(WistiaMediaOperator):
    """Return one media (status, assets, project...).

    :param media_id: hashed id of the media (templated).
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        media = WistiaGetMediaOperator(task_id="get_media", media_id="xyz987wvut")
    """

    def call(self, hook: WistiaHook) -> Any:
        return hook.get_media(self.media_id)


class WistiaUpdateMediaOperator(WistiaMediaOperator):
    """Rename a media, change its description or thumbnail; return the updated media.

    :param media_id: hashed id of the media (templated).
    :param name: new name (templated).
    :param description: new description, plain text or markdown (templated).
    :param new_still_media_id: hashed id of an Image media to use as the video's thumbnail (templated).
    :param tags: the media's tags: REPLACES its current ones (``[]`` removes them all; templated,
        a list or its text). None (or blank) leaves them alone.
    :param extra_fields: more fields for Wistia, sent as they are (templated); see the README.
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        rename = WistiaUpdateMediaOperator(
            task_id="rename", media_id="xyz987wvut", name="Launch teaser (final)"
        )
    """

    template_fields: Sequence[str] = (
        "media_id",
        "name",
        "description",
        "new_still_media_id",
        "tags",
        "extra_fields",
    )

    def __init__(
        self,
        *,
        media_id: str,
        name: str | None = None,
        description: str | None = None,
        new_still_media_id: str | None = None,
        tags: Sequence[str] | str | None = None,
        extra_fields: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(media_id=media_id, **kwargs)
        self.name = name
        self.description = description
        self.new_still_media_id = new_still_media_id
        self.tags = tags
        self.extra_fields = extra_fields

    def call(self, hook: WistiaHook) -> Any:
        extra = extra_fields_for(hook.update_media, self.extra_fields)
        tags = parse_id_list("tags", blank_to_none(self.tags), "tag names")
        return hook.update_media(
            self.media_id,
            name=blank_to_none(self.name),
            description=self.description,
            new_still_media_id=blank_to_none(self.new_still_media_id),
            **({} if tags is None else {"tags": tags}),
            **extra,
        )


class WistiaDeleteMediaOperator(WistiaDeleteOperator):
    """Delete a media; return the deleted media.

    :param media_id: hashed id of the media (templated).
    :param missing_ok: if True, a media that is already gone is a success (returns None).
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        delete = WistiaDeleteMediaOperator(task_id="delete_media", media_id="xyz987wvut", missing_ok=True)
    """

    template_fields: Sequence[str] = ("media_id",)
    subject = "Media {media_id!r}"

    def __init__(self, *, media_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.media_id = media_id

    def call(self, hook: WistiaHook) -> Any:
        return hook.delete_media(self.media_id)


class WistiaCopyMediaOperator(WistiaMediaOperator):
    """Copy a media, optionally into another project; return the new media.

    Wistia's ``owner`` parameter is ``owner_email`` here: ``owner`` is Airflow's task owner
    (and a usual ``default_args`` key), so it cannot double as the media's owner.

    :param media_id: hashed id of the media to copy (templated).
    :param project_id: hashed id of the destination project; default: the source's (templated).
    :param owner_email: email address of the copy's owner; default: the source's owner (templated).
    :param extra_fields: more fields for Wistia, sent as they are (templated); see the README.
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        copy = WistiaCopyMediaOperator(
            task_id="copy_for_review", media_id="xyz987wvut", project_id="abc123defg"
        )
    """

    template_fields: Sequence[str] = ("media_id", "project_id", "owner_email", "extra_fields")

    def __init__(
        self,
        *,
        media_id: str,
        project_id: str | None = None,
        owner_email: str | None = None,
        extra_fields: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(media_id=media_id, **kwargs)
        self.project_id = project_id
        self.owner_email = owner_email
        self.extra_fields = extra_fields

    def call(self, hook: WistiaHook) -> Any:
        return hook.copy_media(
            self.media_id,
            project_id=self.project_id,
            owner=blank_to_none(self.owner_email),
            **extra_fields_for(hook.copy_media, self.extra_fields, ("owner_email",)),
        )


class WistiaGetMediaStatsOperator(WistiaMediaOperator):
    """Return a video's aggregated stats (``stats``: plays, visitors, pageLoads...).

    Wistia answers 400 for a media that is not a video, which fails the task.

    :param media_id: hashed id of the video (templated).
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        stats = WistiaGetMediaStatsOperator(task_id="media_stats", media_id="xyz987wvut")
    """

    def call(self, hook: WistiaHook) -> Any:
        return hook.get_media_stats(self.media_id)


class WistiaGetMediaEmbedOperator(WistiaMediaOperator):
    """Return a media's oEmbed JSON; its ``html`` is the embed code. Sends no API token.

    Options may be given as keyword arguments or in ``oembed_params`` (the keyword
    arguments win); ``maxwidth``/``maxheight`` go to oEmbed, the others ride in the media URL
    as Wistia documents.

    :param media_id: hashed id of the media (templated).
    :param oembed_params: any oEmbed/embed options, e.g. ``{"embedType": "async",
        "popoverWidth": 640}`` (templated).
    :param embed_type: ``embedType``: ``iframe``, ``async``, ``popover``, ``api``, ``seo``...
        (``embedType=`` is accepted too).
    :param width: embed width in pixels.
    :param height: embed height in pixels.
    :param maxwidth: oEmbed ``maxwidth``.
    :param maxheight: oEmbed ``maxheight``.
    :param handle: the JavaScript handle of an API embed.
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        embed = WistiaGetMediaEmbedOperator(
            task_id="embed_code", media_id="xyz987wvut", embed_type="async", width=640
        )
    """

    template_fields: Sequence[str] = ("media_id", "oembed_params")

    def __init__(
        self,
        *,
        media_id: str,
        oembed_params: dict[str, Any] | None = None,
        embed_type: str | None = None,
        width: int | None = None,
        height: int | None = None,
        maxwidth: int | None = None,
        maxheight: int | None = None,
        handle: str | None = None,
        **kwargs: Any,
    ) -> None:
        embed_type = kwargs.pop("embedType", embed_type)
        super().__init__(media_id=media_id, **kwargs)
        self.oembed_params = oembed_params
        given = {"embed_type": embed_type, "width": width, "height": height}
        given.update({"maxwidth": maxwidth, "maxheight": maxheight, "handle": handle})
        self.embed_options = {EMBED_OPTION_NAMES[k]: v for k, v in given.items() if v is not None}

    def call(self, hook: WistiaHook) -> Any:
        params = self.oembed_params or {}
        if not isinstance(params, dict):
            raise WistiaConfigError(f"oembed_params must be a dict, got {type(params).__name__} {params!r}.")
        return hook.get_media_embed(self.media_id, **{**params, **self.embed_options})
