"""Argument checks shared by the hook and the operators.

Airflow renders templates to strings, so a media id that rendered empty, or a
sharing id of ``"12"``, reaches us as text; these checks turn such values into a
clear error that names the field, before any request is sent.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

from airflow_provider_wistia.exceptions import WistiaConfigError

MAX_PER_PAGE = 100
# What an id in a URL path may hold. A dot would be read as a format ("abc.xml" is media "abc"
# asked for as XML, by Wistia and by the hook's own path handling); "/", "?", "#", "%" would
# change the path; nothing else is in a Wistia id.
_PATH_ID = re.compile(r"^[A-Za-z0-9_-]+$")


def require_id(field: str, value: Any) -> str:
    """A hashed id (media or project...): a non-blank string of letters, digits, ``-`` and ``_``,
    so it is one path segment and never a format suffix. Every id the hook puts in a path passes here."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise WistiaConfigError(f"{field} is required but was {value!r} (empty or blank).")
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise WistiaConfigError(f"{field} must be a hashed id string, got {type(value).__name__} {value!r}.")
    text = str(value).strip()
    if not _PATH_ID.match(text):
        raise WistiaConfigError(
            f"{field} {value!r} is not a valid Wistia hashed id (letters, digits, '-' and '_' only)."
        )
    return text


def require_positive_int(field: str, value: Any, kind: str = "id") -> int:
    """A numeric id (sharing, background job): an int, or a string of digits (templates render strings)."""
    if isinstance(value, bool):
        raise WistiaConfigError(f"{field} must be an integer {kind}, got {value!r}.")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        raise WistiaConfigError(f"{field} must be an integer {kind}, got {value!r}.")
    if number <= 0:
        raise WistiaConfigError(f"{field} must be a positive integer {kind}, got {value!r}.")
    return number


def require_sharing_id(field: str, value: Any) -> int:
    """A sharing id: an int, or a string of digits (templates render strings)."""
    return require_positive_int(field, value, "sharing id")


def parse_id_list(field: str, value: Any, what: str = "hashed ids") -> list[str] | None:
    """A list of strings (hashed ids...), or None; a rendered template (JSON or Python list
    text, or comma-separated values) is parsed, since Jinja renders an XCom list as text."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            try:
                value = ast.literal_eval(value)
            except (ValueError, SyntaxError):
                value = [part.strip() for part in value.split(",") if part.strip()]
    if value is None:
        return None
    if isinstance(value, (str, bytes, dict)) or not all(isinstance(item, str) for item in value):
        raise WistiaConfigError(f"{field} must be a list of {what}, got {value!r}.")
    return list(value)


def require_choice(field: str, value: Any, choices: tuple[str, ...]) -> str:
    """One of a fixed set of option values, such as ``if_exists``."""
    if value not in choices:
        raise WistiaConfigError(f"{field} must be one of {', '.join(choices)}, got {value!r}.")
    return str(value)


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
