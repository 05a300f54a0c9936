"""What the new-media triggers remember between polls, and how they decide what is new.

A cursor is the newest ``created`` seen (in the project, or in the account listing that the
shared poller reads) and the hashed ids seen within :data:`CURSOR_LOOKBACK` before it.
Medias that show up in listings late, or within the same second, are still caught; a media
older than the window when it first shows up (e.g. moved in from another project) is not.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta, timezone
from typing import Any

from airflow_provider_wistia.triggers.conditions import media_created, parse_timestamp

CURSOR_LOOKBACK = timedelta(minutes=10)


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def oldest_first(medias: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Newest-first listings reversed, keeping only medias with a readable ``created``."""
    return [media for media in reversed(medias) if media_created(media) is not None]


class NewMediaCursor:
    """The event trigger's cursor: ``newest`` and ``seen`` (None until the first read)."""

    def __init__(self, project_id: str) -> None:
        self.project_id = project_id
        self.newest: datetime | None = None
        self.seen: dict[str, datetime] | None = None

    def floor(self) -> datetime | None:
        """The oldest ``created`` still worth reading (None: everything)."""
        return None if self.newest is None else self.newest - CURSOR_LOOKBACK

    def state(self) -> dict[str, Any]:
        """The cursor as JSON: what is saved in the asset state store."""
        return {
            "project_id": self.project_id,
            "newest": None if self.newest is None else self.newest.isoformat(),
            "seen": {hid: when.isoformat() for hid, when in (self.seen or {}).items()},
        }

    def restore(self, state: Any) -> bool:
        """Adopt a saved cursor of this project; False if ``state`` is not one."""
        if not isinstance(state, dict) or state.get("project_id") != self.project_id:
            return False
        try:
            newest = state.get("newest")
            self.newest = None if newest is None else parse_timestamp("newest", newest)
            self.seen = {hid: parse_timestamp("seen", when) for hid, when in dict(state["seen"]).items()}
        except Exception:
            self.newest, self.seen = None, None
            return False
        return True

    def take_new(self, medias: list[dict[str, Any]], known: Collection[str] = ()) -> list[dict[str, Any]]:
        """The medias not seen (nor ``known``) and not below the floor, oldest first; now seen."""
        floor, seen = self.floor(), self.seen or {}
        new = [
            media
            for media in oldest_first(medias)
            if media.get("hashed_id") not in seen
            and media.get("hashed_id") not in known
            and (floor is None or media_created(media) >= floor)  # type: ignore[operator]
        ]
        self.remember(medias)
        return new

    def remember(self, medias: list[dict[str, Any]], newest: datetime | None = None) -> None:
        """Mark medias seen; move ``newest`` to theirs (or ``newest``); forget ids below the window."""
        seen = self.seen if self.seen is not None else {}
        for media in medias:
            created = media_created(media)
            if created is not None and isinstance(media.get("hashed_id"), str):
                seen[media["hashed_id"]] = created
                newest = created if newest is None else max(newest, created)
        if newest is not None:
            self.newest = newest if self.newest is None else max(self.newest, newest)
        floor = self.floor()
        self.seen = {hid: when for hid, when in seen.items() if floor is None or when >= floor}
