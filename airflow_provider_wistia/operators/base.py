"""What every Wistia operator shares: the connection id, a lazily built hook, colours, links."""

from __future__ import annotations

import inspect
from abc import abstractmethod
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from typing import Any, TypeVar

from airflow.sdk import BaseOperator

from airflow_provider_wistia._compat import TaskRecord
from airflow_provider_wistia.exceptions import WistiaConfigError, WistiaNotFoundError
from airflow_provider_wistia.hooks.wistia import WistiaHook
from airflow_provider_wistia.operators.links import WistiaLink

T = TypeVar("T")

WISTIA_UI_COLOR = "#54bbff"
WISTIA_UI_FGCOLOR = "#0a2540"


def hashed_id_of(obj: Any) -> str | None:
    """The hashed id of a project (``hashedId``) or media (``hashed_id``) JSON object, if any."""
    if not isinstance(obj, dict):
        return None
    value = obj.get("hashedId") or obj.get("hashed_id")
    return str(value) if value else None


def blank_to_none(value: Any) -> Any:
    """An optional text argument that rendered blank means "not given"."""
    return None if isinstance(value, str) and not value.strip() else value


def check_extra_fields(extra_fields: Any, named: Collection[str] = ()) -> dict[str, Any]:
    """``extra_fields`` of a create/update operator: fields sent to Wistia as they are, so a
    field Wistia adds needs no new release. Must be a dict; may not repeat a named argument."""
    if extra_fields is None:
        return {}
    if not isinstance(extra_fields, dict) or not all(isinstance(key, str) for key in extra_fields):
        raise WistiaConfigError(
            f"extra_fields must be a dict of field names to values, got {extra_fields!r}."
        )
    if clash := sorted(set(extra_fields) & set(named)):
        raise WistiaConfigError(f"extra_fields repeats {clash}: pass them as the operator's own arguments.")
    return dict(extra_fields)


def extra_fields_for(
    method: Callable[..., Any], extra_fields: Any, named: Collection[str] = ()
) -> dict[str, Any]:
    """:func:`check_extra_fields` for a hook method that takes them as ``**fields``: a key that
    is one of the method's own parameters (or of the operator's, ``named``) is refused too,
    before any request, instead of becoming a ``TypeError`` inside the call."""
    own = [
        param.name
        for param in inspect.signature(method).parameters.values()
        if param.kind not in (param.VAR_KEYWORD, param.VAR_POSITIONAL)
    ]
    return check_extra_fields(extra_fields, {*named, *own})


