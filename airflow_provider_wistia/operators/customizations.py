"""Operators for a video's player customizations (colour, controls, plugins...; JSON only)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow_provider_wistia.exceptions import WistiaConfigError
from airflow_provider_wistia.hooks.wistia import WistiaHook
from airflow_provider_wistia.operators.base import (
    WistiaDeleteOperator,
    WistiaMediaOperator,
    check_extra_fields,
)


class WistiaUpdateCustomizationsOperator(WistiaMediaOperator):
    """Change a video's player customizations; returns the saved customizations (Wistia
    stores every value as a string, e.g. ``{"playerColor": "ff0000", "autoPlay": "true"}``).

    By default the given keys are merged into the saved ones (``PUT``; a ``None`` value deletes
    that key); ``replace=True`` replaces them all (``POST``).

    :param media_id: hashed id of the video (templated).
    :param customizations: e.g. ``{"playerColor": "ff0000", "plugin": {"captions-v1":
        {"onByDefault": True}}}`` (templated).
    :param replace: replace every saved customization instead of merging.
    :param extra_fields: more keys, merged into ``customizations`` (templated).
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        brand = WistiaUpdateCustomizationsOperator(
            task_id="brand_player", media_id="xyz987wvut", customizations={"playerColor": "54bbff"}
        )
    """

    template_fields: Sequence[str] = ("media_id", "customizations", "extra_fields")

    def __init__(
        self,
        *,
        media_id: str,
        customizations: dict[str, Any],
        replace: bool = False,
        extra_fields: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(media_id=media_id, **kwargs)
        self.customizations = customizations
        self.replace = replace
        self.extra_fields = extra_fields

    def call(self, hook: WistiaHook) -> Any:
        if not isinstance(self.customizations, dict):
            raise WistiaConfigError(
                f"customizations must be a dict, got {type(self.customizations).__name__} "
                f"{self.customizations!r}."
            )
        body = {**self.customizations, **check_extra_fields(self.extra_fields, self.customizations)}
        if self.replace:
            return hook.set_customizations(self.media_id, body)
        return hook.update_customizations(self.media_id, body)


class WistiaDeleteCustomizationsOperator(WistiaDeleteOperator):
    """Remove every explicit customization of a video (the account's defaults apply again).

    :param media_id: hashed id of the video (templated).
    :param missing_ok: if True, a video that is gone is a success (returns None).
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        reset = WistiaDeleteCustomizationsOperator(
            task_id="reset_player", media_id="xyz987wvut", missing_ok=True
        )
    """

    template_fields: Sequence[str] = ("media_id",)
    subject = "Customizations of media {media_id!r}"

    def __init__(self, *, media_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.media_id = media_id

    def call(self, hook: WistiaHook) -> Any:
        return hook.delete_customizations(self.media_id)
