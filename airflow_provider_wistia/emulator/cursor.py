"""Cursor pagination of ``GET /medias``, as Wistia's v1 reference describes it.

``cursor[enabled]=1`` turns it on for the first page; ``cursor[after]=<c>`` /
``cursor[before]=<c>`` fetch the ``per_page`` records after / before the record whose
``cursor`` was ``c`` in the same ``sort_by`` order (and turn it on by themselves). Each record
then carries its own ``cursor``. Only ``sort_by`` ``id`` (the default) and ``created`` are
supported; ``page`` cannot be combined with a cursor, and a cursor is only valid for the
``sort_by`` it was issued under: both are answered 400.

A cursor encodes the record's sort key and id, not its position, so records added or deleted
between two requests never shift a page: every record that exists throughout a listing is
returned exactly once.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .common import BadRequestError, Params, int_param

CURSOR_SORTS = ("id", "created")


@dataclass(frozen=True)
class CursorPaging:
    """One cursor-paged request: where to start, which way, how many."""

    sort_by: str
    per_page: int
    after: tuple[Any, int] | None = None
    before: tuple[Any, int] | None = None

    def select(self, recs: list[Any], key: Callable[[Any], Any], asc: bool) -> list[tuple[Any, str]]:
        """``(record, cursor)`` of the page: ``recs`` ordered by ``(key, id)``, cut at the cursors."""

        def position(rec: Any) -> tuple[Any, int]:
            return key(rec), rec.id

        ordered = sorted(recs, key=position, reverse=not asc)

        def later(a: tuple[Any, int], b: tuple[Any, int]) -> bool:  # a comes after b in this order
            return a > b if asc else a < b

        if self.after is not None:
            after = self.after
            ordered = [rec for rec in ordered if later(position(rec), after)]
        if self.before is not None:
            before = self.before
            ordered = [rec for rec in ordered if later(before, position(rec))][-self.per_page :]
        return [(rec, encode_cursor(self.sort_by, position(rec))) for rec in ordered[: self.per_page]]


def encode_cursor(sort_by: str, position: tuple[Any, int]) -> str:
    text = json.dumps({"s": sort_by, "k": list(position)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(value: str, sort_by: str) -> tuple[Any, int]:
    """The position a cursor names; 400 if it is unreadable or was issued for another ``sort_by``."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        data = json.loads(raw)
        issued_for, (key, rec_id) = data["s"], data["k"]
    except (ValueError, TypeError, KeyError):
        raise BadRequestError({"error": f"Invalid cursor '{value}'."}) from None
    if issued_for != sort_by:
        raise BadRequestError(
            {
                "error": f"The cursor was issued for sort_by '{issued_for}' and is not valid "
                f"for sort_by '{sort_by}'."
            }
        )
    return key, int(rec_id)


def cursor_paging(params: Params, sort_by: str | None) -> CursorPaging | None:
    """The request's cursor paging, or None when it asks for none (then ``page`` applies)."""
    after, before = params.get_str("cursor[after]"), params.get_str("cursor[before]")
    enabled = params.get_bool("cursor[enabled]") or bool(after) or bool(before)
    if not enabled:
        return None
    if "page" in params:
        raise BadRequestError({"error": "page cannot be combined with cursor pagination."})
    order = sort_by or "id"
    if order not in CURSOR_SORTS:
        raise BadRequestError({"error": f"Cursor pagination supports sort_by id or created, not '{order}'."})
    return CursorPaging(
        order,
        min(int_param(params, "per_page", 100), 100),
        decode_cursor(after, order) if after else None,
        decode_cursor(before, order) if before else None,
    )
