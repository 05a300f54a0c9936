"""Hook methods for a media's captions, player customizations and localizations.

Captions and Customizations accept JSON bodies only, so every write here sends ``json=``.
Captions create/update/delete answer an empty 200: those methods return ``None``. Ordering
captions and creating a localization are charged to the account: they refuse to run (before
any request) unless the caller passes ``confirm_charge=True``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from airflow_provider_wistia.exceptions import WistiaConfigError
from airflow_provider_wistia.hooks.endpoints_base import (
    EndpointMixin,
    require_charge_confirmed,
    require_language,
    require_mapping,
    with_extra_fields,
)
from airflow_provider_wistia.validation import require_id

MAX_CAPTION_BYTES = 10 * 1024 * 1024


def caption_text(caption_file: Any) -> str:
    """The SRT text of ``caption_file``: the text itself, or the contents of a local file path."""
    if isinstance(caption_file, os.PathLike):
        path: Path | None = Path(caption_file)
    elif isinstance(caption_file, str) and "\n" not in caption_file.strip() and caption_file.strip():
        candidate = Path(caption_file.strip()).expanduser()
        looks_like_file = candidate.suffix.lower() in (".srt", ".vtt", ".txt") or os.sep in caption_file
        path = candidate if candidate.is_file() or looks_like_file else None
    else:
        path = None
    if path is not None:
        if not path.is_file():
            raise WistiaConfigError(
                f"caption_file {str(caption_file)!r} looks like a path but is not a file."
            )
        if path.stat().st_size > MAX_CAPTION_BYTES:
            raise WistiaConfigError(f"caption_file {str(path)!r} is larger than {MAX_CAPTION_BYTES} bytes.")
        text = path.read_text(encoding="utf-8-sig")
    elif isinstance(caption_file, str):
        text = caption_file
    else:
        raise WistiaConfigError(
            f"caption_file must be SRT text or a local file path, got {type(caption_file).__name__}."
        )
    if not text.strip():
        raise WistiaConfigError("caption_file is empty: give SRT text or the path of a non-empty SRT file.")
    return text


class WistiaMediaContentMixin(EndpointMixin):
    """Captions, customizations and localizations of one media (``media_id`` is its hashed id)."""

    # ------------------------------------------------------------------ captions
    def list_captions(self, media_id: str) -> list[dict[str, Any]]:
        """Every caption track of a video (``language``, ``text`` in SRT, ``is_draft``...)."""
        return self.request("GET", f"medias/{require_id('media_id', media_id)}/captions")

    def get_captions(self, media_id: str, language: str) -> dict[str, Any]:
        """One caption track (404 when the video has none in ``language``)."""
        mid, lang = require_id("media_id", media_id), require_language("language", language)
        return self.request("GET", f"medias/{mid}/captions/{lang}")

    def create_captions(
        self, media_id: str, caption_file: Any, language: str | None = None, **fields: Any
    ) -> None:
        """Add captions (``caption_file``: SRT text or a local path); Wistia detects the language
        when none is given. Wistia answers 400 when the video already has captions in it.
        ``fields``: more JSON body fields, sent as given."""
        mid = require_id("media_id", media_id)
        named = {
            "caption_file": caption_text(caption_file),
            "language": None if language is None else require_language("language", language),
        }
        body = with_extra_fields("create_captions", named, fields)
        return self.request("POST", f"medias/{mid}/captions", json=body)

    def update_captions(self, media_id: str, language: str, caption_file: Any, **fields: Any) -> None:
        """Replace a video's captions in ``language`` (404 when it has none); ``fields``: more
        JSON body fields, sent as given."""
        mid, lang = require_id("media_id", media_id), require_language("language", language)
        body = with_extra_fields("update_captions", {"caption_file": caption_text(caption_file)}, fields)
        return self.request("PUT", f"medias/{mid}/captions/{lang}", json=body)

    def delete_captions(self, media_id: str, language: str) -> None:
        mid, lang = require_id("media_id", media_id), require_language("language", language)
        return self.request("DELETE", f"medias/{mid}/captions/{lang}")

    def list_all_captions(self, *, media_id: str | None = None, per_page: int = 100) -> list[dict[str, Any]]:
        """Every caption track of the account (``GET /captions``), or of one video, across all pages."""
        params: dict[str, Any] = {"per_page": per_page}
        if media_id is not None:
            params["media_id"] = require_id("media_id", media_id)
        return list(self.paginate("captions", params, dedupe_key=None))

    def _caption_purchase(
        self, action: str, media_id: str, named: dict[str, Any], confirm_charge: bool, fields: dict[str, Any]
    ) -> dict[str, Any]:
        mid = require_id("media_id", media_id)
        require_charge_confirmed(confirm_charge, "Ordering captions")
        body = with_extra_fields(f"{action}_captions", {k: bool(v) for k, v in named.items()}, fields)
        return self.request("POST", f"medias/{mid}/captions/{action}", json=body)

    def order_captions(
        self,
        media_id: str,
        *,
        automated: bool = True,
        rush: bool = False,
        automatically_enable: bool = True,
        confirm_charge: bool = False,
        **fields: Any,
    ) -> dict[str, Any]:
        """Order English captions (CHARGED to the account): ``{"message", "id"}``.

        ``automated`` orders machine captions, else human ones (``rush`` for a one-day turnaround).
        ``fields``: more JSON body fields, sent as given. Raises :class:`WistiaConfigError` before
        any request unless ``confirm_charge=True``.
        """
        named = {"automated": automated, "rush": rush, "automatically_enable": automatically_enable}
        return self._caption_purchase("order", media_id, named, confirm_charge, fields)

    def purchase_captions(
        self,
        media_id: str,
        *,
        automated: bool = False,
        rush: bool = False,
        automatically_enable: bool = True,
        confirm_charge: bool = False,
        **fields: Any,
    ) -> dict[str, Any]:
        """The deprecated ``captions/purchase`` (human captions by default; CHARGED): prefer
        :meth:`order_captions`. Same arguments, answer and ``confirm_charge`` rule."""
        named = {"automated": automated, "rush": rush, "automatically_enable": automatically_enable}
        return self._caption_purchase("purchase", media_id, named, confirm_charge, fields)

    # ------------------------------------------------------------------ customizations
    def get_customizations(self, media_id: str) -> dict[str, Any]:
        """The video's explicitly set player customizations (values come back as strings)."""
        return self.request("GET", f"medias/{require_id('media_id', media_id)}/customizations")

    def set_customizations(self, media_id: str, customizations: dict[str, Any]) -> dict[str, Any]:
        """Replace ALL of the video's customizations with ``customizations`` (POST, 201)."""
        body = require_mapping("customizations", customizations)
        return self.request("POST", f"medias/{require_id('media_id', media_id)}/customizations", json=body)

    def update_customizations(self, media_id: str, customizations: dict[str, Any]) -> dict[str, Any]:
        """Merge ``customizations`` into the saved ones (PUT); a ``None`` value deletes that key."""
        body = require_mapping("customizations", customizations)
        return self.request("PUT", f"medias/{require_id('media_id', media_id)}/customizations", json=body)

    def delete_customizations(self, media_id: str) -> None:
        """Remove every explicit customization (the player falls back to the account's defaults)."""
        return self.request("DELETE", f"medias/{require_id('media_id', media_id)}/customizations")

    # ------------------------------------------------------------------ localizations
    def list_localizations(self, media_id: str, *, include_transcript: bool = False) -> list[dict[str, Any]]:
        params = {"include_transcript": True} if include_transcript else None
        return self.request("GET", f"medias/{require_id('media_id', media_id)}/localizations", params=params)

    def get_localization(
        self, media_id: str, localization_id: str, *, include_transcript: bool = False
    ) -> dict[str, Any]:
        mid, lid = require_id("media_id", media_id), require_id("localization_id", localization_id)
        params = {"include_transcript": True} if include_transcript else None
        return self.request("GET", f"medias/{mid}/localizations/{lid}", params=params)

    def create_localization(
        self, media_id: str, language: str, *, confirm_charge: bool = False, **options: Any
    ) -> dict[str, Any]:
        """Localize (dub) a media into ``language`` (CHARGED): ``options`` such as ``auto_enable``.

        Returns the localization with the expected billing. Raises :class:`WistiaConfigError`
        before any request unless ``confirm_charge=True``.
        """
        mid = require_id("media_id", media_id)
        body = {"output_language": require_language("language", language)}
        require_charge_confirmed(confirm_charge, "Creating a localization")
        body.update({key: value for key, value in options.items() if value is not None})
        return self.request("POST", f"medias/{mid}/localizations", json=body)

    def delete_localization(self, media_id: str, localization_id: str) -> dict[str, Any]:
        mid, lid = require_id("media_id", media_id), require_id("localization_id", localization_id)
        return self.request("DELETE", f"medias/{mid}/localizations/{lid}")
