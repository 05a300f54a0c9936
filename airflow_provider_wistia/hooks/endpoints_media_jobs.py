"""Media operations that run as Wistia background jobs: archive, restore, move, swap, trim, translate.

Bulk calls take any number of ids and send them 100 per request (Wistia's maximum).
``PUT /medias/move`` has its own limit, 10 requests in 5 minutes per account, which the hook
keeps client-side with a sliding window shared by every hook of the process for the same
account, so a large move waits instead of being refused.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from typing import Any

from airflow_provider_wistia.exceptions import (
    WistiaConfigError,
    WistiaNotFoundError,
    WistiaPartialError,
    WistiaServerError,
)
from airflow_provider_wistia.hooks.endpoints_base import (
    EndpointMixin,
    require_language,
    require_positive_int,
)
from airflow_provider_wistia.ratelimit import SlidingWindowRateLimiter
from airflow_provider_wistia.validation import require_id, require_text

BULK_MAX_IDS = 100
log = logging.getLogger(__name__)
TRIM_FORMAT = "HH:MM:SS.mmm-HH:MM:SS.mmm"

_move_limiters: dict[tuple[str, str, int, float], SlidingWindowRateLimiter] = {}
_move_limiters_lock = threading.Lock()


def reset_move_limiters() -> None:
    """Forget every process-wide move window (tests do this between emulator resets)."""
    with _move_limiters_lock:
        _move_limiters.clear()


def media_not_found(media_id: str) -> dict[str, Any]:
    """A ``partial_errors`` entry for an unknown id, as Wistia words it in a 207 answer."""
    return {"media_id": media_id, "error": "Media not found"}


def media_id_list(field: str, media_ids: Any) -> list[str]:
    """A non-empty list of hashed ids, duplicates dropped (order kept)."""
    if isinstance(media_ids, (str, bytes)) or not isinstance(media_ids, Iterable):
        raise WistiaConfigError(f"{field} must be a list of media hashed ids, got {media_ids!r}.")
    ids = [require_id(field, value) for value in media_ids]
    if not ids:
        raise WistiaConfigError(f"{field} is empty: give at least one media hashed id.")
    return list(dict.fromkeys(ids))


class WistiaMediaJobsMixin(EndpointMixin):
    """Hook methods for the job-starting media endpoints and ``/background_job_status``."""

    # Wistia's own limit for PUT /medias/move (not the account-wide 600/min).
    MOVE_REQUESTS_PER_WINDOW = 10
    MOVE_WINDOW_SECONDS = 300.0

    def _move_limiter(self) -> SlidingWindowRateLimiter:
        settings = self.settings
        key = (settings.base_url, settings.conn_id, self.MOVE_REQUESTS_PER_WINDOW, self.MOVE_WINDOW_SECONDS)
        with _move_limiters_lock:
            limiter = _move_limiters.get(key)
            if limiter is None:
                limiter = SlidingWindowRateLimiter(self.MOVE_REQUESTS_PER_WINDOW, self.MOVE_WINDOW_SECONDS)
                _move_limiters[key] = limiter
            return limiter

    def _bulk(
        self, action: str, media_ids: list[str], extra: dict[str, Any], strict: bool
    ) -> list[dict[str, Any]]:
        """Send ``PUT /medias/<action>`` per 100 ids; collect answers and any partial errors.

        The outcome does not depend on the order of the ids: every unknown id ends in a
        ``partial_errors`` entry and every known one is sent (:meth:`_bulk_batch`). With
        ``strict`` every id is checked first and nothing is sent if one is unknown.
        """
        if strict and (unknown := self.unknown_media_ids(media_ids)):
            raise WistiaPartialError(
                f"Wistia {action}: {len(unknown)} of the medias do not exist, so nothing was sent; "
                f"unknown: {', '.join(unknown)}",
                partial_errors=[media_not_found(media_id) for media_id in unknown],
                responses=[],
            )
        answers: list[dict[str, Any]] = []
        partial: list[dict[str, Any]] = []
        for start in range(0, len(media_ids), BULK_MAX_IDS):
            answer = self._bulk_batch(action, media_ids[start : start + BULK_MAX_IDS], extra)
            answers.append(answer)
            partial.extend(answer.get("partial_errors") or [])
        if partial and strict:
            refused = ", ".join(str(e.get("media_id")) for e in partial)
            raise WistiaPartialError(
                f"Wistia {action} accepted only part of the medias; refused: {refused}",
                partial_errors=partial,
                responses=answers,
            )
        return answers

    def _bulk_batch(self, action: str, batch: list[str], extra: dict[str, Any]) -> dict[str, Any]:
        """One request of up to 100 ids; a 404 for unknown ids becomes partial errors.

        Wistia answers 404 when it knows none of a move's ids (207 names the unknown ones when
        it knows some), and refuses an archive or restore with any unknown id. Then the ids
        are looked up: the unknown ones become ``partial_errors`` and the known ones are sent
        on their own (nothing was applied by the refused request). A 404 while every id
        exists is about something else (the project, the subfolder) and is raised.
        """
        try:
            return self._send_bulk(action, {"hashed_ids": batch, **extra})
        except WistiaNotFoundError:
            unknown = self.unknown_media_ids(batch)
            if not unknown:
                raise
        known = [media_id for media_id in batch if media_id not in unknown]
        answer = self._send_bulk(action, {"hashed_ids": known, **extra}) if known else {}
        errors = [*(answer.get("partial_errors") or []), *(media_not_found(media_id) for media_id in unknown)]
        return {**answer, "partial_errors": errors}

    def _send_bulk(self, action: str, body: dict[str, Any]) -> dict[str, Any]:
        """``PUT /medias/<action>``; a move waits for Wistia's own move limit first."""
        if action != "move":
            answer = self.request("PUT", f"medias/{action}", json=body)
            return answer if isinstance(answer, dict) else {}
        limiter = self._move_limiter()
        started = time.monotonic()
        slot = limiter.acquire()
        if (waited := time.monotonic() - started) >= 1.0:
            log.info(
                "Waited %.0f s for Wistia's own move limit (%d requests in %.0f s)",
                waited,
                self.MOVE_REQUESTS_PER_WINDOW,
                self.MOVE_WINDOW_SECONDS,
            )
        try:
            answer = self.request("PUT", "medias/move", json=body)
        finally:
            limiter.release(slot)
        return answer if isinstance(answer, dict) else {}

    def unknown_media_ids(self, media_ids: list[str]) -> list[str]:
        """The ids of ``media_ids`` that name no media of the account (archived ones count as
        known), in order: one ``GET /medias?hashed_ids[]=`` per 100 ids."""
        known: set[str] = set()
        for start in range(0, len(media_ids), BULK_MAX_IDS):
            batch = media_ids[start : start + BULK_MAX_IDS]
            found = self.request("GET", "medias", params={"hashed_ids": batch, "per_page": BULK_MAX_IDS})
            if not isinstance(found, list):
                raise WistiaServerError(
                    "Wistia API GET /v1/medias.json did not answer a JSON list",
                    method="GET",
                    path="/v1/medias.json",
                )
            known.update(str(media.get("hashed_id")) for media in found if isinstance(media, dict))
        return [media_id for media_id in media_ids if media_id not in known]

    def archive_medias(self, media_ids: Iterable[str], *, strict: bool = False) -> list[dict[str, Any]]:
        """Archive medias (a background job per 100 ids).

        Returns Wistia's answers, one per request of 100 ids: ``{"message",
        "background_job_status": {"id", "status"}}``, plus ``partial_errors`` naming the ids
        that name no media (a request whose ids are all unknown has no job). Whatever the order
        of the ids, every unknown one is in ``partial_errors`` and every known one is archived.
        ``strict=True`` checks every id first and raises :class:`WistiaPartialError` naming
        the unknown ones without sending anything.
        """
        return self._bulk("archive", media_id_list("media_ids", media_ids), {}, strict)

    def restore_medias(
        self, media_ids: Iterable[str], project_id: str, *, strict: bool = False
    ) -> list[dict[str, Any]]:
        """Restore archived medias into a project; answers as :meth:`archive_medias` (plus ``container``)."""
        ids = media_id_list("media_ids", media_ids)
        return self._bulk("restore", ids, {"project_id": require_id("project_id", project_id)}, strict)

    def move_medias(
        self,
        media_ids: Iterable[str],
        project_id: str,
        subfolder_id: str | None = None,
        *,
        strict: bool = False,
    ) -> list[dict[str, Any]]:
        """Move medias to a project (and subfolder); answers as :meth:`archive_medias`.

        Ids Wistia does not know come back as ``partial_errors``, whatever their order (a
        request of only unknown ids, which Wistia answers 404, too); ``strict=True`` checks
        every id first and sends nothing if one is unknown. At most 10 move requests leave in
        any 5 minutes (Wistia's own limit for this endpoint): the 11th waits.
        """
        ids = media_id_list("media_ids", media_ids)
        extra: dict[str, Any] = {"project_id": require_id("project_id", project_id)}
        if subfolder_id is not None:
            extra["subfolder_id"] = require_id("subfolder_id", subfolder_id)
        return self._bulk("move", ids, extra, strict)

    def get_background_job(self, job_id: int | str) -> dict[str, Any]:
        """A background job's ``{"id", "status"}`` (queued, started, finished or failed)."""
        answer = self.request("GET", f"background_job_status/{require_positive_int('job_id', job_id)}")
        if isinstance(answer, dict) and isinstance(answer.get("background_job_status"), dict):
            return answer["background_job_status"]
        return answer

    def swap_media(self, media_id: str, replacement_media_id: str) -> dict[str, Any]:
        """Replace a media's file with another media's, keeping its hashed id and URLs (a job).

        Returns ``{"message", "media", "background_job_status"}``.
        """
        mid = require_id("media_id", media_id)
        body = {"replacement_media_id": require_id("replacement_media_id", replacement_media_id)}
        return self.request("PUT", f"medias/{mid}/swap", json=body)

    def trim_media(self, media_id: str, trims: Iterable[str]) -> dict[str, Any]:
        """Create a new media with the ``HH:MM:SS.mmm-HH:MM:SS.mmm`` ranges cut out (a job).

        Returns ``{"background_job_status"}``.
        """
        if isinstance(trims, str) or not isinstance(trims, Iterable):
            raise WistiaConfigError(f"trims must be a list of {TRIM_FORMAT!r} ranges, got {trims!r}.")
        ranges = [require_text("trims", value) for value in trims]
        if not ranges:
            raise WistiaConfigError(f"trims is empty: give at least one {TRIM_FORMAT!r} range.")
        mid = require_id("media_id", media_id)
        return self.request("POST", f"medias/{mid}/trims", json={"trims": ranges})

    def translate_media(self, media_id: str, language: str, **options: Any) -> dict[str, Any]:
        """Translate a media's transcript into ``language`` (a job); ``options``: ``source_language``.

        Returns ``{"message", "background_job_status"}``.
        """
        body = {"target_language": require_language("language", language)}
        body.update({key: value for key, value in options.items() if value is not None})
        return self.request("POST", f"medias/{require_id('media_id', media_id)}/translate", json=body)
