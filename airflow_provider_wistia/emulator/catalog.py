"""Account-level v1 endpoints: tags, project subfolders, channels and episodes, search,
allowed domains and expiring access tokens.

Shapes follow Wistia's v1 OpenAPI (``Tag``, ``Subfolder``, ``Channel``, ``ChannelEpisode``,
``AllowedDomain``...). Channels cannot be created through v1, so the Python API
(:meth:`CatalogApi.create_channel`) and the demo seed make them.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .common import ApiError, BadRequestError, NotFoundError, Paging, Response, iso, paging
from .state import Store

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_PUBLISH_STATUSES = ("draft", "published", "scheduled")


def _sorted(
    items: list[dict[str, Any]], call: Any, default: str, keys: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Sort JSON items by ``sort_by`` (one of ``keys``) and ``sort_direction`` (0 = descending)."""
    sort_by = call.params.get_str("sort_by") or default
    if sort_by not in keys:
        sort_by = default
    descending = (call.params.get_str("sort_direction") or "1").strip() == "0"
    return sorted(items, key=lambda item: (item.get(sort_by) is None, item.get(sort_by)), reverse=descending)


def _page(items: list[dict[str, Any]], call: Any) -> list[dict[str, Any]]:
    page: Paging = paging(call.params)
    return page.slice(items)


def _missing(name: str) -> BadRequestError:
    return BadRequestError({"error": f"param is missing or the value is empty: {name}"})


@dataclass
class TagRec:
    name: str
    created: float
    updated: float


