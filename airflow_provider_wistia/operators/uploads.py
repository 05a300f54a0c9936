"""Upload a media to Wistia (a local file, streamed, or an import from a URL), optionally
waiting until Wistia has processed it: in the worker, or deferred to the triggerer."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_wistia._compat import default_deferrable
from airflow_provider_wistia.exceptions import WistiaConfigError, WistiaError
from airflow_provider_wistia.operators.base import WistiaLinkedOperator, blank_to_none, hashed_id_of

if TYPE_CHECKING:
    from airflow_provider_wistia.hooks.wistia import WistiaHook

READY = ("ready",)
FAILED = ("failed",)
FAILED_HINT = "Wistia could not process the upload (usually an unsupported format or size)."


class WistiaUploadMediaOperator(WistiaLinkedOperator):
    """Upload a file or import a URL into Wistia; return the new media.

    Exactly one of ``file_path`` and ``url`` must be given (a template that renders blank
    counts as not given). An upload is a POST: a task retry uploads again.

    :param file_path: local file to upload, streamed (templated).
    :param url: public URL Wistia should import, ending with the file's extension (templated).
    :param project_id: hashed id of the destination project; without it Wistia creates
        ``Uploads_YYYY-MM-DD`` (templated).
    :param name: media name; default: the file name (templated).
    :param description: media description (templated).
    :param wait_for_ready: return only once Wistia's status for the media is ``ready``
        (the media then has its duration and assets); fail if it becomes ``failed``.
    :param deferrable: wait in the triggerer instead of the worker (with ``wait_for_ready``).
    :param poll_interval: seconds between status checks while waiting.
    :param ready_timeout: seconds to wait for ``ready`` before failing.
    :param wistia_conn_id: Airflow connection of type ``wistia``.
    """

    template_fields: Sequence[str] = ("file_path", "url", "project_id", "name", "description")
    link_kind = "medias"

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

    def call(self, hook: WistiaHook) -> Any:
        """Upload (exactly one of file_path or url, checked before any request)."""
        file_path, url = blank_to_none(self.file_path), blank_to_none(self.url)
        if (file_path is None) == (url is None):
            raise WistiaConfigError(
                "WistiaUploadMediaOperator needs exactly one of file_path or url; "
                f"got file_path={self.file_path!r}, url={self.url!r}."
            )
        media = hook.upload_media(
            file_path=file_path,
            url=url,
            project_id=self.project_id,
            name=blank_to_none(self.name),
            description=self.description,
        )
        self.log.info("Uploaded media %s (status %s).", hashed_id_of(media), media.get("status"))
        return media

    def execute(self, context: Any) -> Any:
        media = super().execute(context)  # upload and link
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

    def wait_until_ready(self, media_id: str) -> dict[str, Any]:
        """Poll the media until it is ``ready``; raise on ``failed`` or after ``ready_timeout``."""
        from airflow_provider_wistia.exceptions import WistiaMediaFailedError
        from airflow_provider_wistia.triggers.conditions import check_media_status

        deadline = time.monotonic() + self.ready_timeout
        while True:
            outcome = check_media_status(self.hook, media_id, READY, FAILED)
            if outcome.done:
                self.log.info("%s", outcome.message)
                return outcome.value
            if outcome.failed:
                raise WistiaMediaFailedError(f"{outcome.message} {FAILED_HINT}")
            left = deadline - time.monotonic()
            if left <= 0:
                raise WistiaError(f"{outcome.message} Gave up after ready_timeout={self.ready_timeout:g} s.")
            self.log.info("%s Next check in %g s.", outcome.message, min(self.poll_interval, left))
            time.sleep(min(self.poll_interval, left))

    def execute_complete(self, context: Any, event: dict[str, Any]) -> Any:
        """Resume after the trigger: the ready media, or the trigger's error."""
        from airflow_provider_wistia.exceptions import WistiaMediaFailedError
        from airflow_provider_wistia.triggers.conditions import result_from_event

        if isinstance(event, dict) and event.get("status") == "failure":
            raise WistiaMediaFailedError(f"{event.get('message')} {FAILED_HINT}")
        return result_from_event(event, "media")
