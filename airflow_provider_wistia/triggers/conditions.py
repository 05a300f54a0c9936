"""What the Wistia sensors and triggers wait for, as plain synchronous checks.

A sensor's ``poke`` calls the ``check_*`` functions; a trigger reads the same data with the
async client and applies the same ``*_outcome`` functions, so both modes agree on what
"done" means. Also here:
argument validation (run before any request), the errors counted as transient, and
:func:`result_from_event`, which turns a trigger event into a return value or an error.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from airflow_provider_wistia import exceptions
from airflow_provider_wistia._compat import AirflowSensorTimeout
from airflow_provider_wistia.exceptions import (
    WistiaConfigError,
    WistiaError,
    WistiaMediaFailedError,
    WistiaRateLimitError,
    WistiaServerError,
)
from airflow_provider_wistia.hooks.wistia import WistiaHook

# Failures that survived the hook's own retries but may well pass on a later poll. The hook
# turns every transport error (connection, timeout) into WistiaServerError; the built-in
# ConnectionError/TimeoutError cover anything below it (e.g. a thread's socket error).
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    WistiaRateLimitError,
    WistiaServerError,
    ConnectionError,
    TimeoutError,
)
MAX_BACKOFF_SECONDS = 300.0
MAX_ERROR_BACKOFF_SECONDS = (
    900.0  # a refused join (401/403/404, no connection) retries at most this far apart
)
MIN_BACKOFF_SECONDS = 0.1
# Canonical ``/medias/<id>/stats`` keys, indexed by their lower-case, underscore-free spelling.
STATS_METRICS = {
    key.lower(): key
    for key in ("plays", "visitors", "pageLoads", "percentOfVisitorsClickingPlay", "averagePercentWatched")
}


@dataclass(frozen=True)
class Outcome:
    """Result of one check.

    :param done: the condition holds; ``value`` is what the task returns.
    :param value: the media, list of medias or stats read by the check.
    :param failed: the condition can never hold (e.g. the media failed processing).
    :param message: a human-readable summary, used in logs and trigger events.
    """

    done: bool
    value: Any = None
    failed: bool = False
    message: str = ""


def backoff_delay(poll_interval: float, failures: int) -> float:
    """Seconds to wait after ``failures`` consecutive transient errors (doubling, capped)."""
    base = max(float(poll_interval), MIN_BACKOFF_SECONDS)
    return min(max(MAX_BACKOFF_SECONDS, base), base * 2 ** max(failures - 1, 0))


def error_backoff_delay(poll_interval: float, attempt: int) -> float:
    """Seconds before attempt ``attempt + 1`` after a refusal that needs a fix (401/403/404, a
    missing connection, an unexpected error): ``poll_interval`` doubling, capped at 15 minutes."""
    base = max(float(poll_interval), MIN_BACKOFF_SECONDS)
    return min(MAX_ERROR_BACKOFF_SECONDS, base * 2 ** max(attempt - 1, 0))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def check_interval(name: str, value: Any) -> float:
    """A non-negative number of seconds (``poll_interval``)."""
    if not _is_number(value) or value < 0:
        raise WistiaConfigError(f"{name} must be a non-negative number of seconds, got {value!r}.")
    return float(value)


def normalize_statuses(name: str, values: str | Iterable[str], *, allow_empty: bool = False) -> list[str]:
    """Lower-cased media statuses from a string or an iterable of strings."""
    items = [values] if isinstance(values, str) else list(values)
    if any(not isinstance(item, str) or not item.strip() for item in items):
        raise WistiaConfigError(f"{name} must hold non-blank status strings, got {values!r}.")
    if not items and not allow_empty:
        raise WistiaConfigError(f"{name} must name at least one media status.")
    return list(dict.fromkeys(item.strip().lower() for item in items))


def check_statuses(targets: Iterable[str], failures: Iterable[str]) -> tuple[list[str], list[str]]:
    """Validated ``(target_statuses, failure_statuses)``; a status may not be in both."""
    target_list = normalize_statuses("target_statuses", targets)
    failure_list = normalize_statuses("failure_statuses", failures, allow_empty=True)
    if overlap := sorted(set(target_list) & set(failure_list)):
        raise WistiaConfigError(f"statuses {overlap} are both target and failure statuses.")
    return target_list, failure_list


def canonical_metric(metric: Any) -> str:
    """The ``stats`` key for ``metric``; snake_case aliases such as ``page_loads`` are accepted."""
    key = metric.replace("_", "").strip().lower() if isinstance(metric, str) else None
    if key not in STATS_METRICS:
        raise WistiaConfigError(
            f"metric {metric!r} is not a Wistia media stat; use one of {sorted(STATS_METRICS.values())}."
        )
    return STATS_METRICS[key]


def check_threshold(threshold: Any) -> float | int:
    """A finite, non-negative number."""
    if not _is_number(threshold):
        raise WistiaConfigError(f"threshold must be a number, got {threshold!r}.")
    if threshold < 0:
        raise WistiaConfigError(f"threshold must not be negative, got {threshold!r}.")
    return threshold


def parse_timestamp(name: str, value: datetime | str) -> datetime:
    """An aware UTC datetime at Wistia's one-second precision, from a datetime or ISO-8601 text."""
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        text = text[:-1] + "+00:00" if text[-1] in "Zz" else text
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            raise WistiaConfigError(f"{name} {value!r} is not an ISO-8601 timestamp.") from None
    else:
        raise WistiaConfigError(f"{name} must be a datetime or an ISO-8601 string, got {value!r}.")
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).replace(microsecond=0)


