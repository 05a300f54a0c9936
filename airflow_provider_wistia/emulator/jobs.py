"""Background jobs and the bulk media endpoints that start them (archive, restore, move, swap, trims).

A job goes ``queued -> started -> finished`` (or ``failed``), one step every
``polls_per_step`` reads of ``GET /v1/background_job_status/<id>``, and its effect is applied
to the store when it reaches ``finished`` (a failed job changes nothing). ``PUT /medias/move``
has its own throttle, as Wistia documents: 10 requests in 5 minutes, answered 429 beyond.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .common import TEXT_TYPE, ApiError, NotFoundError, Response, media_not_found, numeric_id
from .models import MediaRec, ProjectRec
from .state import Store

JOB_STATUSES = ("queued", "started", "finished", "failed")
DEFAULT_JOB_LIFECYCLE = ("queued", "started", "finished")
MAX_BULK = 100
_TRIM = re.compile(r"^(\d{2}):([0-5]\d):([0-5]\d)\.(\d{3})-(\d{2}):([0-5]\d):([0-5]\d)\.(\d{3})$")


@dataclass
class JobRec:
    id: int
    kind: str
    lifecycle: list[str]
    effect: Callable[[], None] | None = None
    step: int = 0
    polls: int = 0
    created: float = field(default_factory=time.time)

    @property
    def status(self) -> str:
        return self.lifecycle[self.step]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status}


class JobsApi:
    """Background job state and the routes that create and report jobs."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.lifecycle: list[str] = list(DEFAULT_JOB_LIFECYCLE)
        self.move_limit = 10
        self.move_window_seconds = 300.0
        store.on_reset(self.reset)

    def reset(self) -> None:
        self.jobs: dict[int, JobRec] = {}
        self.move_times: deque[float] = deque()
        self.max_moves_in_window = 0

    def routes(self) -> list[tuple[str, dict[str, Callable[..., Response]]]]:
        return [
            (r"background_job_status/(\d+)", {"GET": self.job_show}),
            (r"medias/archive", {"PUT": self.archive}),
            (r"medias/restore", {"PUT": self.restore}),
            (r"medias/move", {"PUT": self.move}),
            (r"medias/([^/]+)/swap", {"PUT": self.swap}),
            (r"medias/([^/]+)/trims", {"POST": self.trims}),
        ]

    # -- jobs (Python API too) ---------------------------------------------------------------
    def start(self, kind: str, effect: Callable[[], None] | None) -> JobRec:
        """Queue a job whose ``effect`` runs when it finishes."""
        with self.store.lock:
            job = JobRec(self.store._new_id("background_job"), kind, list(self.lifecycle), effect)
            self.jobs[job.id] = job
            return job

    def job(self, job_id: int | str) -> JobRec:
        number = numeric_id(job_id)
        job = self.jobs.get(number) if number is not None else None
        if job is None:
            raise NotFoundError(None)  # Wistia answers an unknown job with an empty 404
        return job

    def poll(self, job_id: int | str) -> dict[str, Any]:
        """One read of the job: advance it a step (every ``polls_per_step`` reads)."""
        with self.store.lock:
            job = self.job(job_id)
            if job.step < len(job.lifecycle) - 1:
                job.polls += 1
                if job.polls >= max(1, self.store.polls_per_step):
                    job.polls = 0
                    job.step += 1
                    if job.status == "finished" and job.effect is not None:
                        job.effect()
            return job.to_json()

    def get(self, job_id: int | str) -> dict[str, Any] | None:
        """The job's JSON without counting as a poll (None if unknown)."""
        with self.store.lock:
            job = self.jobs.get(int(job_id))
            return None if job is None else job.to_json()

    def script(self, job_id: int | str, statuses: list[str]) -> None:
        """Force the statuses a job goes through from now on (e.g. ``["started", "failed"]``)."""
        check_job_lifecycle(statuses)
        with self.store.lock:
            job = self.job(job_id)
            job.lifecycle, job.step, job.polls = list(statuses), 0, 0
            if job.status == "finished" and job.effect is not None:
                job.effect()

    def finish_all(self) -> None:
        """Run every unfinished job to the end of its lifecycle (as if Wistia's workers caught up)."""
        with self.store.lock:
            for job in self.jobs.values():
                while job.step < len(job.lifecycle) - 1:
                    self.poll(job.id)

    def job_show(self, call: Any, job_id: str) -> Response:
        return Response(body={"background_job_status": self.poll(job_id)}, xml_root="hash")

    # -- helpers ---------------------------------------------------------------------------
    def _hashed_ids(self, call: Any) -> list[str]:
        ids = call.params.get_list("hashed_ids")
        if not ids:
            raise ApiError(422, {"error": "param is missing or the value is empty: hashed_ids"})
        return list(dict.fromkeys(ids))

    def _move_to(self, rec: MediaRec, project: ProjectRec, subfolder_hid: str | None) -> None:
        old = self.store.projects.get(rec.project_hid)
        if old is not None and old is not project:
            old.medias.pop(rec.hashed_id, None)
        if rec.project_hid != project.hashed_id:
            rec.position = len(project.medias)
        project.medias[rec.hashed_id] = None
        rec.project_hid = project.hashed_id
        rec.subfolder_hid = subfolder_hid
        rec.updated = time.time()

    def _effect(self, hids: list[str], change: Callable[[MediaRec], None]) -> Callable[[], None]:
        def run() -> None:
            for hid in hids:
                rec = self.store.medias.get(hid)
                if rec is not None:  # deleted meanwhile: nothing to do
                    change(rec)

        return run

    # -- bulk endpoints --------------------------------------------------------------------
    def archive(self, call: Any) -> Response:
        hids = self._hashed_ids(call)
        if len(hids) > MAX_BULK:
            raise ApiError(422, {"error": f"You can only archive {MAX_BULK} or less media at one time."})
        with self.store.lock:
            for hid in hids:
                self.store.media(hid)

            def archive(rec: MediaRec) -> None:
                rec.archived, rec.updated = True, time.time()

            job = self.start("archive", self._effect(hids, archive))
        message = f"Archiving {len(hids)} media has been queued."
        return Response(body={"message": message, "background_job_status": job.to_json()}, xml_root="hash")

    def restore(self, call: Any) -> Response:
        hids = self._hashed_ids(call)
        project_ids = call.params.get_list("project_id")
        if len(project_ids) != 1:
            raise ApiError(422, {"error": "Incorrect number of parameters provided. Provide one project_id."})
        if len(hids) > MAX_BULK:
            raise ApiError(422, {"error": f"You can only restore {MAX_BULK} or less media at one time."})
        with self.store.lock:
            project = self.store.project(project_ids[0])
            for hid in hids:
                self.store.media(hid)

            def restore(rec: MediaRec) -> None:
                rec.archived = False
                self._move_to(rec, project, None)

            job = self.start("restore", self._effect(hids, restore))
            container = {"type": "Project", "name": project.name, "hashedId": project.hashed_id}
        body = {
            "message": f"Restoring {len(hids)} media has been queued.",
            "container": container,
            "background_job_status": job.to_json(),
        }
        return Response(body=body, xml_root="hash")

    def _move_throttled(self) -> Response | None:
        now = time.monotonic()
        while self.move_times and self.move_times[0] <= now - self.move_window_seconds:
            self.move_times.popleft()
        if len(self.move_times) >= self.move_limit:
            retry = max(1, int(self.move_times[0] + self.move_window_seconds - now + 0.999))
            return Response(
                429, raw=b"Rate limit exceeded", content_type=TEXT_TYPE, headers={"Retry-After": str(retry)}
            )
        self.move_times.append(now)
        self.max_moves_in_window = max(self.max_moves_in_window, len(self.move_times))
        return None

    def move(self, call: Any) -> Response:
        with self.store.lock:
            throttled = self._move_throttled()
            if throttled is not None:
                return throttled
            hids = self._hashed_ids(call)
            if len(hids) > MAX_BULK:
                raise ApiError(400, {"error": "You can only request to move 100 or less media at one time."})
            project_id = call.params.get_str("project_id")
            if not project_id:
                raise ApiError(400, {"error": "param is missing or the value is empty: project_id"})
            project = self.store.project(project_id)
            subfolder_hid = call.params.get_str("subfolder_id") or None
            if subfolder_hid is not None and subfolder_hid not in project.subfolders:
                raise NotFoundError(f"Subfolder with ID '{subfolder_hid}' not found in this project.")
            found = [h for h in hids if h in self.store.medias]
            errors = [{"media_id": h, "error": "Media not found"} for h in hids if h not in self.store.medias]
            if not found:
                raise media_not_found(hids[0])
            job = self.start(
                "move", self._effect(found, lambda rec: self._move_to(rec, project, subfolder_hid))
            )
        body: dict[str, Any] = {
            "message": f"Moving {len(found)} media has been queued.",
            "background_job_status": job.to_json(),
        }
        if errors:
            body["partial_errors"] = errors
            return Response(207, body, xml_root="hash")
        return Response(body=body, xml_root="hash")

    def swap(self, call: Any, hid: str) -> Response:
        replacement_hid = call.params.get_str("replacement_media_id")
        with self.store.lock:
            original = self.store.media(hid)
            if not replacement_hid:
                raise ApiError(400, {"error": "param is missing or the value is empty: replacement_media_id"})
            replacement = self.store.media(replacement_hid)
            if replacement.type != original.type:
                message = f"Replacement media must be the same type as the original media ({original.type})."
                raise ApiError(400, {"error": message})

            def swap(rec: MediaRec) -> None:
                source = self.store.medias.get(replacement_hid)
                if source is None:
                    return
                rec.file_size = source.original_size()
                rec.fixed_duration = source.fixed_duration or source.natural_duration()
                rec.still_hid = source.still_hid
                rec.updated = time.time()

            job = self.start("swap", self._effect([hid], swap))
            body = {
                "message": "Media swap has been queued for processing.",
                "media": original.basic_json(),
                "background_job_status": job.to_json(),
            }
        return Response(body=body, xml_root="hash")

    def trims(self, call: Any, hid: str) -> Response:
        trims = call.params.get_list("trims")
        with self.store.lock:
            source = self.store.media(hid)
            duration = source.duration or 0.0
            cut = 0.0
            problems = []
            for trim in trims:
                match = _TRIM.match(trim)
                if match is None:
                    problems.append(f"'{trim}' is not formatted HH:MM:SS.mmm-HH:MM:SS.mmm")
                    continue
                h1, m1, s1, ms1, h2, m2, s2, ms2 = (int(g) for g in match.groups())
                start = h1 * 3600 + m1 * 60 + s1 + ms1 / 1000
                end = h2 * 3600 + m2 * 60 + s2 + ms2 / 1000
                if end <= start or end > duration + 0.001:
                    problems.append(f"'{trim}' is not a range within the media's {duration:.3f} s")
                cut += max(0.0, end - start)
            if not trims:
                problems.append("can't be blank")
            if source.type not in ("Video", "Audio"):
                problems.append(f"a {source.type} media cannot be trimmed")
            if problems:
                raise ApiError(422, {"errors": {"trims": problems}})
            project = self.store.projects[source.project_hid]
            kept = round(max(0.001, duration - cut), 3)

            def trim(rec: MediaRec) -> None:
                name = f"{rec.name} (trimmed)"
                new = self.store._add_media(name, project, rec.type, "ready", rec.description)
                new.fixed_duration = kept

            job = self.start("trim", self._effect([hid], trim))
        return Response(body={"background_job_status": job.to_json()}, xml_root="hash")


def check_job_lifecycle(statuses: list[str]) -> None:
    bad = [s for s in statuses if s not in JOB_STATUSES]
    if not statuses or bad:
        message = f"Invalid job lifecycle {statuses!r}; use statuses from {JOB_STATUSES}."
        raise ApiError(400, {"error": message})
