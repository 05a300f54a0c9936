"""What every endpoint mixin of the hook may call, and checks the new endpoint groups share.

The mixins (``endpoints_*.py``) hold no state and speak no HTTP: each method validates its
arguments before any request and maps them onto one ``request``/``paginate`` call of
:class:`~airflow_provider_wistia.hooks.wistia.WistiaHook`, which mixes them all in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from airflow_provider_wistia.exceptions import WistiaConfigError
from airflow_provider_wistia.validation import require_text

if TYPE_CHECKING:
    from airflow_provider_wistia.hooks.settings import WistiaSettings
    from airflow_provider_wistia.hooks.tracks import Track

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class EndpointMixin:
    """Base of the endpoint mixins: declares the hook's HTTP entry points for type checkers."""

    if TYPE_CHECKING:

        @property
        def settings(self) -> WistiaSettings: ...

        @property
        def track(self) -> Track: ...

        def request(
            self,
            method: str,
            path: str,
            *,
            params: dict[str, Any] | None = None,
            data: dict[str, Any] | None = None,
            json: Any = None,
            response_format: str = "json",
        ) -> Any: ...

        def paginate(
            self,
            path: str,
            params: dict[str, Any] | None = None,
            *,
            dedupe_key: str | None = "id",
            seen: set[Any] | None = None,
        ) -> Iterator[dict[str, Any]]: ...

        def paginate_cursor(
            self, path: str, params: dict[str, Any] | None = None, *, dedupe_key: str = "hashed_id"
        ) -> Iterator[dict[str, Any]]: ...


def path_segment(field: str, value: Any) -> str:
    """A free-text path segment (a tag name, a domain), percent-encoded so it stays one segment."""
    return quote(require_text(field, value), safe="")


def require_language(field: str, value: Any) -> str:
    """A caption/localization language: ISO-639-2 such as ``eng``, or an IETF form like ``zh-Hant``."""
    text = require_text(field, value)
    if not _LANGUAGE.match(text):
        raise WistiaConfigError(
            f"{field} {value!r} is not a language code: use ISO-639-2 (e.g. 'eng', 'fra') or an IETF tag "
            "such as 'zh-Hant'."
        )
    return text


def require_mapping(field: str, value: Any) -> dict[str, Any]:
    """A JSON object argument (customizations, fields): a dict, checked before any request."""
    if not isinstance(value, dict):
        raise WistiaConfigError(f"{field} must be a dict, got {type(value).__name__} {value!r}.")
    return value


def require_positive_int(field: str, value: Any) -> int:
    """A numeric id (a background job): an int, or a string of digits as templates render it."""
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit():
        raise WistiaConfigError(f"{field} must be a positive integer id, got {value!r}.")
    number = int(str(value).strip())
    if number <= 0:
        raise WistiaConfigError(f"{field} must be a positive integer id, got {value!r}.")
    return number


def require_charge_confirmed(confirm_charge: bool, what: str) -> None:
    """Charged endpoints run only when the caller says, in code, that the charge is intended."""
    if confirm_charge is not True:
        raise WistiaConfigError(
            f"{what} is charged to the Wistia account's saved card; pass confirm_charge=True to order it."
        )


def with_extra_fields(what: str, named: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """The fields of one write: the method's ``named`` ones (as Wistia spells them) plus the
    caller's pass-through ``extra`` fields (``**fields``), ``None`` values dropped from both.

    A field given both ways (e.g. ``admin_email=`` and ``adminEmail=``) is ambiguous: it is a
    :class:`WistiaConfigError` before any request rather than one silently winning.
    """
    given = {key: value for key, value in named.items() if value is not None}
    if clash := sorted(key for key, value in extra.items() if value is not None and key in given):
        raise WistiaConfigError(
            f"{what}: {clash} given both as an argument and as an extra field; give each field once."
        )
    return {**{key: value for key, value in extra.items() if value is not None}, **given}