def media_created(media: dict[str, Any]) -> datetime | None:
    """The media's ``created`` time, or None when it is missing or unreadable."""
    try:
        return parse_timestamp("created", media.get("created"))  # type: ignore[arg-type]
    except WistiaConfigError:
        return None


def media_status_outcome(
    media: dict[str, Any], media_id: str, targets: Collection[str], failures: Collection[str]
) -> Outcome:
    """Done on a target status, failed on a failure status (sensor and trigger alike)."""
    status = str(media.get("status", "")).lower()
    if status in targets:
        return Outcome(True, media, message=f"Wistia media {media_id} is {status!r}.")
    if status in failures:
        return Outcome(
            False, media, failed=True, message=f"Wistia media {media_id} reached failure status {status!r}."
        )
    progress = media.get("progress")
    return Outcome(
        False,
        media,
        message=f"Wistia media {media_id} is {status!r} (progress {progress}); waiting for {list(targets)}.",
    )


def check_media_status(
    hook: WistiaHook, media_id: str, targets: Collection[str], failures: Collection[str]
) -> Outcome:
    """Read the media once: done on a target status, failed on a failure status."""
    return media_status_outcome(hook.get_media(media_id), media_id, targets, failures)


def find_new_medias(
    hook: WistiaHook, project_id: str, since: datetime | None, known_media_ids: Collection[str] | None
) -> list[dict[str, Any]]:
    """Medias of the project created at or after ``since`` and not in ``known_media_ids``, oldest first.

    Lists newest first and stops paging at the first media older than ``since``, so a poll
    costs one request unless many medias arrived. Without ``since`` every page is read.
    """
    known = set(known_media_ids) if known_media_ids is not None else None
    new: list[dict[str, Any]] = []
    for media in hook.iter_medias(project_id=project_id, sort_by="created", sort_direction=0):
        created = media_created(media)
        if since is not None and created is not None and created < since:
            break
        if known is None or media.get("hashed_id") not in known:
            new.append(media)
    return new[::-1]


def new_medias_outcome(new: list[dict[str, Any]], project_id: str) -> Outcome:
    """Done when any media is new; the value is that list."""
    if new:
        ids = [media.get("hashed_id") for media in new]
        return Outcome(True, new, message=f"{len(new)} new media in Wistia project {project_id}: {ids}.")
    return Outcome(False, [], message=f"No new media in Wistia project {project_id} yet.")


def check_new_medias(
    hook: WistiaHook, project_id: str, since: datetime | None, known_media_ids: Collection[str] | None
) -> Outcome:
    """Done when :func:`find_new_medias` finds any; the value is that list."""
    return new_medias_outcome(find_new_medias(hook, project_id, since, known_media_ids), project_id)


def media_stats_outcome(body: Any, media_id: str, metric: str, threshold: float) -> Outcome:
    """Done when ``stats[metric]`` of a ``/medias/<id>/stats`` body is at least ``threshold``."""
    stats = body.get("stats") if isinstance(body, dict) else None
    value = stats.get(metric) if isinstance(stats, dict) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise WistiaError(f"Wistia stats of media {media_id} have no numeric {metric!r}: {stats!r}.")
    done = value >= threshold
    verb = "reached" if done else "is below"
    return Outcome(done, body, message=f"{metric} of Wistia media {media_id} is {value}: {verb} {threshold}.")


def check_media_stats(hook: WistiaHook, media_id: str, metric: str, threshold: float) -> Outcome:
    """Read ``/medias/<id>/stats`` once and apply :func:`media_stats_outcome`."""
    return media_stats_outcome(hook.get_media_stats(media_id), media_id, metric, threshold)


def error_event_fields(exc: BaseException) -> dict[str, Any]:
    """``message`` and ``error_type`` of an "error" event; the token never appears in messages."""
    return {"message": f"{type(exc).__name__}: {exc}", "error_type": type(exc).__name__}


def result_from_event(
    event: dict[str, Any] | None,
    object_key: str,
    failure_error: type[WistiaError] = WistiaMediaFailedError,
) -> Any:
    """The object of a "success" event; raise with the trigger's message for any other event.

    "failure" raises ``failure_error`` (:class:`WistiaMediaFailedError`, or
    :class:`WistiaJobFailedError` for a background job: no retries), "timeout"
    ``AirflowSensorTimeout``, and "error" the ``WistiaError`` subclass named by
    ``error_type`` (``WistiaAuthError``, ``WistiaNotFoundError``...).
    """
    if not isinstance(event, dict):
        raise WistiaError(f"Unexpected Wistia trigger event {event!r}.")
    status, message = event.get("status"), str(event.get("message") or f"Wistia trigger event {event!r}")
    if status == "success":
        return event.get(object_key)
    if status == "failure":
        raise failure_error(message)
    if status == "timeout":
        raise AirflowSensorTimeout(message)
    error_cls = getattr(exceptions, str(event.get("error_type")), None)
    if not (isinstance(error_cls, type) and issubclass(error_cls, WistiaError)):
        error_cls = WistiaError
    raise error_cls(message)