class WistiaBaseOperator(BaseOperator):
    """Base of the provider's operators: every one has the same shape.

    A subclass implements :meth:`call` (the hook call(s) it makes, given the hook) and, if it
    does more once the call has answered (wait for a job, annotate asset events), :meth:`finish`;
    :meth:`prepare` resolves what needs the run's context (e.g. default dates) before the call.
    ``execute`` lives only in the base classes: here, in :class:`WistiaLinkedOperator` (which
    stores the "Wistia" link) and in :class:`WistiaDeleteOperator` (which applies ``missing_ok``).
    The value returned is the task's XCom.

    :param wistia_conn_id: Airflow connection of type ``wistia`` (default ``wistia_default``).
    """

    ui_color = WISTIA_UI_COLOR
    ui_fgcolor = WISTIA_UI_FGCOLOR

    def __init__(self, *, wistia_conn_id: str = WistiaHook.default_conn_name, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.wistia_conn_id = wistia_conn_id

    @cached_property
    def hook(self) -> WistiaHook:
        """Built on first use inside ``execute``: no connection lookup at DAG parse time."""
        return WistiaHook(wistia_conn_id=self.wistia_conn_id)

    @abstractmethod
    def call(self, hook: WistiaHook) -> Any:
        """The hook call(s) this operator makes; the answer goes to :meth:`finish`."""

    def prepare(self, context: Any) -> None:
        """Before :meth:`call`: read what the call needs from the run's context (default: nothing)."""

    def finish(self, context: Any, result: Any) -> Any:
        """What the task returns once :meth:`call` has answered (by default that answer).

        Operators that wait for Wistia (processing, background jobs) wait or defer here.
        """
        return result

    def answer(self) -> Any:
        """:meth:`call`'s answer (:class:`WistiaResumableOperator` answers a retry from its record)."""
        return self.call(self.hook)

    def execute(self, context: Any) -> Any:
        self.prepare(context)
        return self.finish(context, self.answer())


class WistiaResumableOperator(WistiaBaseOperator):
    """An operator whose write must happen once per task instance: an upload, a background job.

    What the write started is recorded right after it (:meth:`to_record`, kept in a
    :class:`~airflow_provider_wistia._compat.TaskRecord` named ``record_key``); a later try
    of the same task instance resumes from it (:meth:`resume`) instead of writing again,
    unless it cannot succeed (failed, gone). The record is removed once the task instance
    ends for good (success, or failure with no retry left), so a clear starts afresh. A
    subclass's ``execute_complete`` runs inside :meth:`kept_until_final` too.

    For a linked operator, list it before :class:`WistiaLinkedOperator` in the bases.
    """

    record_key = "wistia_task_record"

    def execute(self, context: Any) -> Any:
        with self.kept_until_final(context):
            return super().execute(context)

    @contextmanager
    def kept_until_final(self, context: Any) -> Iterator[TaskRecord]:
        """Run (part of) a try with the task instance's record; remove it if the task ends for good."""
        self.record = TaskRecord(context, self.record_key)
        with self.record.kept_until_final(context) as record:
            yield record

    def answer(self) -> Any:
        """Resume what an earlier try recorded, or make the call and record what it started."""
        earlier = self.record.get()
        if earlier is not None:
            resumed = self.resume(earlier)
            if resumed is not None:
                return resumed
            self.record.clear()
        result = self.call(self.hook)
        kept = self.to_record(result)
        if kept is not None:
            self.record.set(kept)
        return result

    @abstractmethod
    def to_record(self, result: Any) -> Any:
        """What to record of :meth:`call`'s answer (JSON; None: nothing to resume)."""

    @abstractmethod
    def resume(self, recorded: Any) -> Any:
        """The answer to go on with, from what an earlier try recorded; None to start afresh."""


class WistiaLinkedOperator(WistiaBaseOperator):
    """An operator about one media or project: shows a "Wistia" link to it.

    Subclasses set ``link_kind`` (``"medias"`` or ``"projects"``) and implement :meth:`call`;
    ``execute`` runs it and links the object its answer names (unless ``link_from_result`` is
    False: the answer is e.g. a subfolder, not the linked kind) or, failing that, the id held
    in the attribute named by ``link_field``. The link is stored before :meth:`finish` runs.
    """

    operator_extra_links = (WistiaLink(),)
    link_kind = "medias"
    link_field: str | None = None
    link_from_result = True

    def link_to(self, context: Any, kind: str, hashed_id: str | None) -> None:
        WistiaLink.persist(context, kind, hashed_id)

    def execute(self, context: Any) -> Any:
        fallback = getattr(self, self.link_field, None) if self.link_field else None
        linked = fallback if isinstance(fallback, str) else None
        try:
            self.prepare(context)
            result = self.answer()
            linked = (hashed_id_of(result) if self.link_from_result else None) or linked
        finally:
            # Always store the link (empty when there is nothing to link), even when the call
            # failed: Airflow reads it back for every finished task.
            self.link_to(context, self.link_kind, linked)
        return self.finish(context, result)


class WistiaProjectOperator(WistiaLinkedOperator):
    """An operator about one existing project (``project_id``, templated); links to it."""

    template_fields: Sequence[str] = ("project_id",)
    link_kind = "projects"
    link_field = "project_id"

    def __init__(self, *, project_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.project_id = project_id


class WistiaMediaOperator(WistiaLinkedOperator):
    """An operator about one existing media (``media_id``, templated); links to it."""

    template_fields: Sequence[str] = ("media_id",)
    link_kind = "medias"
    link_field = "media_id"

    def __init__(self, *, media_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.media_id = media_id


class WistiaDeleteOperator(WistiaBaseOperator):
    """Shared shape of the delete operators: ``missing_ok`` turns a 404 into success.

    Subclasses implement :meth:`call` (the delete) and set ``subject``, a description of the
    deleted object formatted with the operator's attributes, e.g. ``"Media {media_id!r}"``.

    :param missing_ok: if True, an object that is already gone is not an error, so a
        rerun of a clean-up DAG succeeds; the task then returns None.
    """

    subject = "The object"

    def __init__(self, *, missing_ok: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.missing_ok = missing_ok

    def delete(self, what: str, call: Callable[[], T]) -> T | None:
        """Run the delete; None when the object is gone (a resent DELETE answered 404, or ``missing_ok``)."""
        try:
            result = call()
            if result is None:  # the hook resent a DELETE whose answer was lost and got 404
                self.log.info("%s was already gone: the first DELETE was applied, its answer was lost.", what)
            return result
        except WistiaNotFoundError:
            if not self.missing_ok:
                raise
            self.log.info("%s is already gone; missing_ok=True, so this is a success.", what)
            return None

    def execute(self, context: Any) -> Any:
        self.prepare(context)
        what = self.subject.format(**vars(self))
        return self.finish(context, self.delete(what, lambda: self.call(self.hook)))
