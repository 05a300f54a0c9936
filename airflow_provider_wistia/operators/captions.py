"""Operators for a video's captions: create, update, delete, order (JSON-only endpoints)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow_provider_wistia.exceptions import WistiaClientError, WistiaConfigError
from airflow_provider_wistia.hooks.wistia import WistiaHook
from airflow_provider_wistia.operators.base import (
    WistiaDeleteOperator,
    WistiaMediaOperator,
    blank_to_none,
    extra_fields_for,
)
from airflow_provider_wistia.validation import require_choice, require_text

CAPTIONS_IF_EXISTS = ("fail", "replace")


class WistiaCreateCaptionsOperator(WistiaMediaOperator):
    """Add captions to a video (``POST /medias/<id>/captions``). Wistia answers with an empty
    body, so the task returns None; the captions are then in ``list_captions``.

    Wistia refuses (HTTP 400) a second track in a language the video already has captions
    in; ``if_exists="replace"`` updates that track instead, which makes a retry or rerun safe
    (it needs ``language``).

    :param media_id: hashed id of the video (templated).
    :param caption_file: the captions as SRT text, or the path of a local ``.srt`` file (templated).
    :param language: ISO-639-2 language code such as ``eng``; default: Wistia detects it (templated).
    :param if_exists: ``"fail"`` (Wistia's answer) or ``"replace"`` when the language has captions.
    :param extra_fields: more fields for Wistia, sent as they are (templated).
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        add = WistiaCreateCaptionsOperator(
            task_id="add_captions",
            media_id="xyz987wvut",
            caption_file="/data/captions/launch.eng.srt",
            language="eng",
            if_exists="replace",
        )
    """

    template_fields: Sequence[str] = ("media_id", "caption_file", "language", "extra_fields")

    def __init__(
        self,
        *,
        media_id: str,
        caption_file: str,
        language: str | None = None,
        if_exists: str = "fail",
        extra_fields: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(media_id=media_id, **kwargs)
        self.if_exists = require_choice("if_exists", if_exists, CAPTIONS_IF_EXISTS)
        self.caption_file = caption_file
        self.language = language
        self.extra_fields = extra_fields

    def call(self, hook: WistiaHook) -> Any:
        extra = extra_fields_for(hook.create_captions, self.extra_fields, ("if_exists",))
        language = blank_to_none(self.language)
        if self.if_exists == "replace" and language is None:
            raise WistiaConfigError("if_exists='replace' needs the captions' language to replace them.")
        try:
            return hook.create_captions(self.media_id, self.caption_file, language=language, **extra)
        except WistiaClientError as exc:
            if self.if_exists != "replace" or exc.status_code != 400:
                raise
            self.log.info("Media %s already has %r captions; replacing them.", self.media_id, language)
            return hook.update_captions(
                self.media_id, require_text("language", language), self.caption_file, **extra
            )


class WistiaUpdateCaptionsOperator(WistiaMediaOperator):
    """Replace a video's captions in one language (``PUT /medias/<id>/captions/<language>``);
    returns None (Wistia's empty answer).

    :param media_id: hashed id of the video (templated).
    :param language: ISO-639-2 code of the captions to replace, e.g. ``eng`` (templated).
    :param caption_file: the new captions as SRT text, or a local ``.srt`` path (templated).
    :param extra_fields: more fields for Wistia, sent as they are (templated).
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        fix = WistiaUpdateCaptionsOperator(
            task_id="fix_captions", media_id="xyz987wvut", language="eng", caption_file="/data/launch.eng.srt"
        )
    """

    template_fields: Sequence[str] = ("media_id", "language", "caption_file", "extra_fields")

    def __init__(
        self,
        *,
        media_id: str,
        language: str,
        caption_file: str,
        extra_fields: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(media_id=media_id, **kwargs)
        self.language = language
        self.caption_file = caption_file
        self.extra_fields = extra_fields

    def call(self, hook: WistiaHook) -> Any:
        extra = extra_fields_for(hook.update_captions, self.extra_fields)
        return hook.update_captions(
            self.media_id, require_text("language", self.language), self.caption_file, **extra
        )


class WistiaDeleteCaptionsOperator(WistiaDeleteOperator):
    """Delete a video's captions in one language; returns None (Wistia's empty answer).

    :param media_id: hashed id of the video (templated).
    :param language: ISO-639-2 code of the captions, e.g. ``eng`` (templated).
    :param missing_ok: if True, captions (or a video) that are already gone are a success.
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        drop = WistiaDeleteCaptionsOperator(
            task_id="drop_captions", media_id="xyz987wvut", language="eng", missing_ok=True
        )
    """

    template_fields: Sequence[str] = ("media_id", "language")
    subject = "Captions {language!r} of media {media_id!r}"

    def __init__(self, *, media_id: str, language: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.media_id = media_id
        self.language = language

    def call(self, hook: WistiaHook) -> Any:
        return hook.delete_captions(self.media_id, require_text("language", self.language))


class WistiaOrderCaptionsOperator(WistiaMediaOperator):
    """Order captions for a video (``POST /medias/<id>/captions/order``). **Wistia charges the
    account for it**, so the task fails before any request unless ``confirm_charge=True``.
    Returns ``{"message", "id"}``.

    :param media_id: hashed id of the video (templated).
    :param automated: machine captions (True) or human-made ones.
    :param rush: faster (dearer) delivery of human-made captions.
    :param automatically_enable: show the captions on the video once they are ready.
    :param confirm_charge: acknowledge that Wistia bills the order; required.
    :param extra_fields: more order fields for Wistia, sent as they are (templated).
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        order = WistiaOrderCaptionsOperator(
            task_id="order_captions", media_id="xyz987wvut", automated=True, confirm_charge=True
        )
    """

    template_fields: Sequence[str] = ("media_id", "extra_fields")

    def __init__(
        self,
        *,
        media_id: str,
        automated: bool = True,
        rush: bool = False,
        automatically_enable: bool = True,
        confirm_charge: bool = False,
        extra_fields: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(media_id=media_id, **kwargs)
        self.automated = automated
        self.rush = rush
        self.automatically_enable = automatically_enable
        self.confirm_charge = confirm_charge
        self.extra_fields = extra_fields

    def call(self, hook: WistiaHook) -> Any:
        return hook.order_captions(
            self.media_id,
            automated=self.automated,
            rush=self.rush,
            automatically_enable=self.automatically_enable,
            confirm_charge=self.confirm_charge,
            **extra_fields_for(hook.order_captions, self.extra_fields),
        )
