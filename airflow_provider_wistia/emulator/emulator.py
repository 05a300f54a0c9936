"""``WistiaEmulator``: the Python API of the local Wistia emulator.

Owns the store, the fault injector, the rate limiter, the request log and the HTTP
server thread. Tests and demos use it directly (``with WistiaEmulator() as emu:``);
another process can drive the same things through the admin HTTP API.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from .api import DataApi
from .common import BadRequestError, NotFoundError, RecordedRequest
from .faults import DEFAULT_RANDOM_KINDS, FaultInjector, RateLimiter
from .jobs import check_job_lifecycle
from .models import media_type_for
from .modern import ModernTrack
from .seed import seed_demo, seed_demo_extras, seed_medias
from .state import Store
from .webhooks import WebhookSender

REQUEST_LOG_SIZE = 100_000


class WistiaEmulator:
    """A local, in-process emulation of the Wistia v1 Data, Stats, Upload and oEmbed APIs."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        tokens: Iterable[str] = ("test-token",),
        rate_limit_per_minute: int = 600,
        rate_limit_window_seconds: float = 60.0,
        rate_limit_status: int = 429,
        polls_per_step: int = 1,
        account_name: str = "Emulated Account",
        newer_media_fields: bool = True,
    ) -> None:
        self.host = host
        self.port = port
        self.tokens: set[str] = set(tokens)
        self.rate_limit_status = rate_limit_status
        self.store = Store(account_name, polls_per_step)
        self.store.newer_media_fields = newer_media_fields
        self.api = DataApi(self.store)
        self.modern = ModernTrack(self.api)  # /modern: every release, on the same account state
        self.jobs = self.api.jobs  # background jobs: get(), script(), finish_all(), lifecycle
        self.catalog = self.api.catalog  # tags, subfolders, channels (create_channel), domains, tokens
        self.content = self.api.content  # captions, customizations, localizations, charges
        self.analytics = self.api.analytics  # visitors and events: add_visitor(), add_event()
        self.live = self.api.live  # live stream events (create_event) and their registrations
        self.webhooks = WebhookSender(self.store)
        self.store.media_listener = self.webhooks.on_media_event
        self.faults = FaultInjector()
        self.limiter = RateLimiter(rate_limit_per_minute, rate_limit_window_seconds)
        self._log: deque[RecordedRequest] = deque(maxlen=REQUEST_LOG_SIZE)
        # Called with each request as it is recorded (after it was processed, before it is
        # answered): lets a test change the account between two requests of a client.
        self.request_observers: list[Callable[[RecordedRequest], None]] = []
        self._counter_lock = threading.Lock()
        self._request_count = 0
        self._rate_limited_count = 0
        self.generation = 0  # bumped by reset: a request begun before it is not recorded
        self._server: Any = None
        self._thread: threading.Thread | None = None

    # -- lifecycle of the server -----------------------------------------------------------
    def start(self) -> WistiaEmulator:
        """Bind and serve in a background daemon thread (idempotent)."""
        if self._server is not None:
            return self
        from .server import EmulatorServer  # local import: server imports this module's type only

        self._server = EmulatorServer((self.host, self.port), self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"wistia-emulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        self.webhooks.stop()
        server.close_all_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> WistiaEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def base_url(self) -> str:
        if not self.port:
            raise RuntimeError("the emulator is not started yet (port 0 is chosen at start())")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/v1"

    @property
    def upload_url(self) -> str:
        return self.base_url + "/"

    @property
    def oembed_url(self) -> str:
        return self.base_url + "/oembed"

    # -- configuration ---------------------------------------------------------------------
    def configure(
        self,
        *,
        rate_limit_per_minute: int | None = None,
        rate_limit_status: int | None = None,
        rate_limit_window_seconds: float | None = None,
        polls_per_step: int | None = None,
        tokens: Iterable[str] | None = None,
        account_name: str | None = None,
        newer_media_fields: bool | None = None,
        job_lifecycle: list[str] | None = None,
        move_limit: int | None = None,
        move_window_seconds: float | None = None,
    ) -> None:
        """Change settings at run time. ``newer_media_fields=False`` drops the media ``tags`` and
        ``subfolder`` keys and the caption ``id``, for clients with strict parsers written before
        Wistia added them (wystia 1.2.2 in its default ``RAISE_ON_UNKNOWN_KEY`` mode).
        ``job_lifecycle`` is the statuses new background jobs go through (default queued, started,
        finished); ``move_limit``/``move_window_seconds`` set ``PUT /medias/move``'s own throttle
        (default 10 requests in 300 s)."""
        if job_lifecycle is not None:
            check_job_lifecycle(list(job_lifecycle))
            self.jobs.lifecycle = list(job_lifecycle)
        if move_limit is not None:
            self.jobs.move_limit = max(1, int(move_limit))
        if move_window_seconds is not None:
            self.jobs.move_window_seconds = float(move_window_seconds)
        if newer_media_fields is not None:
            self.store.newer_media_fields = bool(newer_media_fields)
        if rate_limit_status is not None:
            if int(rate_limit_status) not in (429, 503):
                raise ValueError("rate_limit_status must be 429 or 503")
            self.rate_limit_status = int(rate_limit_status)
        if rate_limit_per_minute is not None:
            self.limiter.limit = int(rate_limit_per_minute)
        if rate_limit_window_seconds is not None:
            self.limiter.window = float(rate_limit_window_seconds)
        if polls_per_step is not None:
            self.store.polls_per_step = max(1, int(polls_per_step))
        if tokens is not None:
            self.tokens = {tokens} if isinstance(tokens, str) else set(tokens)
        if account_name is not None:
            self.store.account_name = account_name

    def config(self) -> dict[str, Any]:
        return {
            "rate_limit_per_minute": self.limiter.limit,
            "rate_limit_window_seconds": self.limiter.window,
            "rate_limit_status": self.rate_limit_status,
            "polls_per_step": self.store.polls_per_step,
            "account_name": self.store.account_name,
            "newer_media_fields": self.store.newer_media_fields,
            "job_lifecycle": list(self.jobs.lifecycle),
            "move_limit": self.jobs.move_limit,
            "move_window_seconds": self.jobs.move_window_seconds,
            "token_count": len(self.tokens),
        }

    def reset(self) -> None:
        """Wipe all state, webhooks, faults, counters, the request log and its observers
        (configuration is kept). A request still being served is not recorded afterwards."""
        self.request_observers.clear()
        self.store.reset()
        self.webhooks.reset()
        self.faults.clear()
        self.faults.reset_counts()
        self.limiter.reset()
        with self._counter_lock:
            self.generation += 1
            self._log.clear()
            self._request_count = 0
            self._rate_limited_count = 0

    # -- data (Python API) -----------------------------------------------------------------
    def create_project(
        self,
        name: str,
        description: str | None = None,
        public: bool = False,
        *,
        anonymous_can_upload: bool = False,
        anonymous_can_download: bool = False,
        admin_email: str | None = None,
    ) -> dict[str, Any]:
        return self.store.create_project(
            name, description, public, anonymous_can_upload, anonymous_can_download, admin_email
        )

    def create_media(
        self,
        name: str,
        project_id: str | None = None,
        media_type: str | None = None,
        status: str = "ready",
        *,
        description: str = "",
        duration: float | None = None,
        archived: bool = False,
        file_size: int | None = None,
    ) -> dict[str, Any]:
        """Create a media directly (``project_id=None``: the ``Uploads_YYYY-MM-DD`` project).

        ``media_type`` defaults to the one implied by the name's extension (Video without one).
        A ``queued``/``processing`` media then advances on each ``GET /v1/medias/<id>``.
        """
        kind = media_type or media_type_for(name, default="Video")
        with self.store.lock:
            rec = self.store.add_media(
                name,
                project_id,
                kind,
                status,
                description=description,
                archived=archived,
                file_size=file_size,
                fixed_duration=duration,
            )
            return self.store.get_media(rec.hashed_id)

    def create_sharing(
        self,
        project_id: str,
        email: str,
        *,
        can_share: bool = False,
        can_download: bool = False,
        can_upload: bool = False,
        is_admin: bool = False,
        require_password: bool = True,
    ) -> dict[str, Any]:
        return self.store.create_sharing(
            project_id,
            email,
            can_share=can_share,
            can_download=can_download,
            can_upload=can_upload,
            is_admin=is_admin,
            require_password=require_password,
        )

    def seed_medias(self, count: int, project_id: str | None = None, non_video_every: int = 0) -> list[str]:
        """Create ``count`` ready medias fast; returns their hashed ids."""
        return seed_medias(self.store, count, project_id, non_video_every)

    def seed_demo(self) -> dict[str, Any]:
        """A small demo account (see :func:`seed.seed_demo` and :func:`seed.seed_demo_extras`):
        projects, medias, a sharing, captions, a customized player, tags, a subfolder, a channel,
        an allowed domain, visitors and viewing events. Returns the created ids."""
        ids = seed_demo(self.store)
        ids.update(seed_demo_extras(self.api, ids))
        return ids

    def register_webhook(self, url: str, secret: str, events: list[str] | None = None) -> dict[str, Any]:
        """POST signed media lifecycle events (default: all of them) to ``url``, as Wistia does."""
        return self.webhooks.register(url, secret, events)

    @staticmethod
    def _or_none(func: Any, *args: Any) -> Any:
        try:
            return func(*args)
        except NotFoundError:
            return None

    def get_project(self, hashed_id: str) -> dict[str, Any] | None:
        return self._or_none(self.store.get_project, hashed_id)

    def get_media(self, hashed_id: str) -> dict[str, Any] | None:
        """The media as ``GET /v1/medias/<id>`` shows it, without counting as a poll."""
        return self._or_none(self.store.get_media, hashed_id)

    def get_sharing(self, project_id: str, sharing_id: int) -> dict[str, Any] | None:
        return self._or_none(self.store.get_sharing, project_id, sharing_id)

    def list_projects(self) -> list[dict[str, Any]]:
        return self.store.list_projects()

    def list_medias(self, project_id: str | None = None) -> list[dict[str, Any]]:
        return self.store.list_medias(project_id=project_id)

    def list_sharings(self, project_id: str) -> list[dict[str, Any]]:
        return self.store.list_sharings(project_id)

    def set_media_status(self, hashed_id: str, status: str) -> None:
        """Put a media in ``status``; queued/processing ones then advance on reads as usual."""
        self.store.set_status(hashed_id, status)

    def script_media_lifecycle(self, hashed_id: str, statuses: list[str]) -> None:
        """Force the statuses a media goes through, one per ``polls_per_step`` reads; it stays
        on the last one (``["queued"]`` never finishes)."""
        self.store.script_lifecycle(hashed_id, list(statuses))

    def set_media_stats(
        self,
        hashed_id: str,
        *,
        plays: int | None = None,
        visitors: int | None = None,
        page_loads: int | None = None,
        average_percent_watched: int | None = None,
        percent_of_visitors_clicking_play: int | None = None,
        play_rate: float | None = None,
        engagement: float | None = None,
        hours_watched: float | None = None,
    ) -> None:
        """Override a media's statistics (both stats endpoints and the aggregates follow)."""
        self.store.set_stats(
            hashed_id,
            plays=plays,
            visitors=visitors,
            page_loads=page_loads,
            average_percent_watched=average_percent_watched,
            percent_of_visitors_clicking_play=percent_of_visitors_clicking_play,
            play_rate=play_rate,
            engagement=engagement,
            hours_watched=hours_watched,
        )

    def snapshot(self) -> dict[str, Any]:
        """Everything stored: projects, medias and sharings (keyed by project hashed id)."""
        with self.store.lock:
            projects = self.store.list_projects()
            return {
                "projects": projects,
                "medias": self.store.list_medias(),
                "sharings": {p["hashedId"]: self.store.list_sharings(p["hashedId"]) for p in projects},
            }

    def snapshot_v1_extras(self) -> dict[str, Any]:
        """The newer v1 state: captions and customizations (by media), tags, subfolders (by
        project), channels, episodes, allowed domains, background jobs, charges, and counts of
        visitors and events (served by ``GET /__emulator__/extras``)."""
        store, content, catalog = self.store, self.content, self.catalog
        with store.lock:
            return {
                "captions": {
                    hid: content.get_captions(hid) for hid in content.captions if content.captions[hid]
                },
                "customizations": {hid: dict(c) for hid, c in content.customizations.items()},
                "tags": catalog.list_tags(),
                "subfolders": {
                    p.hashed_id: list(p.subfolders.values()) for p in store.projects.values() if p.subfolders
                },
                "channels": [catalog.channel_json(c) for c in catalog.channels.values()],
                "channel_episodes": [catalog._public_episode(e) for e in catalog.episodes.values()],
                "allowed_domains": sorted(catalog.allowed_domains),
                "background_jobs": [dict(job.to_json(), kind=job.kind) for job in self.jobs.jobs.values()],
                "charges": [dict(charge) for charge in content.charges],
                "visitor_count": len(self.analytics.visitors),
                "event_count": len(self.analytics.events),
            }

    # -- faults ----------------------------------------------------------------------------
    def add_fault(
        self,
        kind: str,
        *,
        method: str | None = None,
        path: str | None = None,
        times: int = 1,
        status: int | None = None,
        retry_after: int | None = None,
        delay: float | None = None,
        query: str | None = None,
    ) -> None:
        """Script ``kind`` for the next ``times`` requests matching ``method`` / ``path`` (regex)
        and ``query`` (a regex searched in the raw query string, e.g. one media's hashed id)."""
        self.faults.add(
            kind,
            method=method,
            path=path,
            times=times,
            status=status,
            retry_after=retry_after,
            delay=delay,
            query=query,
        )

    def set_random_faults(
        self, rate: float, kinds: Iterable[str] = DEFAULT_RANDOM_KINDS, seed: int | None = None, **scope: Any
    ) -> None:
        """Fail each matching /v1 or upload request with probability ``rate`` (kind drawn from
        ``kinds``). ``scope`` may hold ``method``, ``path``, ``status``, ``retry_after``, ``delay``."""
        self.faults.set_random(rate, tuple(kinds), seed, **scope)

    def clear_faults(self) -> None:
        self.faults.clear()

    @property
    def faults_injected(self) -> dict[str, int]:
        with self.faults._lock:
            return dict(self.faults.counts)

    # -- request log and counters ----------------------------------------------------------
    def _count_request(self) -> None:
        with self._counter_lock:
            self._request_count += 1

    def _count_rate_limited(self) -> None:
        with self._counter_lock:
            self._rate_limited_count += 1

    def _record(self, request: RecordedRequest, generation: int | None = None) -> None:
        """Log ``request`` (begun in ``generation``: dropped if the emulator was reset since)."""
        with self._counter_lock:
            if generation is not None and generation != self.generation:
                return
            self._log.append(request)
        for observer in list(self.request_observers):
            observer(request)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Recorded requests, oldest first (the last 100,000)."""
        with self._counter_lock:
            return list(self._log)

    @property
    def request_count(self) -> int:
        return self._request_count

    @property
    def rate_limited_count(self) -> int:
        return self._rate_limited_count

    def max_requests_in_any_window(self) -> int:
        """The most requests admitted for one token within any sliding rate-limit window."""
        return self.limiter.max_in_window

    def stats(self) -> dict[str, Any]:
        return {
            "request_count": self.request_count,
            "rate_limited_count": self.rate_limited_count,
            "faults_injected": self.faults_injected,
            "max_requests_in_any_window": self.max_requests_in_any_window(),
        }


__all__ = ["BadRequestError", "NotFoundError", "WistiaEmulator"]
