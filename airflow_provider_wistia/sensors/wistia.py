"""Sensors of the Wistia provider: media processing status, new media, stats thresholds.

Each sensor runs the same check as its trigger (:mod:`..triggers.conditions`), in
``poke``, ``reschedule`` or deferrable mode, and returns what it waited for through
``PokeReturnValue`` (or the trigger event) as its XCom.

Failure semantics (the same in every mode):

* a media in a failure status raises :class:`WistiaMediaFailedError`, an
  ``AirflowFailException``: the task fails at once without retries. As for every sensor in
  Airflow 3, ``soft_fail=True`` (or ``never_fail``) turns that, like a timeout, into a skip:
  "the awaited condition cannot happen" is what ``soft_fail`` is for;
* auth, 404 and argument errors (``WistiaAuthError``, ``WistiaNotFoundError``,
  ``WistiaConfigError``...) fail the task even with ``soft_fail``: a broken setup is not
  skipped silently (Airflow's own poke loop does this; deferrable mode is aligned with it);
* transient errors (rate limits and 5xx that survived the hook's retries, connection
  problems) make a poke return "not done" with a warning; the trigger backs off instead.

Deferrable mode defers at once (the trigger checks immediately, then every
``poke_interval``; ``exponential_backoff`` applies to poke/reschedule only) with
``end_time = now + timeout``; the scheduler's deferral timeout is a later backstop.
"""

from __future__ import annotations

import time
from abc import abstractmethod
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta, timezone
from functools import cached_property
from typing import Any, ClassVar

from airflow.sdk import BaseSensorOperator, PokeReturnValue

from airflow_provider_wistia._compat import AirflowFailException, AirflowSkipException, default_deferrable
from airflow_provider_wistia.exceptions import WistiaError, WistiaMediaFailedError
from airflow_provider_wistia.hooks.wistia import WistiaHook
from airflow_provider_wistia.operators.base import WISTIA_UI_COLOR, WISTIA_UI_FGCOLOR
from airflow_provider_wistia.triggers.conditions import (
    TRANSIENT_ERRORS,
    Outcome,
    canonical_metric,
    check_media_stats,
    check_media_status,
    check_new_medias,
    check_statuses,
    check_threshold,
    parse_timestamp,
    result_from_event,
)
from airflow_provider_wistia.triggers.wistia import (
    WistiaMediaStatsTrigger,
    WistiaMediaStatusTrigger,
    WistiaNewMediaTrigger,
    _WistiaTaskTrigger,
)
from airflow_provider_wistia.validation import parse_id_list

# The scheduler's deferral timeout is a backstop: the trigger's own end_time fires first,
# with a message naming the last status seen.
DEFER_TIMEOUT_MARGIN = timedelta(seconds=60)


