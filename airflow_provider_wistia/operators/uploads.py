"""Upload a media to Wistia (a local file, streamed, or an import from a URL), optionally
waiting until Wistia has processed it: in the worker, or deferred to the triggerer.

An upload happens once per task instance: the new media's id is recorded right after the
POST (a :class:`~airflow_provider_wistia._compat.TaskRecord`), and a retry of the same task
instance waits on that media instead of uploading again, unless it failed processing or is
gone. The record is removed once the task instance ends for good."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_wistia._compat import AirflowSensorTimeout, default_deferrable
from airflow_provider_wistia.exceptions import WistiaConfigError, WistiaError, WistiaNotFoundError
from airflow_provider_wistia.operators.base import (
    WistiaLinkedOperator,
    WistiaResumableOperator,
    blank_to_none,
    extra_fields_for,
    hashed_id_of,
)

if TYPE_CHECKING:
    from airflow_provider_wistia.hooks.wistia import WistiaHook

READY = ("ready",)
FAILED = ("failed",)
FAILED_HINT = "Wistia could not process the upload (usually an unsupported format or size)."


class WistiaUploadMediaOperator(WistiaResumableOperator, WistiaLinkedOperator):
    """Upload a file or import a URL into Wistia; return the new media.

    Exactly one of ``file_path`` and ``url`` must be given (a template that renders blank
    counts as not given). The upload happens once per task instance: the new media's id is
    recorded right after the POST, and a retry of the task instance resumes waiting on that
    media (or returns it) instead of uploading again, unless it failed processing or was
    deleted meanwhile. The record is removed once the task instance ends for good (success,
    or failure with no retry left), so clearing the task uploads again. While
    waiting, transient errors (429, 503, 5xx, dropped connections) never fail the wait; they
    back off. A wait longer than ``ready_timeout`` raises ``AirflowSensorTimeout`` (no retry),
    in the worker and in deferrable mode alike. The POST itself waits up to the connection's
    ``upload_timeout`` (default 3600 s) for Wistia's answer.

    :param file_path: local file to upload, streamed (templated).
    :param url: public URL Wistia should import, ending with the file's extension (templated).
    :param project_id: hashed id of the destination project; without it Wistia creates
        ``Uploads_YYYY-MM-DD`` (templated).
    :param name: media name; default: the file name (templated).
    :param description: media description (templated).
    :param extra_fields: more upload form fields for Wistia, e.g. ``{"contact_id": 42}`` or
        ``{"low_priority": True}`` (URL imports), sent as they are (templated).
    :param wait_for_ready: return only once Wistia's status for the media is ``ready``
        (the media then has its duration and assets); fail if it becomes ``failed``.
    :param deferrable: wait in the triggerer instead of the worker (with ``wait_for_ready``);
        default: Airflow's ``[operators] default_deferrable``.
    :param poll_interval: seconds between status checks while waiting.
    :param ready_timeout: seconds to wait for ``ready`` before failing.
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        upload = WistiaUploadMediaOperator(
            task_id="upload",
            url="https://example.com/videos/launch.mp4",
            project_id="abc123defg",
            wait_for_ready=True,
            deferrable=True,
        )
    """

    template_fields: Sequence[str] = ("file_path", "url", "project_id", "name", "description", "extra_fields")
    link_kind = "medias"
    record_key = "wistia_uploaded_media_id"

    def __init__(
        self,
        *,
        file_path: str | None = None,
        url: str | None = None,
        project_id: str | None = None,
        name: str | None = None,
        description: str | None = None,
        wait_for_ready: bool = False,
        deferrable: bool = default_deferrable(),
        poll_interval: float = 10.0,
        ready_timeout: float = 3600.0,
        extra_fields: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if poll_interval <= 0 or ready_timeout <= 0:
            raise WistiaConfigError(
                "poll_interval and ready_timeout must be positive, "
                f"got {poll_interval!r} and {ready_timeout!r}."
            )
        self.file_path = file_path
        self.url = url
        self.project_id = project_id
        self.name = name
        self.description = description
        self.wait_for_ready = wait_for_ready
        self.deferrable = deferrable
        self.poll_interval = poll_interval
        self.ready_timeout = ready_timeout
        self.extra_fields = extra_fields

    def call(self, hook: WistiaHook) -> Any:
        """Upload (exactly one of file_path or url, checked before any request); the new media.

        A retry of the task instance does not get here while the media an earlier try
        uploaded can still become ready (:meth:`resume`)."""
        file_path, url = blank_to_none(self.file_path), blank_to_none(self.url)
        if (file_path is None) == (url is None):
            raise WistiaConfigError(
                "WistiaUploadMediaOperator needs exactly one of file_path or url; "
                f"got file_path={self.file_path!r}, url={self.url!r}."
            )
        extra = extra_fields_for(hook.upload_media, self.extra_fields, ("file", "wait_for_ready"))
        media = hook.upload_media(
            file_path=file_path,
            url=url,
            project_id=self.project_id,
            name=blank_to_none(self.name),
            description=self.description,
            **extra,
        )
        self.log.info("Uploaded media %s (status %s).", hashed_id_of(media), media.get("status"))
        return media

    def to_record(self, result: Any) -> str | None:
        return hashed_id_of(result)

    def finish(self, context: Any, media: Any) -> Any:
        """After the upload (and its link): wait for ``ready`` if asked."""
        media_id = hashed_id_of(media)
        if not self.wait_for_ready:
            return media
        if not media_id:
            raise WistiaError(
                f"Wistia's upload answer names no hashed_id, so it cannot be waited for: {media}"
            )
        if self.deferrable:
            from airflow_provider_wistia.triggers.wistia import WistiaMediaStatusTrigger

            self.defer(
                trigger=WistiaMediaStatusTrigger(
                    media_id,
                    wistia_conn_id=self.wistia_conn_id,
                    target_statuses=READY,
                    failure_statuses=FAILED,
                    poll_interval=self.poll_interval,
                    end_time=time.time() + self.ready_timeout,
                ),
                method_name="execute_complete",
            )
        return self.wait_until_ready(media_id)

    def resume(self, recorded: Any) -> dict[str, Any] | None:
        """The media an earlier try of this task instance uploaded, unless it is gone or failed
        processing (then None: upload again)."""
        from airflow_provider_wistia.triggers.conditions import TRANSIENT_ERRORS

        media_id = str(recorded)
        try:
            media = self.hook.get_media(media_id)
        except WistiaNotFoundError:
            self.log.warning(
                "Media %s, uploaded by an earlier try of this task, is gone: uploading again.", media_id
            )
            return None
        except TRANSIENT_ERRORS as exc:
            if not self.wait_for_ready:
                raise
            self.log.warning("Could not read media %s yet (%s); waiting on it.", media_id, exc)
            media = {"hashed_id": media_id}
        if str(media.get("status", "")).lower() in FAILED:
            self.log.warning(
                "Media %s, uploaded by an earlier try of this task, failed processing: uploading again.",
                media_id,
            )
            return None
        self.log.info("Media %s was uploaded by an earlier try of this task: not uploading again.", media_id)
        return media

    def wait_until_ready(self, media_id: str) -> dict[str, Any]:
        """Poll the media until it is ``ready``; raise on ``failed`` or after ``ready_timeout``.

        Transient errors (429, 503, 5xx, dropped connections) back off and never fail the wait.
        """
        from airflow_provider_wistia.exceptions import WistiaMediaFailedError
        from airflow_provider_wistia.triggers.conditions import (
            TRANSIENT_ERRORS,
            backoff_delay,
            check_media_status,
        )

        deadline = time.monotonic() + self.ready_timeout
        failures = 0
        while True:
            try:
                outcome = check_media_status(self.hook, media_id, READY, FAILED)
            except TRANSIENT_ERRORS as exc:
                failures += 1
                delay, message = backoff_delay(self.poll_interval, failures), f"Media {media_id}: {exc}."
                self.log.warning("%s Transient; next check in %g s.", message, delay)
            else:
                if outcome.done:
                    self.log.info("%s", outcome.message)
                    return outcome.value
                if outcome.failed:
                    raise WistiaMediaFailedError(f"{outcome.message} {FAILED_HINT}")
                failures, delay, message = 0, self.poll_interval, outcome.message
                self.log.info("%s Next check in %g s.", message, delay)
            left = deadline - time.monotonic()
            if left <= 0:
                raise AirflowSensorTimeout(f"{message} Gave up after ready_timeout={self.ready_timeout:g} s.")
            time.sleep(min(delay, left))

    def execute_complete(self, context: Any, event: dict[str, Any]) -> Any:
        """Resume after the trigger: the ready media, or the trigger's error."""
        from airflow_provider_wistia.exceptions import WistiaMediaFailedError
        from airflow_provider_wistia.triggers.conditions import result_from_event

        with self.kept_until_final(context):
            if isinstance(event, dict) and event.get("status") == "failure":
                raise WistiaMediaFailedError(f"{event.get('message')} {FAILED_HINT}")
            return result_from_event(event, "media")
