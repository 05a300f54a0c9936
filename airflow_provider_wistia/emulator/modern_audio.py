"""Extended audio descriptions (modern track): order one for a media (charged; recorded in the
media content's ``charges`` like caption orders), follow the order, list, show and delete them.

An order starts ``in_progress`` and completes on its next status read, creating the description.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .common import ApiError, NotFoundError, Response, iso, paging
from .media_content import MediaContentApi
from .state import Store


def _link(kind: str, ident: str) -> dict[str, str]:
    return {"id": ident, "index_url": f"/modern/{kind}", "url": f"/modern/{kind}/{ident}"}


class ModernAudioDescriptions:
    """State and routes of ``/media_extended_audio_descriptions``."""

    def __init__(self, store: Store, content: MediaContentApi) -> None:
        self.store, self.content = store, content
        store.on_reset(self.reset)
        self.reset()

    def reset(self) -> None:
        self.descriptions: dict[str, dict[str, Any]] = {}
        self.orders: dict[str, dict[str, Any]] = {}

    def routes(self) -> list[tuple[str, dict[str, Callable[..., Response]]]]:
        base = "media_extended_audio_descriptions"
        return [
            (base, {"GET": self.index}),
            (rf"{base}/order", {"POST": self.order}),
            (rf"{base}/order_status/([^/]+)", {"GET": self.order_status}),
            (rf"{base}/([^/]+)", {"GET": self.show, "DELETE": self.delete}),
        ]

    def _description(self, ident: str) -> dict[str, Any]:
        found = self.descriptions.get(ident)
        if found is None:
            raise NotFoundError(f"Extended audio description with ID '{ident}' not found.")
        return found

    def index(self, call: Any) -> Response:
        wanted = set(call.params.get_list("hashed_ids"))
        with self.store.lock:
            items = [dict(d) for d in self.descriptions.values() if not wanted or d["media"]["id"] in wanted]
        return Response(body=paging(call.params).slice(items))

    def show(self, call: Any, ident: str) -> Response:
        with self.store.lock:
            return Response(body=dict(self._description(ident)))

    def delete(self, call: Any, ident: str) -> Response:
        with self.store.lock:
            found = self._description(ident)
            del self.descriptions[ident]
            return Response(body=found)

    def order(self, call: Any) -> Response:
        media_id = call.params.get_str("media_id")
        if not media_id:
            raise ApiError(400, {"error": "param is missing or the value is empty: media_id"})
        with self.store.lock:
            self.store.media(media_id)
            now, order_id = iso(time.time()), self.store._new_hid()
            order = {
                "id": order_id,
                "order_status": "in_progress",
                "created_at": now,
                "updated_at": now,
                "media": _link("medias", media_id),
                "media_extended_audio_description": None,
            }
            self.orders[order_id] = order
            self.content.charges.append({"kind": "extended_audio_description", "media_id": media_id})
        return Response(body={"message": "Extended audio description ordered.", "order": dict(order)})

    def order_status(self, call: Any, ident: str) -> Response:
        with self.store.lock:
            order = self.orders.get(ident)
            if order is None:
                raise NotFoundError(f"Order with ID '{ident}' not found.")
            if order["order_status"] == "in_progress":
                now = iso(time.time())
                description = {
                    "id": self.store._new_hid(),
                    "ietf_language_tag": "en",
                    "created_at": now,
                    "updated_at": now,
                    "media": order["media"],
                }
                self.descriptions[description["id"]] = description
                order.update(
                    order_status="completed",
                    updated_at=now,
                    media_extended_audio_description=_link(
                        "media_extended_audio_descriptions", description["id"]
                    ),
                )
            return Response(body={"order": dict(order)})