class WistiaBaseSensor(BaseSensorOperator):
    """What the Wistia sensors share: a lazy hook, transient-error handling, deferral.

    :param wistia_conn_id: Airflow connection of type ``wistia``.
    :param deferrable: wait in the triggerer instead of a worker (``mode`` is then unused);
        default: Airflow's ``[operators] default_deferrable``.
    :param poke_interval: seconds between checks (floats accepted), also the trigger's;
        default :attr:`default_poke_interval` (30 s for the status sensor, 60 s otherwise).
    :param kwargs: ``BaseSensorOperator`` arguments: ``timeout``, ``soft_fail``, ``mode``,
        ``exponential_backoff``, ``max_wait``...
    """

    ui_color = WISTIA_UI_COLOR
    ui_fgcolor = WISTIA_UI_FGCOLOR
    trigger_class: ClassVar[type[_WistiaTaskTrigger]]
    default_poke_interval: ClassVar[float] = 60
    # Raised (no retries) when the awaited condition can never hold, in every mode.
    failure_error: ClassVar[type[WistiaError]] = WistiaMediaFailedError

    def __init__(
        self,
        *,
        wistia_conn_id: str = WistiaHook.default_conn_name,
        deferrable: bool = default_deferrable(),
        poke_interval: timedelta | float | None = None,
        **kwargs: Any,
    ) -> None:
        interval = self.default_poke_interval if poke_interval is None else poke_interval
        super().__init__(poke_interval=interval, **kwargs)
        self.wistia_conn_id = wistia_conn_id
        self.deferrable = deferrable

    @cached_property
    def hook(self) -> WistiaHook:
        """Built on first use inside ``execute``: no connection lookup at DAG parse time."""
        return WistiaHook(wistia_conn_id=self.wistia_conn_id)

    @abstractmethod
    def check(self, context: Any) -> Outcome:
        """One synchronous check."""

    @abstractmethod
    def trigger_kwargs(self, context: Any) -> dict[str, Any]:
        """The sensor-specific arguments of :attr:`trigger_class`."""

    def poke(self, context: Any) -> PokeReturnValue:
        try:
            outcome = self.check(context)
        except TRANSIENT_ERRORS as exc:
            self.log.warning("Transient Wistia error; poking again later: %s", exc)
            return PokeReturnValue(False)
        if outcome.failed:
            raise self.failure_error(outcome.message)
        self.log.info("%s", outcome.message)
        return PokeReturnValue(outcome.done, outcome.value if outcome.done else None)

    def execute(self, context: Any) -> Any:
        if not self.deferrable:
            return super().execute(context)
        trigger = self.trigger_class(
            **self.trigger_kwargs(context),
            wistia_conn_id=self.wistia_conn_id,
            poll_interval=self.poke_interval,
            end_time=time.time() + self.timeout,
        )
        self.defer(
            trigger=trigger,
            method_name="execute_complete",
            timeout=timedelta(seconds=self.timeout) + DEFER_TIMEOUT_MARGIN,
        )

    def execute_complete(self, context: Any, event: dict[str, Any] | None = None) -> Any:
        """Resume after the trigger: return its object, or raise with its message."""
        result = result_from_event(event, self.trigger_class.object_key, self.failure_error)
        self.log.info("%s", (event or {}).get("message"))
        return result

    def resume_execution(self, next_method: str, next_kwargs: dict[str, Any] | None, context: Any) -> Any:
        try:
            return super().resume_execution(next_method, next_kwargs, context)
        except AirflowSkipException as skip:
            cause = skip.__cause__
            if isinstance(cause, WistiaError) and not isinstance(cause, AirflowFailException):
                raise cause from None  # auth/404/config: fail despite soft_fail, as in poke mode
            raise


