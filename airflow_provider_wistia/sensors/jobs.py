"""A sensor that waits for a Wistia background job (archive, restore, move, swap, trim...)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow_provider_wistia.exceptions import WistiaJobFailedError
from airflow_provider_wistia.sensors.wistia import WistiaBaseSensor
from airflow_provider_wistia.triggers.conditions import Outcome
from airflow_provider_wistia.triggers.jobs import (
    WistiaBackgroundJobTrigger,
    check_background_job,
    require_job_id,
)


class WistiaBackgroundJobSensor(WistiaBaseSensor):
    """Wait until a background job is ``finished``; returns the job (``{"id", "status"}``).

    A ``failed`` job raises :class:`WistiaJobFailedError` (no retries) in every mode. The job
    id is in the ``background_job_status`` of the answer that started it, e.g.
    ``"{{ ti.xcom_pull('archive')['background_job_status']['id'] }}"``.

    :param job_id: numeric id of the background job (templated; digits are fine).
    :param kwargs: ``deferrable`` (wait in :class:`WistiaBackgroundJobTrigger`), ``poke_interval``
        (default 10 s), ``wistia_conn_id`` (see :class:`WistiaBaseSensor`), and
        ``BaseSensorOperator`` arguments: ``timeout``, ``soft_fail``, ``mode``...

    Example::

        job_done = WistiaBackgroundJobSensor(
            task_id="wait_for_job", job_id=1234, deferrable=True, timeout=3600
        )
    """

    template_fields: Sequence[str] = ("job_id",)
    trigger_class = WistiaBackgroundJobTrigger
    failure_error = WistiaJobFailedError
    default_poke_interval = 10

    def __init__(self, *, job_id: int | str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job_id = job_id

    def check(self, context: Any) -> Outcome:
        return check_background_job(self.hook, require_job_id("job_id", self.job_id))

    def trigger_kwargs(self, context: Any) -> dict[str, Any]:
        return {"job_id": require_job_id("job_id", self.job_id)}
