"""Per-media content endpoints: captions, player customizations, localizations, transcript translation.

Customizations and Captions are JSON-only (Wistia: "The Customize API only responds with JSON.
It expects data to be posted in JSON format too."; "Captions API only supports JSON."), so a
form-encoded body is refused with a 400 naming the rule. Captions create/update/delete answer an
empty 200, unknown videos and captions an empty 404. The charged endpoints (caption orders,
localizations) are simulated: nothing is billed, each order is recorded in :attr:`charges`.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .common import ApiError, BadRequestError, NotFoundError, Response, iso, paging
from .customize_shape import conform
from .jobs import JobsApi
from .models import MediaRec
from .state import Store

# ISO-639-2 code -> (English name, native name, ISO-639-1 code)
LANGUAGES: dict[str, tuple[str, str, str]] = {
    "eng": ("English", "English", "en"),
    "fra": ("French", "Français", "fr"),
    "spa": ("Spanish", "Español", "es"),
    "deu": ("German", "Deutsch", "de"),
    "ita": ("Italian", "Italiano", "it"),
    "por": ("Portuguese", "Português", "pt"),
    "nld": ("Dutch", "Nederlands", "nl"),
    "jpn": ("Japanese", "日本語", "ja"),
    "zho": ("Chinese", "中文", "zh"),
    "kor": ("Korean", "한국어", "ko"),
}
_BY_TWO_LETTERS = {two: three for three, (_, _, two) in LANGUAGES.items()}
# ISO-639-2/B bibliographic codes (wystia's LanguageCode uses them): same language, same names.
_BIBLIOGRAPHIC = {"fre": "fra", "ger": "deu", "dut": "nld", "chi": "zho"}
CAPTION_PRICE_PER_MINUTE = {"automated": 0.25, "human": 2.50, "rush": 4.00}
LOCALIZATION_PRICE_PER_MINUTE = 1.00
TEXT_FORMATS = {
    "srt": "text/plain; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}
CAPTION_SHOW = re.compile(r"^medias/[^/]+/captions/(?!purchase$|order$)[^/]+$")
ORDER_MESSAGE = "Captions purchased for this video. Your account will be charged when the captions are ready."


def language_code(value: str | None) -> str:
    """ISO-639-2 code for ``value`` (2- or 3-letter, or an IETF form such as ``zh-Hant``)."""
    text = (value or "").strip()
    if not text or not all(part.isalnum() for part in text.split("-")):
        raise BadRequestError({"error": f"'{value}' is not a valid language code."})
    return _BY_TWO_LETTERS.get(text.lower(), text if "-" in text else text.lower())


def language_names(code: str) -> tuple[str, str]:
    english, native, _ = LANGUAGES.get(_BIBLIOGRAPHIC.get(code, code), (code, code, code))
    return english, native


def _stringify(value: Any) -> Any:
    """Saved customization values come back as strings (nested objects stay objects)."""
    if isinstance(value, dict):
        return {key: _stringify(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_stringify(item) for item in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _merge(saved: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A partial update: ``None`` deletes the key, nested objects merge key by key."""
    out = dict(saved)
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = _stringify(value)
    return out


def sample_srt(title: str) -> str:
    """A small, valid SRT transcript for a media (seeded and ordered captions)."""
    return (
        f"1\n00:00:00,000 --> 00:00:02,500\nWelcome to {title}.\n\n"
        "2\n00:00:02,500 --> 00:00:05,000\nLet's get started.\n"
    )


@dataclass
class CaptionRec:
    id: str
    language: str
    text: str
    is_draft: bool = False

    def to_json(self, with_id: bool = True) -> dict[str, Any]:
        english, native = language_names(self.language)
        out: dict[str, Any] = {
            "english_name": english,
            "native_name": native,
            "language": self.language,
            "text": self.text,
            "is_draft": self.is_draft,
        }
        if with_id:  # strict pre-2024 clients (wystia 1.2) refuse unknown keys
            out["id"] = self.id
        return out


