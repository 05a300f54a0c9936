"""Typed methods for the Data API v1 endpoints: projects, sharings, medias, account, stats.

Each method validates its arguments (before any request) and maps them onto one call of the
hook's ``request`` or ``paginate``; the HTTP itself (auth, limits, retries, errors) is done by
:class:`~airflow_provider_wistia.hooks.wistia.WistiaHook`, which mixes this class in.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from airflow_provider_wistia.exceptions import WistiaConfigError
from airflow_provider_wistia.hooks.encoding import json_fields
from airflow_provider_wistia.hooks.endpoints_analytics import WistiaAnalyticsMixin
from airflow_provider_wistia.hooks.endpoints_base import with_extra_fields
from airflow_provider_wistia.hooks.endpoints_captions import WistiaMediaContentMixin
from airflow_provider_wistia.hooks.endpoints_catalog import WistiaCatalogMixin
from airflow_provider_wistia.hooks.endpoints_folders import WistiaFoldersMixin
from airflow_provider_wistia.hooks.endpoints_live import WistiaLiveStreamMixin
from airflow_provider_wistia.hooks.endpoints_media_jobs import WistiaMediaJobsMixin
from airflow_provider_wistia.hooks.endpoints_modern import WistiaModernMixin
from airflow_provider_wistia.hooks.endpoints_stats import WistiaStatsApiMixin
from airflow_provider_wistia.hooks.paging import WistiaPagingMixin
from airflow_provider_wistia.validation import require_id, require_sharing_id, require_text

# The /medias orders Wistia can page with a cursor (consistent while the account changes).
CURSOR_SORTS = ("created", "id")


class WistiaDataApiMixin(
    WistiaPagingMixin,
    WistiaMediaJobsMixin,
    WistiaMediaContentMixin,
    WistiaCatalogMixin,
    WistiaStatsApiMixin,
    WistiaLiveStreamMixin,
    WistiaFoldersMixin,
    WistiaAnalyticsMixin,
    WistiaModernMixin,
):
    """One method per Data API endpoint; every result is the API's JSON, unknown fields kept.

    Paging comes from :class:`WistiaPagingMixin`; the newer endpoint groups (background jobs,
    captions, customizations, tags, folders, the modern-only analytics, webinars...) from the
    mixins in the ``endpoints_*`` modules.
    """

    # ------------------------------------------------------------------ projects
    def iter_projects(self, **filters: Any) -> Iterator[dict[str, Any]]:
        """Lazily page through projects (filters: sort_by, sort_direction, hashed_ids, per_page).

        Projects have no cursor paging: a project is yielded at most once (de-duplicated on id).
        """
        return self.paginate("projects", filters)

    def list_projects(self, **filters: Any) -> list[dict[str, Any]]:
        """Every project across all pages."""
        return list(self.iter_projects(**filters))

    def get_project(self, project_id: str) -> dict[str, Any]:
        return self.request("GET", f"projects/{require_id('project_id', project_id)}")

    def create_project(
        self,
        name: str,
        *,
        description: str | None = None,
        admin_email: str | None = None,
        public: bool | None = None,
        anonymous_can_upload: bool | None = None,
        anonymous_can_download: bool | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Create a project (201). Not retried after it may have reached Wistia.

        ``fields``: more body fields, sent as Wistia spells them (see :func:`with_extra_fields`).
        The body is JSON, as Wistia's v1 OpenAPI (``CreateProject``) describes it.
        """
        named = {
            "name": require_text("name", name),
            "description": description,
            "adminEmail": admin_email,
            "public": public,
            "anonymousCanUpload": anonymous_can_upload,
            "anonymousCanDownload": anonymous_can_download,
        }
        body = json_fields(with_extra_fields("create_project", named, fields))
        return self.request("POST", "projects", json=body)

    def update_project(
        self,
        project_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        public: bool | None = None,
        anonymous_can_upload: bool | None = None,
        anonymous_can_download: bool | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Update a project (a JSON body); ``fields``: more fields, sent as Wistia spells them."""
        named = {
            "name": name,
            "description": description,
            "public": public,
            "anonymousCanUpload": anonymous_can_upload,
            "anonymousCanDownload": anonymous_can_download,
        }
        body = json_fields(with_extra_fields("update_project", named, fields))
        return self.request("PUT", f"projects/{require_id('project_id', project_id)}", json=body)

    def delete_project(self, project_id: str) -> dict[str, Any]:
        return self.request("DELETE", f"projects/{require_id('project_id', project_id)}")

    def copy_project(
        self, project_id: str, *, admin_email: str | None = None, **fields: Any
    ) -> dict[str, Any]:
        """Copy a project (201); ``fields``: more JSON body fields, sent as Wistia spells them."""
        body = json_fields(with_extra_fields("copy_project", {"adminEmail": admin_email}, fields))
        return self.request("POST", f"projects/{require_id('project_id', project_id)}/copy", json=body)

    # ------------------------------------------------------------------ sharings
    def list_sharings(self, project_id: str) -> list[dict[str, Any]]:
        """Every sharing of the project, each once (de-duplicated on id)."""
        return list(self.paginate(f"projects/{require_id('project_id', project_id)}/sharings"))

    def get_sharing(self, project_id: str, sharing_id: int | str) -> dict[str, Any]:
        pid, sid = require_id("project_id", project_id), require_sharing_id("sharing_id", sharing_id)
        return self.request("GET", f"projects/{pid}/sharings/{sid}")

    @staticmethod
    def _sharing_body(what: str, named: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
        """The JSON body of a sharing write: ``{"sharing": {...}}`` as Wistia's v1 OpenAPI wraps it
        (an extra field spelled ``sharing[name]`` goes in as ``name``)."""
        unwrapped: dict[str, Any] = {}
        for key, value in sorted(extra.items(), key=lambda item: item[0].startswith("sharing[")):
            bare = key[len("sharing[") : -1] if key.startswith("sharing[") and key.endswith("]") else key
            if bare in unwrapped:
                raise WistiaConfigError(
                    f"{what}: [{key!r}] given both bare and as sharing[...]; give it once."
                )
            unwrapped[bare] = value
        return {"sharing": json_fields(with_extra_fields(what, named, unwrapped))}

    def create_sharing(
        self,
        project_id: str,
        with_email: str,
        *,
        require_password: bool | None = None,
        can_share: bool | None = None,
        can_download: bool | None = None,
        can_upload: bool | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Share a project; ``fields``: more sharing fields (sent inside ``{"sharing": {...}}``)."""
        named = {
            "with": require_text("with_email", with_email),
            "requirePassword": require_password,
            "canShare": can_share,
            "canDownload": can_download,
            "canUpload": can_upload,
        }
        body = self._sharing_body("create_sharing", named, fields)
        return self.request("POST", f"projects/{require_id('project_id', project_id)}/sharings", json=body)

    def update_sharing(
        self,
        project_id: str,
        sharing_id: int | str,
        *,
        can_share: bool | None = None,
        can_download: bool | None = None,
        can_upload: bool | None = None,
        is_admin: bool | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Change a sharing; ``fields``: more sharing fields (sent inside ``{"sharing": {...}}``)."""
        pid, sid = require_id("project_id", project_id), require_sharing_id("sharing_id", sharing_id)
        named = {
            "canShare": can_share,
            "canDownload": can_download,
            "canUpload": can_upload,
            "isAdmin": is_admin,
        }
        body = self._sharing_body("update_sharing", named, fields)
        return self.request("PUT", f"projects/{pid}/sharings/{sid}", json=body)

    def delete_sharing(self, project_id: str, sharing_id: int | str) -> dict[str, Any]:
        pid, sid = require_id("project_id", project_id), require_sharing_id("sharing_id", sharing_id)
        return self.request("DELETE", f"projects/{pid}/sharings/{sid}")

    # ------------------------------------------------------------------ medias
    def iter_medias(
        self,
        *,
        project_id: str | None = None,
        name: str | None = None,
        media_type: str | None = None,
        hashed_id: str | None = None,
        sort_by: str | None = None,
        sort_direction: int | str | None = None,
        per_page: int = 100,
        hashed_ids: list[str] | None = None,
        tags: list[str] | None = None,
        archived: bool | None = None,
        **extra_filters: Any,
    ) -> Iterator[dict[str, Any]]:
        """Lazily page through medias, optionally filtered by project, name, type, hashed id(s),
        tags (medias carrying ALL of them) or archived state.

        Sorted by ``created`` (or ``id``), the list is cursor-paged: every media that exists
        for the whole listing is yielded exactly once, whatever is added or deleted meanwhile.
        Wistia pages other orders (``name``, ``updated``, ``position``) only by page number:
        then medias are de-duplicated on ``hashed_id``, but one that moves to an earlier page
        during the listing can be missed. Other keyword filters are passed to Wistia as given.
        """
        order = sort_by or "created"
        filters = {
            **extra_filters,
            "project_id": require_id("project_id", project_id) if project_id is not None else None,
            "name": name,
            "type": media_type,
            "hashed_id": require_id("hashed_id", hashed_id) if hashed_id is not None else None,
            "hashed_ids": None if hashed_ids is None else [require_id("hashed_ids", h) for h in hashed_ids],
            "tags": [require_text("tags", t) for t in tags] if tags is not None else None,
            "archived": None
            if archived is None
            else ("true" if archived else "false"),  # as the OAS spells it
            "sort_by": order,
            "sort_direction": sort_direction,
            "per_page": per_page,
        }
        query = {k: v for k, v in filters.items() if v is not None}
        if order in CURSOR_SORTS:
            return self.paginate_cursor("medias", query)
        return self.paginate("medias", query, dedupe_key="hashed_id")

    def list_medias(self, **filters: Any) -> list[dict[str, Any]]:
        """Every media across all pages (same filters as :meth:`iter_medias`)."""
        return list(self.iter_medias(**filters))

    def get_media(self, media_id: str) -> dict[str, Any]:
        return self.request("GET", f"medias/{require_id('media_id', media_id)}")

    def update_media(
        self,
        media_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        new_still_media_id: str | None = None,
        tags: list[str] | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Update a media; ``tags`` REPLACES its tags (``[]`` removes them all).

        ``fields``: more fields, sent as Wistia spells them. The body is JSON (as Wistia's v1
        OpenAPI describes it), so an empty ``tags`` list still reaches Wistia.
        """
        named: dict[str, Any] = {
            "name": name,
            "description": description,
            "new_still_media_id": new_still_media_id,
        }
        if tags is not None:
            named["tags"] = [require_text("tags", t) for t in tags]
        body = json_fields(with_extra_fields("update_media", named, fields))
        return self.request("PUT", f"medias/{require_id('media_id', media_id)}", json=body)

    def delete_media(self, media_id: str) -> dict[str, Any]:
        return self.request("DELETE", f"medias/{require_id('media_id', media_id)}")

    def copy_media(
        self, media_id: str, *, project_id: str | None = None, owner: str | None = None, **fields: Any
    ) -> dict[str, Any]:
        """Copy a media (201); ``fields``: more JSON body fields, sent as Wistia spells them.

        ``project_id`` is the target project's hashed id, as Wistia takes it (the v1 OpenAPI
        types it as an integer; see the conformance test's exceptions).
        """
        named = {
            "project_id": require_id("project_id", project_id) if project_id is not None else None,
            "owner": owner,
        }
        body = json_fields(with_extra_fields("copy_media", named, fields))
        return self.request("POST", f"medias/{require_id('media_id', media_id)}/copy", json=body)

    def get_media_stats(self, media_id: str) -> dict[str, Any]:
        """``/medias/<id>/stats``: plays, visitors, pageLoads... (videos only; 400 otherwise)."""
        return self.request("GET", f"medias/{require_id('media_id', media_id)}/stats")

    # ------------------------------------------------------------------ account and stats
    def get_account(self) -> dict[str, Any]:
        return self.request("GET", "account")

    def get_account_stats(self) -> dict[str, Any]:
        return self.request("GET", "stats/account")

    def get_project_stats(self, project_id: str) -> dict[str, Any]:
        return self.request("GET", f"stats/projects/{require_id('project_id', project_id)}")

    def get_media_engagement_stats(self, media_id: str) -> dict[str, Any]:
        """``/stats/medias/<id>``: load_count, play_count, play_rate, hours_watched, engagement, visitors."""
        return self.request("GET", f"stats/medias/{require_id('media_id', media_id)}")