class WistiaMediaStatusSensor(WistiaBaseSensor):
    """Wait until a media's ``status`` is a target status (by default until it is ``ready``).

    :param media_id: hashed id of the media (templated).
    :param target_statuses: statuses that end the wait successfully.
    :param failure_statuses: statuses that fail the task at once (:class:`WistiaMediaFailedError`).
    :param kwargs: ``deferrable`` (wait in :class:`WistiaMediaStatusTrigger`), ``poke_interval``,
        ``wistia_conn_id`` (see :class:`WistiaBaseSensor`), and ``BaseSensorOperator``
        arguments: ``timeout``, ``soft_fail``, ``mode``, ``exponential_backoff``...

    Returns the media JSON.

    Example::

        ready = WistiaMediaStatusSensor(
            task_id="wait_until_ready", media_id="xyz987wvut", deferrable=True, timeout=3600
        )
    """

    template_fields: Sequence[str] = ("media_id",)
    trigger_class = WistiaMediaStatusTrigger
    default_poke_interval = 30

    def __init__(
        self,
        *,
        media_id: str,
        target_statuses: Collection[str] = ("ready",),
        failure_statuses: Collection[str] = ("failed",),
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.media_id = media_id
        self.target_statuses, self.failure_statuses = check_statuses(target_statuses, failure_statuses)

    def check(self, context: Any) -> Outcome:
        return check_media_status(self.hook, self.media_id, self.target_statuses, self.failure_statuses)

    def trigger_kwargs(self, context: Any) -> dict[str, Any]:
        return {
            "media_id": self.media_id,
            "target_statuses": self.target_statuses,
            "failure_statuses": self.failure_statuses,
        }


class WistiaNewMediaSensor(WistiaBaseSensor):
    """Wait until a project holds new media; returns the list of new medias, oldest first.

    New means created at or after ``since`` (compared at Wistia's one-second precision, so
    nothing created in ``since``'s own second is missed) and, if ``known_media_ids`` is
    given, with a hashed id not in it. Listing is newest first and stops at ``since``.

    :param project_id: hashed id of the project (templated).
    :param since: datetime or ISO-8601 string (templated). Default: the run's
        ``data_interval_start``, else its logical date, else when the run was created —
        unless ``known_media_ids`` is given, in which case only the ids count.
    :param known_media_ids: hashed ids that are not new (templated; a list, or its JSON /
        Python text as Jinja renders it).
    :param kwargs: ``deferrable`` (wait in :class:`WistiaNewMediaTrigger`), ``poke_interval``,
        ``wistia_conn_id`` (see :class:`WistiaBaseSensor`), and ``BaseSensorOperator``
        arguments: ``timeout``, ``soft_fail``, ``mode``, ``exponential_backoff``...

    Example::

        new_media = WistiaNewMediaSensor(
            task_id="wait_for_uploads", project_id="abc123defg", mode="reschedule", poke_interval=300
        )
    """

    template_fields: Sequence[str] = ("project_id", "since", "known_media_ids")
    trigger_class = WistiaNewMediaTrigger

    def __init__(
        self,
        *,
        project_id: str,
        since: datetime | str | None = None,
        known_media_ids: Collection[str] | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.project_id = project_id
        self.since = since
        self.known_media_ids = known_media_ids

    def resolved_since(self, context: Any) -> datetime | None:
        """``since`` as an aware datetime, defaulted from the run (stable across reschedules)."""
        if self.since is not None and self.since != "":
            return parse_timestamp("since", self.since)
        if self.known_media_ids is not None:
            return None
        dag_run = context.get("dag_run")
        candidates = (
            context.get("data_interval_start"),
            context.get("logical_date"),
            getattr(dag_run, "run_after", None),
            getattr(dag_run, "start_date", None),
        )
        when = next((value for value in candidates if value), None) or datetime.now(timezone.utc)
        return parse_timestamp("since", when)

    def resolved_known_ids(self) -> list[str] | None:
        """``known_media_ids`` as a list of strings (a rendered template is parsed)."""
        return parse_id_list("known_media_ids", self.known_media_ids)

    def check(self, context: Any) -> Outcome:
        since, known = self.resolved_since(context), self.resolved_known_ids()
        return check_new_medias(self.hook, self.project_id, since, known)

    def trigger_kwargs(self, context: Any) -> dict[str, Any]:
        since = self.resolved_since(context)
        return {
            "project_id": self.project_id,
            "since": None if since is None else since.isoformat(),
            "known_media_ids": self.resolved_known_ids(),
        }


class WistiaMediaStatsSensor(WistiaBaseSensor):
    """Wait until a stat of ``/medias/<id>/stats`` reaches a threshold; returns that stats JSON.

    :param media_id: hashed id of the (video) media (templated).
    :param metric: ``plays``, ``visitors``, ``pageLoads``, ``percentOfVisitorsClickingPlay`` or
        ``averagePercentWatched``; snake_case aliases (``page_loads``...) are accepted.
    :param threshold: the value the metric must reach (``>=``).
    :param kwargs: ``deferrable`` (wait in :class:`WistiaMediaStatsTrigger`), ``poke_interval``,
        ``wistia_conn_id`` (see :class:`WistiaBaseSensor`), and ``BaseSensorOperator``
        arguments: ``timeout``, ``soft_fail``, ``mode``, ``exponential_backoff``...

    Example::

        popular = WistiaMediaStatsSensor(
            task_id="wait_for_100_plays", media_id="xyz987wvut", metric="plays", threshold=100
        )
    """

    template_fields: Sequence[str] = ("media_id",)
    trigger_class = WistiaMediaStatsTrigger

    def __init__(
        self,
        *,
        media_id: str,
        metric: str = "plays",
        threshold: float,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.media_id = media_id
        self.metric = canonical_metric(metric)
        self.threshold = check_threshold(threshold)

    def check(self, context: Any) -> Outcome:
        return check_media_stats(self.hook, self.media_id, self.metric, self.threshold)

    def trigger_kwargs(self, context: Any) -> dict[str, Any]:
        return {"media_id": self.media_id, "metric": self.metric, "threshold": self.threshold}