class CatalogApi:
    """State and routes of the account-level endpoint groups."""

    def __init__(self, store: Store) -> None:
        self.store = store
        store.on_reset(self.reset)

    def reset(self) -> None:
        self.tags: dict[str, TagRec] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.episodes: dict[str, dict[str, Any]] = {}
        self.allowed_domains: dict[str, str] = {}
        self.expiring_tokens: list[dict[str, Any]] = []

    def routes(self) -> list[tuple[str, dict[str, Callable[..., Response]]]]:
        return [
            (r"tags", {"GET": self.tags_list, "POST": self.tag_create}),
            (r"tags/([^/]+)", {"DELETE": self.tag_delete}),
            (r"projects/([^/]+)/subfolders", {"GET": self.subfolders_list, "POST": self.subfolder_create}),
            (
                r"projects/([^/]+)/subfolders/([^/]+)",
                {"GET": self.subfolder_show, "PUT": self.subfolder_update, "DELETE": self.subfolder_delete},
            ),
            (r"channels", {"GET": self.channels_list}),
            (r"channels/([^/]+)", {"GET": self.channel_show}),
            (r"channels/([^/]+)/channel_episodes", {"GET": self.episodes_list, "POST": self.episode_create}),
            (r"channels/([^/]+)/channel_episodes/([^/]+)", {"GET": self.episode_show}),
            (r"channel_episodes", {"GET": self.episodes_list_all}),
            (r"search", {"GET": self.search}),
            (r"allowed_domains", {"GET": self.domains_list, "POST": self.domain_create}),
            (r"allowed_domains/([^/]+)", {"GET": self.domain_show, "DELETE": self.domain_delete}),
            (r"expiring_token", {"POST": self.expiring_token}),
        ]

    def _new_record(self, kind: str, hid_key: str) -> dict[str, Any]:
        """The fields every created record starts with: numeric id, hashed id, timestamps."""
        now = iso(time.time())
        return {
            "id": self.store._new_id(kind),
            hid_key: self.store._new_hid(),
            "created": now,
            "updated": now,
        }

    # -- tags ----------------------------------------------------------------------------------
    def ensure_tags(self, names: list[str]) -> None:
        now = time.time()
        with self.store.lock:
            for name in names:
                self.tags.setdefault(name, TagRec(name, now, now))

    def tag_json(self, tag: TagRec) -> dict[str, Any]:
        count = sum(1 for m in self.store.medias.values() if tag.name in m.tags)
        return {
            "name": tag.name,
            "taggingsCount": count,
            "created": iso(tag.created),
            "updated": iso(tag.updated),
        }

    def list_tags(self) -> list[dict[str, Any]]:
        with self.store.lock:
            return [self.tag_json(t) for t in self.tags.values()]

    def tags_list(self, call: Any) -> Response:
        items = _sorted(self.list_tags(), call, "name", ("name", "created", "updated", "taggingsCount"))
        return Response(body=_page(items, call), xml_root="tags")

    def tag_create(self, call: Any) -> Response:
        name = (call.params.get_str("name", "tag[name]") or "").strip()
        if not name:
            raise _missing("name")
        with self.store.lock:
            if name in self.tags:
                raise ApiError(422, {"error": "Validation failed: Name has already been taken"})
            self.ensure_tags([name])
            return Response(body=self.tag_json(self.tags[name]), xml_root="tag")

    def tag_delete(self, call: Any, name: str) -> Response:
        with self.store.lock:
            if self.tags.pop(name, None) is None:
                raise NotFoundError(None)
            for media in self.store.medias.values():
                if name in media.tags:
                    media.tags.remove(name)
        return Response()

    # -- subfolders ----------------------------------------------------------------------------
    def _subfolder(self, project_id: str, subfolder_id: str) -> dict[str, Any]:
        project = self.store.projects.get(project_id)
        if project is None:
            raise NotFoundError(f"Project with ID {project_id} not found.")
        subfolder = project.subfolders.get(subfolder_id)
        if subfolder is None:
            raise NotFoundError(f"Subfolder with ID {subfolder_id} not found.")
        return subfolder

    def subfolders_list(self, call: Any, project_id: str) -> Response:
        with self.store.lock:
            project = self.store.projects.get(project_id)
            if project is None:
                raise NotFoundError(f"Project with ID {project_id} not found.")
            items = [dict(s) for s in project.subfolders.values()]
        items = _sorted(items, call, "position", ("name", "created", "updated", "position", "id"))
        return Response(body=_page(items, call), xml_root="subfolders")

    def create_subfolder(self, project_id: str, name: str, description: str | None = None) -> dict[str, Any]:
        """Python API and ``POST /projects/<id>/subfolders``: the new subfolder's JSON."""
        if not name or not str(name).strip():
            raise _missing("name")
        with self.store.lock:
            project = self.store.projects.get(project_id)
            if project is None:
                raise NotFoundError(f"Project with ID {project_id} not found.")
            positions = [s["position"] for s in project.subfolders.values()]
            subfolder = self._new_record("subfolder", "hashed_id")
            subfolder.update(name=str(name), description=description, position=max(positions, default=-1) + 1)
            project.subfolders[subfolder["hashed_id"]] = subfolder
            return dict(subfolder)

    def subfolder_create(self, call: Any, project_id: str) -> Response:
        p = call.params
        body = self.create_subfolder(
            project_id,
            p.get_str("name", "subfolder[name]") or "",
            p.get_str("description", "subfolder[description]"),
        )
        return Response(201, body, xml_root="subfolder")

    def subfolder_show(self, call: Any, project_id: str, subfolder_id: str) -> Response:
        with self.store.lock:
            out = dict(self._subfolder(project_id, subfolder_id))
            medias = [m for m in self.store.medias.values() if m.subfolder_hid == subfolder_id]
            out["medias"] = [m.basic_json() for m in medias if m.project_hid == project_id]
        return Response(body=out, xml_root="subfolder")

    def subfolder_update(self, call: Any, project_id: str, subfolder_id: str) -> Response:
        p = call.params
        with self.store.lock:
            subfolder = self._subfolder(project_id, subfolder_id)
            name = p.get_str("name", "subfolder[name]")
            if name is not None:
                if not name.strip():
                    raise _missing("name")
                subfolder["name"] = name
            if "description" in p or "subfolder[description]" in p:
                subfolder["description"] = p.get_str("description", "subfolder[description]")
            elif isinstance(call.json_body, dict) and call.json_body.get("description", "") is None:
                subfolder["description"] = None
            subfolder["updated"] = iso(time.time())
            return Response(body=dict(subfolder), xml_root="subfolder")

    def subfolder_delete(self, call: Any, project_id: str, subfolder_id: str) -> Response:
        with self.store.lock:
            subfolder = self._subfolder(project_id, subfolder_id)
            del self.store.projects[project_id].subfolders[subfolder_id]
            for media in self.store.medias.values():
                if media.subfolder_hid == subfolder_id:
                    media.subfolder_hid = None  # its medias move to the project's root
        return Response(body=dict(subfolder), xml_root="subfolder")

    # -- channels and episodes -----------------------------------------------------------------
    def create_channel(self, name: str, description: str = "") -> dict[str, Any]:
        """Python API (v1 has no endpoint to create a channel): the new channel's JSON."""
        with self.store.lock:
            channel = self._new_record("channel", "hashedId")
            channel.update(name=name, description=description)
            self.channels[channel["hashedId"]] = channel
            return self.channel_json(channel)

    def channel_json(self, channel: dict[str, Any]) -> dict[str, Any]:
        count = sum(1 for e in self.episodes.values() if e["channelHashedId"] == channel["hashedId"])
        return {**channel, "mediaCount": count}

    def _channel(self, hid: str) -> dict[str, Any]:
        channel = self.channels.get(hid)
        if channel is None:
            raise NotFoundError(f"Channel with ID '{hid}' not found.")
        return channel

    def channels_list(self, call: Any) -> Response:
        wanted = set(call.params.get_list("hashed_ids"))
        with self.store.lock:
            items = [
                self.channel_json(c) for c in self.channels.values() if not wanted or c["hashedId"] in wanted
            ]
        items = _sorted(items, call, "id", ("created", "id", "updated", "name"))
        return Response(body=_page(items, call), xml_root="channels")

    def channel_show(self, call: Any, hid: str) -> Response:
        with self.store.lock:
            return Response(body=self.channel_json(self._channel(hid)), xml_root="channel")

    def _episodes(self, call: Any, channel_hid: str | None) -> Response:
        p = call.params
        published = p.get_bool("published")
        with self.store.lock:
            items = [
                dict(e)
                for e in self.episodes.values()
                if (channel_hid is None or e["channelHashedId"] == channel_hid)
                and (not p.get_str("media_id") or e["mediaHashedId"] == p.get_str("media_id"))
                and (not p.get_str("hashed_id") or e["hashedId"] == p.get_str("hashed_id"))
                and (not p.get_str("title") or e["title"] == p.get_str("title"))
                and (published is None or e["published"] == published)
            ]
        items = _sorted(items, call, "id", ("created", "id", "updated", "title"))
        return Response(
            body=_page([self._public_episode(e) for e in items], call), xml_root="channel_episodes"
        )

    @staticmethod
    def _public_episode(episode: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in episode.items() if k != "id" and not (k == "publish_at" and v is None)}

    def episodes_list(self, call: Any, channel_hid: str) -> Response:
        with self.store.lock:
            self._channel(channel_hid)
        return self._episodes(call, channel_hid)

    def episodes_list_all(self, call: Any) -> Response:
        return self._episodes(call, call.params.get_str("channel_id") or None)

    def episode_show(self, call: Any, channel_hid: str, episode_hid: str) -> Response:
        with self.store.lock:
            self._channel(channel_hid)
            episode = self.episodes.get(episode_hid)
            if episode is None or episode["channelHashedId"] != channel_hid:
                raise NotFoundError(f"Channel episode with ID '{episode_hid}' not found.")
            return Response(body=self._public_episode(episode), xml_root="channel_episode")

    def create_channel_episode(
        self,
        channel_hid: str,
        media_hid: str | None,
        *,
        title: str | None = None,
        description: str | None = None,
        summary: str | None = None,
        publish_status: str | None = None,
        publish_at: str | None = None,
    ) -> dict[str, Any]:
        """Python API and ``POST /channels/<id>/channel_episodes``: the new episode's JSON."""
        status = publish_status or "draft"
        if not media_hid:
            raise _missing("media_id")
        if status not in _PUBLISH_STATUSES:
            raise BadRequestError({"error": f"publish_status must be one of {', '.join(_PUBLISH_STATUSES)}."})
        if (status == "scheduled") != bool(publish_at):
            message = "publish_at is required when, and only when, publish_status is scheduled."
            raise BadRequestError({"error": message})
        with self.store.lock:
            self._channel(channel_hid)
            media = self.store.medias.get(media_hid)
            if media is None:
                raise BadRequestError({"error": f"Media with hashed ID '{media_hid}' not found."})
            episode = self._new_record("channel_episode", "hashedId")
            episode.update(
                channelHashedId=channel_hid,
                mediaHashedId=media_hid,
                title=title or media.name,
                description=description or "",
                summary=summary or "",
                published=status == "published",
                publish_at=publish_at,
            )
            self.episodes[episode["hashedId"]] = episode
            return self._public_episode(episode)

    def episode_create(self, call: Any, channel_hid: str) -> Response:
        p = call.params
        body = self.create_channel_episode(
            channel_hid,
            p.get_str("media_id"),
            title=p.get_str("title"),
            description=p.get_str("description"),
            summary=p.get_str("summary"),
            publish_status=p.get_str("publish_status"),
            publish_at=p.get_str("publish_at"),
        )
        return Response(body=body, xml_root="channel_episode")

    # -- search --------------------------------------------------------------------------------
    def search(self, call: Any) -> Response:
        query = (call.params.get_str("q") or "").strip().lower()
        if not query:
            raise BadRequestError(
                {"error": 'the "q" parameter should specify the search query, e.g. "q=screencast"'}
            )

        def hit(*texts: Any) -> bool:
            return any(query in str(text or "").lower() for text in texts)

        with self.store.lock:
            projects = [p.to_json() for p in self.store.projects.values() if hit(p.name, p.description)]
            medias = [
                {**m.basic_json(), "projectHashedId": m.project_hid}
                for m in self.store.medias.values()
                if hit(m.name, m.description)
            ]
            channels = [
                self.channel_json(c) for c in self.channels.values() if hit(c["name"], c["description"])
            ]
            episodes = [
                {k: v for k, v in e.items() if k != "publish_at" or v is not None}
                for e in self.episodes.values()
                if hit(e["title"], e["description"], e["summary"])
            ]
        body = {
            "data": {
                "projects": projects,
                "medias": medias,
                "channels": channels,
                "channelEpisodes": episodes,
            }
        }
        return Response(body=body, xml_root="search")

    # -- allowed domains -----------------------------------------------------------------------
    def domains_list(self, call: Any) -> Response:
        with self.store.lock:
            items = [{"domain": d, "created_at": c} for d, c in self.allowed_domains.items()]
        return Response(body=_page(items, call), xml_root="allowed_domains")

    def domain_create(self, call: Any) -> Response:
        raw = (call.params.get_str("domain", "allowed_domain[domain]") or "").strip().lower()
        domain = raw[4:] if raw.startswith("www.") else raw
        if not raw:
            raise _missing("domain")
        if not _DOMAIN.match(domain):
            message = "The domain's format doesn't look correct. It should be formatted like \"mydomain.com\""
            raise BadRequestError({"error": message})
        with self.store.lock:
            created = self.allowed_domains.setdefault(domain, iso(time.time()))  # existing: 200 as well
        return Response(body={"domain": domain, "created_at": created}, xml_root="allowed_domain")

    def _domain(self, domain: str) -> str:
        created = self.allowed_domains.get(domain.lower())
        if created is None:
            raise NotFoundError("domain was not found")
        return created

    def domain_show(self, call: Any, domain: str) -> Response:
        with self.store.lock:
            return Response(body={"domain": domain.lower(), "created_at": self._domain(domain)})

    def domain_delete(self, call: Any, domain: str) -> Response:
        with self.store.lock:
            created = self._domain(domain)
            del self.allowed_domains[domain.lower()]
        return Response(body={"domain": domain.lower(), "created_at": created}, xml_root="allowed_domain")

    # -- expiring access tokens ----------------------------------------------------------------
    def expiring_token(self, call: Any) -> Response:
        body = call.json_body if isinstance(call.json_body, dict) else {}
        spec = body.get("expiring_access_token") or {}
        if not isinstance(spec, dict):
            raise ApiError(422, {"errors": {"expiring_access_token": ["must be an object"]}})
        expires_at = spec.get("expires_at")
        if expires_at is not None and not re.match(
            r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?", str(expires_at)
        ):
            raise ApiError(422, {"errors": {"expires_at": ["must be an ISO8601 timestamp"]}})
        problems = []
        for auth in spec.get("authorizations") or []:
            if not isinstance(auth, dict) or auth.get("type") != "media":
                problems.append("only media authorizations are supported")
            elif auth.get("id") not in self.store.medias:
                problems.append(f"media '{auth.get('id')}' not found")
        if problems:
            raise ApiError(422, {"errors": {"authorizations": problems}})
        token = secrets.token_hex(32)
        with self.store.lock:
            expires = expires_at or iso(time.time() + 2 * 86_400)  # Wistia's default: two days
            self.expiring_tokens.append({"token": token, "expires_at": expires, **spec})
        return Response(body={"token": token}, xml_root="hash")
