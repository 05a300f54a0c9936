"""Paging of Wistia's bare-array lists: by page number, or by cursor for ``/medias``.

Wistia lists have no envelope and no total: a short page ends a list. Page numbers shift when
the account changes between two requests; cursors do not (reference §3.3). Mixed into
:class:`~airflow_provider_wistia.hooks.wistia.WistiaHook`; every page goes through its
``request`` (rate limits, retries, typed errors).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from airflow_provider_wistia.exceptions import WistiaServerError
from airflow_provider_wistia.hooks.endpoints_base import EndpointMixin
from airflow_provider_wistia.validation import check_per_page

log = logging.getLogger(__name__)


class WistiaPagingMixin(EndpointMixin):
    """``paginate`` (page numbers, de-duplicated) and ``paginate_cursor`` (``/medias``)."""

    def _list_page(self, path: str, query: dict[str, Any], where: str) -> list[Any]:
        items = self.request("GET", path, params=query)
        if not isinstance(items, list):
            raise WistiaServerError(
                f"Wistia API GET /v1/{path}.json {where} did not answer a JSON list",
                method="GET",
                path=f"/v1/{path}.json",
            )
        return items

    def paginate(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        *,
        dedupe_key: str | None = "id",
        seen: set[Any] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Yield every item of a bare-array list, page by page; stop on a short page.

        Page numbers shift when the list changes between two requests, so an item could come
        twice: items are de-duplicated on ``dedupe_key`` (``None``: not at all). An item
        that moves to an earlier page meanwhile can still be missed; cursor-paged lists
        (:meth:`paginate_cursor`) have neither problem.
        """
        query = dict(params or {})
        per_page = check_per_page(query.pop("per_page", 100))
        page = int(query.pop("page", 1))
        seen = set() if seen is None else seen
        while True:
            items = self._list_page(path, {**query, "page": page, "per_page": per_page}, f"page {page}")
            for item in items:
                key = item.get(dedupe_key) if dedupe_key and isinstance(item, dict) else None
                if key is not None:
                    if key in seen:
                        continue
                    seen.add(key)
                yield item
            if len(items) < per_page:
                return
            page += 1

    def paginate_cursor(
        self, path: str, params: dict[str, Any] | None = None, *, dedupe_key: str = "hashed_id"
    ) -> Iterator[dict[str, Any]]:
        """Yield every item of a cursor-paged list (Wistia's ``/medias``), page by page.

        The first request sends ``cursor[enabled]=1``, each next one ``cursor[after]=`` the
        ``cursor`` of the last item received, in the ``sort_by`` order of ``params`` (``id``
        or ``created``). A cursor names an item, not a position, so every item that exists for
        the whole listing is yielded exactly once whatever is added or deleted meanwhile.
        Stops on a short page. A server that answers without cursors gets page numbers
        from page 2 on, de-duplicated on ``dedupe_key``.
        """
        query = dict(params or {})
        per_page = check_per_page(query.pop("per_page", 100))
        query.pop("page", None)  # Wistia refuses page together with a cursor
        position: dict[str, Any] = {"cursor[enabled]": 1}
        while True:
            items = self._list_page(path, {**query, **position, "per_page": per_page}, "cursor page")
            yield from items
            if len(items) < per_page:
                return
            last = items[-1].get("cursor") if isinstance(items[-1], dict) else None
            if not last and "cursor[enabled]" in position:
                log.warning("GET /v1/%s.json answered without cursors; paging by page number.", path)
                seen = {item.get(dedupe_key) for item in items if isinstance(item, dict)}
                yield from self.paginate(
                    path, {**query, "per_page": per_page, "page": 2}, dedupe_key=dedupe_key, seen=seen
                )
                return
            if not last or last == position.get("cursor[after]"):  # never loop on the same page
                raise WistiaServerError(
                    f"Wistia API GET /v1/{path}.json answered a full page whose last record has no new "
                    f"cursor ({last!r}); cannot page on",
                    method="GET",
                    path=f"/v1/{path}.json",
                )
            position = {"cursor[after]": last}