class MediaContentApi:
    """Captions, customizations, localizations and translation, with their routes."""

    def __init__(self, store: Store, jobs: JobsApi) -> None:
        self.store = store
        self.jobs = jobs
        store.on_reset(self.reset)

    def reset(self) -> None:
        self.captions: dict[str, dict[str, CaptionRec]] = {}
        self.customizations: dict[str, dict[str, Any]] = {}
        self.localizations: dict[str, dict[str, dict[str, Any]]] = {}
        self.charges: list[dict[str, Any]] = []

    def routes(self) -> list[tuple[str, dict[str, Callable[..., Response]]]]:
        return [
            (r"captions", {"GET": self.account_captions}),
            (r"medias/([^/]+)/captions", {"GET": self.captions_list, "POST": self.caption_create}),
            (r"medias/([^/]+)/captions/purchase", {"POST": self.captions_purchase}),
            (r"medias/([^/]+)/captions/order", {"POST": self.captions_order}),
            (
                r"medias/([^/]+)/captions/([^/]+)",
                {"GET": self.caption_show, "PUT": self.caption_update, "DELETE": self.caption_delete},
            ),
            (
                r"medias/([^/]+)/customizations",
                {
                    "GET": self.customizations_show,
                    "POST": self.customizations_create,
                    "PUT": self.customizations_update,
                    "DELETE": self.customizations_delete,
                },
            ),
            (
                r"medias/([^/]+)/localizations",
                {"GET": self.localizations_list, "POST": self.localization_create},
            ),
            (
                r"medias/([^/]+)/localizations/([^/]+)",
                {"GET": self.localization_show, "DELETE": self.localization_delete},
            ),
            (r"medias/([^/]+)/translate", {"POST": self.translate}),
        ]

    # -- helpers -------------------------------------------------------------------------------
    @staticmethod
    def _json_only(call: Any, api: str) -> None:
        if call.body_kind == "form":
            raise BadRequestError(
                {"error": f"The {api} API only accepts JSON: send the body as application/json."}
            )

    def _video(self, hid: str) -> MediaRec:
        rec = self.store.medias.get(hid)
        if rec is None:
            raise NotFoundError(None)  # captions and stats answer an unknown video with an empty 404
        return rec

    def _caption(self, hid: str, language: str) -> CaptionRec:
        self._video(hid)
        rec = self.captions.get(hid, {}).get(language_code(language))
        if rec is None:
            raise NotFoundError(None)
        return rec

    def add_caption(self, hid: str, language: str, text: str, is_draft: bool = False) -> dict[str, Any]:
        """Python API (and seeding): store captions for a media, replacing that language's."""
        with self.store.lock:
            self._video(hid)
            code = language_code(language)
            rec = CaptionRec(self.store._new_hid(), code, text, is_draft)
            self.captions.setdefault(hid, {})[code] = rec
            return rec.to_json()

    def get_captions(self, hid: str) -> list[dict[str, Any]]:
        with self.store.lock:
            return [c.to_json() for c in self.captions.get(hid, {}).values()]

    # -- captions ------------------------------------------------------------------------------
    def account_captions(self, call: Any) -> Response:
        media = call.params.get_str("media_id")
        with_id = self.store.newer_media_fields
        with self.store.lock:
            items = [
                c.to_json(with_id)
                for hid, langs in self.captions.items()
                if not media or hid == media
                for c in langs.values()
            ]
        return Response(body=paging(call.params).slice(items), xml_root="captions")

    def captions_list(self, call: Any, hid: str) -> Response:
        with self.store.lock:
            self._video(hid)
            body = [c.to_json(self.store.newer_media_fields) for c in self.captions.get(hid, {}).values()]
        return Response(body=body, xml_root="captions")

    def caption_show(self, call: Any, hid: str, language: str) -> Response:
        with self.store.lock:
            rec = self._caption(hid, language)
            body = rec.to_json(self.store.newer_media_fields)
        fmt = call.fmt
        if fmt in TEXT_FORMATS:  # captions/eng.srt, .vtt or .txt: the track itself
            return Response(
                raw=_as_text_format(rec.text, fmt).encode("utf-8"), content_type=TEXT_FORMATS[fmt]
            )
        return Response(body=body, xml_root="caption")

    def _caption_file(self, call: Any) -> str:
        text = call.params.get_str("caption_file")
        if not text or not text.strip():
            raise BadRequestError({"error": "param is missing or the value is empty: caption_file"})
        return text

    def caption_create(self, call: Any, hid: str) -> Response:
        self._json_only(call, "Captions")
        with self.store.lock:
            self._video(hid)
            text = self._caption_file(call)
            code = language_code(call.params.get_str("language") or "eng")  # "detected": English
            if code in self.captions.get(hid, {}):
                raise BadRequestError({"error": "Captions already exist for this video in that language."})
            self.add_caption(hid, code, text)
        return Response()  # Wistia answers an empty 200

    def caption_update(self, call: Any, hid: str, language: str) -> Response:
        self._json_only(call, "Captions")
        with self.store.lock:
            rec = self._caption(hid, language)
            rec.text = self._caption_file(call)
        return Response()

    def caption_delete(self, call: Any, hid: str, language: str) -> Response:
        with self.store.lock:
            rec = self._caption(hid, language)
            del self.captions[hid][rec.language]
        return Response()

    def _order(self, call: Any, hid: str, automated_default: bool) -> Response:
        self._json_only(call, "Captions")
        p = call.params
        automated = p.get_bool("automated")
        automated = automated_default if automated is None else automated
        rush = bool(p.get_bool("rush"))
        enable = p.get_bool("automatically_enable")
        with self.store.lock:
            rec = self._video(hid)
            if "eng" in self.captions.get(hid, {}):
                raise BadRequestError({"error": "English captions already exist for this video."})
            if rec.type != "Video":
                raise ApiError(422, {"message": f"Captions can only be ordered for videos, not {rec.type}."})
            if automated and rush:
                raise ApiError(422, {"message": "Rush can only be used for human-generated captions."})
            tier = "automated" if automated else ("rush" if rush else "human")
            minutes = max(1, math.ceil((rec.duration or 0.0) / 60))
            caption = self.add_caption(hid, "eng", sample_srt(rec.name), is_draft=enable is False)
            self.charges.append(
                {
                    "kind": "captions",
                    "media_id": hid,
                    "tier": tier,
                    "minutes": minutes,
                    "price": round(minutes * CAPTION_PRICE_PER_MINUTE[tier], 2),
                    "transcript_id": caption["id"],
                }
            )
        return Response(body={"message": ORDER_MESSAGE, "id": caption["id"]}, xml_root="hash")

    def captions_order(self, call: Any, hid: str) -> Response:
        return self._order(call, hid, automated_default=True)

    def captions_purchase(self, call: Any, hid: str) -> Response:
        """The deprecated ``captions/purchase`` (wystia 1.2 calls it): human captions by default."""
        return self._order(call, hid, automated_default=False)

    # -- customizations ------------------------------------------------------------------------
    def _customizations_body(self, call: Any) -> dict[str, Any]:
        self._json_only(call, "Customize")
        if not isinstance(call.json_body, dict):
            raise BadRequestError({"error": "The Customize API expects a JSON object body."})
        return conform(call.json_body)

    def customizations_show(self, call: Any, hid: str) -> Response:
        with self.store.lock:
            self.store.media(hid)
            return Response(body=dict(self.customizations.get(hid, {})), xml_root="customizations")

    def customizations_create(self, call: Any, hid: str) -> Response:
        body = self._customizations_body(call)
        with self.store.lock:
            self.store.media(hid)
            self.customizations[hid] = _stringify(body)
            return Response(201, dict(self.customizations[hid]), xml_root="customizations")

    def customizations_update(self, call: Any, hid: str) -> Response:
        body = self._customizations_body(call)
        with self.store.lock:
            self.store.media(hid)
            self.customizations[hid] = _merge(self.customizations.get(hid, {}), body)
            return Response(body=dict(self.customizations[hid]), xml_root="customizations")

    def customizations_delete(self, call: Any, hid: str) -> Response:
        with self.store.lock:
            self.store.media(hid)
            self.customizations.pop(hid, None)
        return Response()

    # -- localizations -------------------------------------------------------------------------
    def _localization_json(self, rec: MediaRec, loc: dict[str, Any], transcript: bool) -> dict[str, Any]:
        out = {k: v for k, v in loc.items() if not k.startswith("_")}
        out["source_media"] = {
            "hashed_id": rec.hashed_id,
            "name": rec.name,
            "duration": rec.duration or 0.0,
            "created_at": iso(rec.created),
            "updated_at": iso(rec.updated),
        }
        if transcript:
            out["transcript"] = loc["_transcript"]
        return out

    def _localization(self, hid: str, loc_id: str) -> tuple[MediaRec, dict[str, Any]]:
        rec = self.store.media(hid)
        loc = self.localizations.get(hid, {}).get(loc_id)
        if loc is None:
            raise NotFoundError(f"Localization with ID '{loc_id}' not found.")
        return rec, loc

    def localizations_list(self, call: Any, hid: str) -> Response:
        transcript = bool(call.params.get_bool("include_transcript"))
        with self.store.lock:
            rec = self.store.media(hid)
            body = [
                self._localization_json(rec, loc, transcript)
                for loc in self.localizations.get(hid, {}).values()
            ]
        return Response(body=body, xml_root="localizations")

    def localization_show(self, call: Any, hid: str, loc_id: str) -> Response:
        transcript = bool(call.params.get_bool("include_transcript"))
        with self.store.lock:
            rec, loc = self._localization(hid, loc_id)
            return Response(body=self._localization_json(rec, loc, transcript), xml_root="localization")

    def localization_delete(self, call: Any, hid: str, loc_id: str) -> Response:
        with self.store.lock:
            rec, loc = self._localization(hid, loc_id)
            del self.localizations[hid][loc_id]
            return Response(body=self._localization_json(rec, loc, False), xml_root="localization")

    def localization_create(self, call: Any, hid: str) -> Response:
        p = call.params
        target = p.get_str("output_language")
        if not target:
            raise BadRequestError({"error": "param is missing or the value is empty: output_language"})
        auto_enable = p.get_bool("auto_enable")
        auto_enable = True if auto_enable is None else auto_enable
        with self.store.lock:
            rec = self.store.media(hid)
            code = language_code(target)
            if rec.type not in ("Video", "Audio"):
                raise ApiError(422, {"error": f"A {rec.type} media cannot be localized."})
            if any(loc["iso639_2_language_code"] == code for loc in self.localizations.get(hid, {}).values()):
                raise ApiError(422, {"error": f"This media already has a {code} localization."})
            english, native = language_names(code)
            now = iso(time.time())
            source = self.captions.get(hid, {}).get("eng")
            loc_hid = self.store._new_hid()
            loc: dict[str, Any] = {
                "hashed_id": loc_hid,
                "language_code": LANGUAGES.get(code, ("", "", code))[2],
                "iso639_2_language_code": code,
                "language_name": english,
                "native_language_name": native,
                "created_at": now,
                "updated_at": now,
                "ordered_at": now,
                "enabled_at": now if auto_enable else None,
                "enabled": bool(auto_enable),
                "_transcript": {
                    "hashed_id": self.store._new_hid(),
                    "language_name": english,
                    "native_language_name": native,
                    "text": _translated(source.text if source else sample_srt(rec.name), code),
                    "created_at": now,
                    "updated_at": now,
                },
            }
            self.localizations.setdefault(hid, {})[loc_hid] = loc
            minutes = max(1, math.ceil((rec.duration or 0.0) / 60))
            price = round(minutes * LOCALIZATION_PRICE_PER_MINUTE, 2)
            self.charges.append(
                {
                    "kind": "localization",
                    "media_id": hid,
                    "language": code,
                    "minutes": minutes,
                    "price": price,
                }
            )
            body = self._localization_json(rec, loc, False)
        body.update(
            {
                "auto_enable_dubbing": bool(auto_enable),
                "expected_billed_minutes": minutes,
                "expected_billed_price_per_minute": LOCALIZATION_PRICE_PER_MINUTE,
                "expected_billed_price": price,
                "billed_at": None,
            }
        )
        return Response(201, body, xml_root="localization")

    # -- translation (a background job) --------------------------------------------------------
    def translate(self, call: Any, hid: str) -> Response:
        p = call.params
        target = p.get_str("target_language")
        if not target:
            raise BadRequestError({"error": "param is missing or the value is empty: target_language"})
        with self.store.lock:
            self.store.media(hid)
            code = language_code(target)
            existing = self.captions.get(hid, {})
            source_code = (
                language_code(p.get_str("source_language")) if p.get_str("source_language") else None
            )
            source = existing.get(source_code) if source_code else next(iter(existing.values()), None)
            if source is None:
                raise ApiError(
                    422, {"error": "This media has no transcript in the source language to translate."}
                )
            text = source.text

            def translate() -> None:
                if hid in self.store.medias:
                    self.add_caption(hid, code, _translated(text, code))

            job = self.jobs.start("translate", translate)
        body = {
            "message": "Translation request has been successfully queued for processing.",
            "background_job_status": job.to_json(),
        }
        return Response(201, body, xml_root="hash")


def _translated(srt: str, code: str) -> str:
    """A recognisable stand-in for a machine translation: each text line tagged with the language."""
    lines = []
    for line in srt.splitlines():
        is_text = line.strip() and not line.strip().isdigit() and "-->" not in line
        lines.append(f"[{code}] {line}" if is_text else line)
    return "\n".join(lines) + "\n"


def _as_text_format(srt: str, fmt: str) -> str:
    """An SRT track as SRT, WebVTT (``.`` before milliseconds, a header) or bare text lines."""
    if fmt == "srt":
        return srt
    blocks = [block.splitlines() for block in srt.strip().split("\n\n") if block.strip()]
    if fmt == "txt":
        return "\n".join(line for block in blocks for line in block[2:]) + "\n"
    cues = ["\n".join([block[1].replace(",", "."), *block[2:]]) for block in blocks if len(block) >= 2]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"
