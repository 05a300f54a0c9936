"""The "Wistia" button on a task: a link to the media or project the task touched."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperatorLink

if TYPE_CHECKING:
    from airflow.sdk import BaseOperator
    from airflow.sdk.types import TaskInstanceKey

WISTIA_APP_URL = "https://app.wistia.com"


def wistia_url(kind: str, hashed_id: str) -> str:
    """The Wistia app page of a media (``kind="medias"``) or project (``kind="projects"``)."""
    return f"{WISTIA_APP_URL}/{kind}/{hashed_id}"


class WistiaLink(BaseOperatorLink):
    """Opens the Wistia app on the object the task worked on (stored as an XCom at run time)."""

    name = "Wistia"

    @classmethod
    def persist(cls, context: Any, kind: str, hashed_id: str | None) -> None:
        """Store the link for the running task instance (empty when there is no object)."""
        context["ti"].xcom_push(key=cls().xcom_key, value=wistia_url(kind, hashed_id) if hashed_id else "")

    def get_link(self, operator: BaseOperator, *, ti_key: TaskInstanceKey) -> str:
        from airflow.sdk.execution_time.xcom import XCom

        value = XCom.get_value(ti_key=ti_key, key=self.xcom_key)
        return str(value) if value else ""
