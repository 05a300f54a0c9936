"""Argument checks shared by the hook and the operators.

Airflow renders templates to strings, so a media id that rendered empty, or a
sharing id of ``"12"``, reaches us as text; these checks turn such values into a
clear error that names the field, before any request is sent.
"""

from __future__ import annotations

from typing import Any

from airflow_provider_wistia.exceptions import WistiaConfigError

MAX_PER_PAGE = 100


def require_id(field: str, value: Any) -> str:
    """A hashed id (media or project): a non-blank string without a slash."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise WistiaConfigError(f"{field} is required but was {value!r} (empty or blank).")
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise WistiaConfigError(f"{field} must be a hashed id string, got {type(value).__name__} {value!r}.")
    text = str(value).strip()
    if "/" in text or "?" in text or "#" in text or any(ch.isspace() for ch in text):
        raise WistiaConfigError(f"{field} {value!r} is not a valid Wistia hashed id.")
    return text


def require_sharing_id(field: str, value: Any) -> int:
    """A sharing id: an int, or a string of digits (templates render strings)."""
    if isinstance(value, bool):
        raise WistiaConfigError(f"{field} must be an integer sharing id, got {value!r}.")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        raise WistiaConfigError(f"{field} must be an integer sharing id, got {value!r}.")
    if number <= 0:
        raise WistiaConfigError(f"{field} must be a positive integer sharing id, got {value!r}.")
    return number


def require_text(field: str, value: Any) -> str:
    """A required, non-blank string such as a project name or an email."""
    if not isinstance(value, str) or not value.strip():
        raise WistiaConfigError(f"{field} is required but was {value!r} (empty or blank).")
    return value.strip()


def check_per_page(value: Any) -> int:
    """Wistia serves at most 100 items a page; refuse more rather than silently get fewer."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise WistiaConfigError(
            f"per_page must be an integer from 1 to {MAX_PER_PAGE}, got {value!r}."
        ) from None
    if not 1 <= number <= MAX_PER_PAGE:
        raise WistiaConfigError(
            f"per_page must be from 1 to {MAX_PER_PAGE} (Wistia's maximum), got {value!r}."
        )
    return number
