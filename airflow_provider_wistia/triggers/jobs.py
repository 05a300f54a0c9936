"""Waiting for Wistia background jobs (archive, restore, move, swap, trim, translate).

Wistia answers those requests at once with a ``background_job_status`` (``{"id", "status"}``)
whose status goes ``queued -> started -> finished`` (or ``failed``); ``GET
/background_job_status/<id>`` reads it again. :func:`check_background_job` is the one
check; :class:`WistiaBackgroundJobSensor` pokes it, :class:`WistiaBackgroundJobTrigger` polls
it in the triggerer, and the job operators wait with either.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from typing import Any

from airflow_provider_wistia.exceptions import WistiaError
from airflow_provider_wistia.hooks.async_client import WistiaAsyncClient
from airflow_provider_wistia.hooks.wistia import WistiaHook
from airflow_provider_wistia.triggers.conditions import Outcome
from airflow_provider_wistia.triggers.wistia import _WistiaTaskTrigger
from airflow_provider_wistia.validation import require_positive_int

JOB_KEY = "background_job_status"
JOB_DONE = "finished"
JOB_FAILED = "failed"
JOB_STATUSES = ("queued", "started", JOB_DONE, JOB_FAILED)


def require_job_id(field: str, value: Any) -> int:
    """A background job id: an int, or a string of digits (templates render strings)."""
    return require_positive_int(field, value, "background job id")


def jobs_in(answer: Any) -> Iterator[dict[str, Any]]:
    """Every background job an answer holds: a ``background_job_status`` object, a bare job
    (``{"id", "status"}``), or lists of them (a bulk request split into batches of 100)."""
    if isinstance(answer, list):
        for item in answer:
            yield from jobs_in(item)
    elif isinstance(answer, dict):
        if isinstance(answer.get(JOB_KEY), dict):
            yield answer[JOB_KEY]
        elif "id" in answer and answer.get("status") in JOB_STATUSES:
            yield answer


def job_ids_in(answer: Any) -> list[int]:
    """The ids of :func:`jobs_in`, in order and without repeats."""
    return list(dict.fromkeys(require_job_id("background job id", job.get("id")) for job in jobs_in(answer)))


def with_final_jobs(answer: Any, finals: dict[int, dict[str, Any]]) -> Any:
    """``answer`` with each job it holds replaced by its final state from ``finals``."""
    if isinstance(answer, list):
        return [with_final_jobs(item, finals) for item in answer]
    if isinstance(answer, dict):
        job = answer.get(JOB_KEY)
        if isinstance(job, dict) and job.get("id") in finals:
            return {**answer, JOB_KEY: finals[job["id"]]}
        if answer.get("id") in finals and answer.get("status") in JOB_STATUSES:
            return finals[answer["id"]]
    return answer


def background_job_outcome(body: Any, job_id: int) -> Outcome:
    """Done when ``finished``, failed when ``failed``; the value is the job (sensor and trigger alike)."""
    job = body.get(JOB_KEY, body) if isinstance(body, dict) else None
    if not isinstance(job, dict) or not isinstance(job.get("status"), str):
        raise WistiaError(f"Wistia's answer for background job {job_id} names no status: {body!r}.")
    status = job["status"].lower()
    if status == JOB_DONE:
        return Outcome(True, job, message=f"Wistia background job {job_id} is finished.")
    if status == JOB_FAILED:
        return Outcome(False, job, failed=True, message=f"Wistia background job {job_id} failed.")
    return Outcome(
        False, job, message=f"Wistia background job {job_id} is {status!r}; waiting for it to finish."
    )


def check_background_job(hook: WistiaHook, job_id: int) -> Outcome:
    """Read the job once and apply :func:`background_job_outcome`."""
    return background_job_outcome(hook.get_background_job(job_id), job_id)


class WistiaBackgroundJobTrigger(_WistiaTaskTrigger):
    """Wait until a background job is ``finished`` (a "success" event) or ``failed`` ("failure").

    Events: ``{"status", "job": {"id", "status"}, "message"}`` as every task trigger of the
    provider (see :mod:`.wistia`); "failure" becomes :class:`WistiaJobFailedError`.

    :param job_id: numeric id of the background job (an int or a string of digits).
    :param wistia_conn_id: Airflow connection of type ``wistia``.
    :param poll_interval: seconds between reads of the job.
    :param end_time: optional epoch seconds after which a "timeout" event is fired.
    """

    object_key = "job"

    def __init__(
        self,
        job_id: int | str,
        wistia_conn_id: str = WistiaHook.default_conn_name,
        poll_interval: float = 10,
        end_time: float | None = None,
    ) -> None:
        super().__init__(wistia_conn_id=wistia_conn_id, poll_interval=poll_interval, end_time=end_time)
        self.job_id = require_job_id("job_id", job_id)

    def _own_kwargs(self) -> dict[str, Any]:
        return {"job_id": self.job_id}

    def watching(self) -> AbstractAsyncContextManager[Callable[[], Awaitable[Outcome | None]]]:
        """One read of the job per poll through the connection's async client (jobs have no
        batched read); no thread is held while waiting."""

        async def read(client: WistiaAsyncClient) -> Outcome:
            body = await client.request("GET", f"background_job_status/{self.job_id}")
            return background_job_outcome(body, self.job_id)

        return self._polling_alone(read)
