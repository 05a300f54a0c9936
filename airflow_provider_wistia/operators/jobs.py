"""Operators that start Wistia background jobs: archive, restore and move medias in bulk,
swap a media's file, trim a video. Each waits for its job(s) to finish, in the worker or
deferred to the triggerer; a failed job raises :class:`WistiaJobFailedError` and a wait
longer than ``timeout`` ``AirflowSensorTimeout`` (neither is retried). The job(s) are
recorded right after the request that started them, so a retry of the task instance waits
on them instead of starting them again."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from airflow_provider_wistia._compat import AirflowSensorTimeout, default_deferrable
from airflow_provider_wistia.exceptions import (
    WistiaConfigError,
    WistiaError,
    WistiaJobFailedError,
    WistiaNotFoundError,
)
from airflow_provider_wistia.hooks.wistia import WistiaHook
from airflow_provider_wistia.operators.base import (
    WistiaLinkedOperator,
    WistiaMediaOperator,
    WistiaResumableOperator,
    blank_to_none,
)
from airflow_provider_wistia.triggers.conditions import TRANSIENT_ERRORS, result_from_event
from airflow_provider_wistia.triggers.jobs import (
    JOB_FAILED,
    WistiaBackgroundJobTrigger,
    check_background_job,
    job_ids_in,
    with_final_jobs,
)
from airflow_provider_wistia.validation import parse_id_list, require_id

# The scheduler's deferral timeout is a backstop behind the trigger's own end_time.
DEFER_TIMEOUT_MARGIN = timedelta(seconds=60)
# The XCom that carries a deferred wait's state (the call's answer, jobs pending and finished).
WAIT_STATE_KEY = "wistia_job_wait"


class WistiaJobOperator(WistiaResumableOperator):
    """Base of the operators whose call starts background jobs: ``finish`` waits for each.

    For a linked operator, list it before :class:`WistiaLinkedOperator` (or a subclass) in the bases.

    Waits in the worker (polling every ``poll_interval``) or, with ``deferrable``, in
    :class:`WistiaBackgroundJobTrigger`, one job after the other (a bulk request of more than
    100 medias starts one job per 100). Returns the call's answer with each job replaced by
    its final state. Transient errors while polling are retried; a ``failed`` job raises
    :class:`WistiaJobFailedError`; ``timeout`` seconds without all jobs finished raise
    ``AirflowSensorTimeout``, in the worker and in deferrable mode alike (neither is retried).

    The call's answer is recorded right after it (:class:`WistiaResumableOperator`): a retry
    of the task instance waits on the recorded job(s) instead of starting them again, unless
    one failed or is gone (then the call is made again). The record is removed once the task
    instance ends for good.
    """

    record_key = "wistia_started_jobs"

    def __init__(
        self,
        *,
        wait_for_completion: bool = True,
        deferrable: bool = default_deferrable(),
        poll_interval: float = 10.0,
        timeout: float = 3600.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not poll_interval > 0 or not timeout > 0:
            raise WistiaConfigError(
                f"poll_interval and timeout must be positive, got {poll_interval!r} and {timeout!r}."
            )
        self.wait_for_completion = wait_for_completion
        self.deferrable = deferrable
        self.poll_interval = poll_interval
        self.timeout = timeout

    def to_record(self, result: Any) -> Any:
        return result if job_ids_in(result) else None

    def resume(self, recorded: Any) -> Any:
        """The answer an earlier try recorded, unless one of its jobs failed or is gone."""
        for job_id in job_ids_in(recorded):
            try:
                status = str(self.hook.get_background_job(job_id).get("status", "")).lower()
            except WistiaNotFoundError:
                status = "gone"
            except TRANSIENT_ERRORS as exc:
                self.log.warning("Could not read job %s yet (%s); waiting on it.", job_id, exc)
                continue
            if status in (JOB_FAILED, "gone"):
                self.log.warning(
                    "Job %s, started by an earlier try of this task, is %s: starting the work again.",
                    job_id,
                    status,
                )
                return None
        self.log.info(
            "Job(s) %s were started by an earlier try of this task: waiting on them.", job_ids_in(recorded)
        )
        return recorded

    def finish(self, context: Any, result: Any) -> Any:
        if not self.wait_for_completion:
            return result
        job_ids = job_ids_in(result)
        if not job_ids:
            self.log.warning("Wistia's answer names no background job, so there is nothing to wait for.")
            return result
        wait = {"result": result, "pending": job_ids, "finals": [], "end_time": time.time() + self.timeout}
        return self.wait_for_jobs(context, wait)

    def wait_for_jobs(self, context: Any, wait: dict[str, Any]) -> Any:
        """Wait for every pending job of ``wait`` (``{"result", "pending", "finals", "end_time"}``).

        Deferrable: defers on the first pending job. What the resumed task needs is kept in an
        XCom (:data:`WAIT_STATE_KEY`), not in the deferral's kwargs, which ``dag.test()`` drops.
        """
        pending, finals, end_time = list(wait["pending"]), list(wait["finals"]), float(wait["end_time"])
        if self.deferrable:
            context["ti"].xcom_push(key=WAIT_STATE_KEY, value=wait)
            self.defer(
                trigger=WistiaBackgroundJobTrigger(
                    pending[0],
                    wistia_conn_id=self.wistia_conn_id,
                    poll_interval=self.poll_interval,
                    end_time=end_time,
                ),
                method_name="execute_complete",
                timeout=timedelta(seconds=max(end_time - time.time(), 0)) + DEFER_TIMEOUT_MARGIN,
            )
        for job_id in pending:
            finals.append(self.poll_job(job_id, end_time))
        return with_final_jobs(wait["result"], {job["id"]: job for job in finals})

    def poll_job(self, job_id: int, end_time: float) -> dict[str, Any]:
        """Poll one job in the worker until it is finished; raise if it fails or time runs out."""
        log = self.log
        message = "no successful read yet"
        while True:
            try:
                outcome = check_background_job(self.hook, job_id)
            except TRANSIENT_ERRORS as exc:
                log.warning("Transient Wistia error; reading job %s again later: %s", job_id, exc)
            else:
                message = outcome.message
                if outcome.done:
                    log.info("%s", message)
                    return dict(outcome.value)
                if outcome.failed:
                    raise WistiaJobFailedError(message)
            left = end_time - time.time()
            if left <= 0:
                raise AirflowSensorTimeout(f"{message} Gave up after timeout={self.timeout:g} s.")
            log.info("%s Next check in %g s.", message, min(self.poll_interval, left))
            time.sleep(min(self.poll_interval, left))

    def execute_complete(self, context: Any, event: dict[str, Any], **_: Any) -> Any:
        """Resume after the trigger: wait for the next job, or return the answer."""
        with self.kept_until_final(context):
            job = result_from_event(event, WistiaBackgroundJobTrigger.object_key, WistiaJobFailedError)
            self.log.info("%s", event.get("message"))
            ti = context["ti"]
            wait = ti.xcom_pull(task_ids=ti.task_id, key=WAIT_STATE_KEY, map_indexes=ti.map_index)
            if not isinstance(wait, dict):
                raise WistiaError(f"The state of the wait ({WAIT_STATE_KEY!r} XCom) is gone; rerun the task.")
            wait = {**wait, "pending": list(wait["pending"])[1:], "finals": [*wait["finals"], job]}
            if wait["pending"]:
                return self.wait_for_jobs(context, wait)
            return with_final_jobs(wait["result"], {final["id"]: final for final in wait["finals"]})


def media_id_list(field: str, value: Any) -> list[str]:
    """A non-empty list of hashed ids (a rendered template's text is parsed)."""
    ids = parse_id_list(field, value)
    if not ids:
        raise WistiaConfigError(f"{field} must name at least one media, got {value!r}.")
    return [require_id(field, media_id) for media_id in ids]


_WAIT_PARAMS = """:param wait_for_completion: return only once the background job(s) finished.
    :param deferrable: wait in the triggerer (:class:`WistiaBackgroundJobTrigger`) instead of
        the worker; default: Airflow's ``[operators] default_deferrable``.
    :param poll_interval: seconds between reads of the job status while waiting.
    :param timeout: seconds to wait for the job(s) before failing the task."""


class WistiaArchiveMediasOperator(WistiaJobOperator):
    __doc__ = f"""Archive medias (``PUT /medias/archive``); returns Wistia's answer(s) with the job(s).

    More than 100 ids are sent in requests of 100 (the hook splits them), so the answer is a
    list (one per request). Ids Wistia refused are in its ``partial_errors``.

    :param media_ids: hashed ids of the medias (templated; a list, or its JSON / Python text).
    :param strict: fail (``WistiaPartialError``) when Wistia refused some of the medias.
    {_WAIT_PARAMS}
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        archive = WistiaArchiveMediasOperator(
            task_id="archive_old", media_ids=["xyz987wvut", "pqr654stuv"], deferrable=True
        )
    """

    template_fields: Sequence[str] = ("media_ids",)

    def __init__(self, *, media_ids: Sequence[str] | str, strict: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.media_ids = media_ids
        self.strict = strict

    def call(self, hook: WistiaHook) -> Any:
        return hook.archive_medias(media_id_list("media_ids", self.media_ids), strict=self.strict)


class WistiaRestoreMediasOperator(WistiaJobOperator, WistiaLinkedOperator):
    __doc__ = f"""Restore archived medias into a project (``PUT /medias/restore``); links to the project.

    :param media_ids: hashed ids of the archived medias (templated; a list, or its text).
    :param project_id: hashed id of the project to restore them into (templated).
    :param strict: fail (``WistiaPartialError``) when Wistia refused some of the medias.
    {_WAIT_PARAMS}
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        restore = WistiaRestoreMediasOperator(
            task_id="restore", media_ids=["xyz987wvut"], project_id="abc123defg"
        )
    """

    template_fields: Sequence[str] = ("media_ids", "project_id")
    link_kind = "projects"
    link_field = "project_id"
    link_from_result = False

    def __init__(
        self, *, media_ids: Sequence[str] | str, project_id: str, strict: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.media_ids = media_ids
        self.project_id = project_id
        self.strict = strict

    def call(self, hook: WistiaHook) -> Any:
        ids = media_id_list("media_ids", self.media_ids)
        return hook.restore_medias(ids, self.project_id, strict=self.strict)


class WistiaMoveMediasOperator(WistiaJobOperator, WistiaLinkedOperator):
    __doc__ = f"""Move medias into a project, optionally into one of its subfolders (``PUT /medias/move``).

    Ids Wistia could not move come back in the answer's ``partial_errors`` (HTTP 207);
    with ``strict=True`` they fail the task (``WistiaPartialError``). Links to the project.

    :param media_ids: hashed ids of the medias (templated; a list, or its text).
    :param project_id: hashed id of the destination project (templated).
    :param subfolder_id: hashed id of a subfolder of that project (templated).
    :param strict: fail when some medias could not be moved.
    {_WAIT_PARAMS}
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        move = WistiaMoveMediasOperator(
            task_id="move_to_archive", media_ids=["xyz987wvut", "pqr654stuv"], project_id="abc123defg"
        )
    """

    template_fields: Sequence[str] = ("media_ids", "project_id", "subfolder_id")
    link_kind = "projects"
    link_field = "project_id"
    link_from_result = False

    def __init__(
        self,
        *,
        media_ids: Sequence[str] | str,
        project_id: str,
        subfolder_id: str | None = None,
        strict: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.media_ids = media_ids
        self.project_id = project_id
        self.subfolder_id = subfolder_id
        self.strict = strict

    def call(self, hook: WistiaHook) -> Any:
        return hook.move_medias(
            media_id_list("media_ids", self.media_ids),
            self.project_id,
            subfolder_id=blank_to_none(self.subfolder_id),
            strict=self.strict,
        )


class WistiaSwapMediaOperator(WistiaJobOperator, WistiaMediaOperator):
    __doc__ = f"""Replace a media's file with another media's, keeping its id, embeds and stats
    (``PUT /medias/<id>/swap``); returns ``{{message, media, background_job_status}}``.

    :param media_id: hashed id of the media to keep (templated).
    :param replacement_media_id: hashed id of the media whose file replaces it (templated).
    {_WAIT_PARAMS}
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        swap = WistiaSwapMediaOperator(
            task_id="swap_file", media_id="xyz987wvut", replacement_media_id="pqr654stuv"
        )
    """

    template_fields: Sequence[str] = ("media_id", "replacement_media_id")

    def __init__(self, *, media_id: str, replacement_media_id: str, **kwargs: Any) -> None:
        super().__init__(media_id=media_id, **kwargs)
        self.replacement_media_id = replacement_media_id

    def call(self, hook: WistiaHook) -> Any:
        return hook.swap_media(self.media_id, self.replacement_media_id)


class WistiaTrimMediaOperator(WistiaJobOperator, WistiaMediaOperator):
    __doc__ = f"""Cut parts out of a video (``POST /medias/<id>/trims``).

    :param media_id: hashed id of the video (templated).
    :param trims: the parts to remove, each ``"HH:MM:SS.mmm-HH:MM:SS.mmm"`` (templated; a list,
        or its text).
    {_WAIT_PARAMS}
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        trim = WistiaTrimMediaOperator(
            task_id="trim_intro", media_id="xyz987wvut", trims=["00:00:00.000-00:00:05.000"]
        )
    """

    template_fields: Sequence[str] = ("media_id", "trims")

    def __init__(self, *, media_id: str, trims: Sequence[str] | str, **kwargs: Any) -> None:
        super().__init__(media_id=media_id, **kwargs)
        self.trims = trims

    def call(self, hook: WistiaHook) -> Any:
        trims = parse_id_list("trims", self.trims, "time ranges") or []
        if not trims:
            raise WistiaConfigError(f"trims must name at least one time range, got {self.trims!r}.")
        return hook.trim_media(self.media_id, trims)
