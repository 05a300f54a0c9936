"""Folders: the modern name of v1 projects, on both tracks.

On a v1 connection these methods address ``/projects``; on a modern one the connection's
:class:`~.tracks.Track` sends them to ``/folders`` (pinned, JSON). The project methods stay and
work on both tracks too: a folder IS a project.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from airflow_provider_wistia.hooks.endpoints_base import EndpointMixin, with_extra_fields
from airflow_provider_wistia.validation import require_id, require_text


class WistiaFoldersMixin(EndpointMixin):
    """``list_folders``, ``iter_folders``, ``get_folder``, ``create_folder``, ``update_folder``,
    ``delete_folder``, ``copy_folder``."""

    def iter_folders(self, **filters: Any) -> Iterator[dict[str, Any]]:
        """Lazily page through folders (filters: sort_by, sort_direction, hashed_ids, per_page),
        each once (de-duplicated on id)."""
        return self.paginate("projects", filters)

    def list_folders(self, **filters: Any) -> list[dict[str, Any]]:
        """Every folder across all pages."""
        return list(self.iter_folders(**filters))

    def get_folder(self, folder_id: str) -> dict[str, Any]:
        return self.request("GET", f"projects/{require_id('folder_id', folder_id)}")

    def create_folder(self, name: str, **fields: Any) -> dict[str, Any]:
        """Create a folder (201); ``fields``: more fields as Wistia spells them (``adminEmail``,
        ``public``...). Not retried after it may have reached Wistia."""
        body = with_extra_fields("create_folder", {"name": require_text("name", name)}, fields)
        return self.request("POST", "projects", data=body)

    def update_folder(self, folder_id: str, **fields: Any) -> dict[str, Any]:
        """Update a folder; ``fields`` as Wistia spells them (``name``, ``public``...)."""
        body = with_extra_fields("update_folder", {}, fields)
        return self.request("PUT", f"projects/{require_id('folder_id', folder_id)}", data=body)

    def delete_folder(self, folder_id: str) -> dict[str, Any]:
        return self.request("DELETE", f"projects/{require_id('folder_id', folder_id)}")

    def copy_folder(self, folder_id: str, **fields: Any) -> dict[str, Any]:
        """Copy a folder (``fields``: ``adminEmail``). v1 answers the copy (201); the modern track
        answers a queued ``background_job_status`` (202) and copies in the background."""
        body = with_extra_fields("copy_folder", {}, fields)
        return self.request("POST", f"projects/{require_id('folder_id', folder_id)}/copy", data=body)
