"""Operators for Wistia projects: list, get, create (idempotently if asked), update, delete, copy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow_provider_wistia.exceptions import WistiaError
from airflow_provider_wistia.hooks.wistia import WistiaHook
from airflow_provider_wistia.operators.base import (
    WistiaBaseOperator,
    WistiaDeleteOperator,
    WistiaLinkedOperator,
    WistiaProjectOperator,
    blank_to_none,
    extra_fields_for,
)
from airflow_provider_wistia.validation import require_choice, require_text

IF_EXISTS_CHOICES = ("create", "reuse", "fail")


class WistiaListProjectsOperator(WistiaBaseOperator):
    """Return every project of the account (all pages) as a list.

    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        projects = WistiaListProjectsOperator(task_id="list_projects")
    """

    def call(self, hook: WistiaHook) -> Any:
        return hook.list_projects()


class WistiaGetProjectOperator(WistiaProjectOperator):
    """Return one project (with its first page of medias).

    :param project_id: hashed id of the project (templated).
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        project = WistiaGetProjectOperator(task_id="get_project", project_id="abc123defg")
    """

    def call(self, hook: WistiaHook) -> Any:
        return hook.get_project(self.project_id)


class WistiaCreateProjectOperator(WistiaLinkedOperator):
    """Create a project and return it.

    :param name: project name (templated).
    :param description: description (templated).
    :param admin_email: owner of the project, a Manager of the account (templated).
    :param public: whether anyone may view the project.
    :param anonymous_can_upload: whether anyone may upload to it.
    :param anonymous_can_download: whether anyone may download from it.
    :param if_exists: when a project of exactly this name exists: ``"create"`` another one
        anyway, ``"reuse"`` it (returned as is; makes retries and reruns safe) or ``"fail"``.
    :param extra_fields: more fields for Wistia, sent as they are (templated); see the README.
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        create = WistiaCreateProjectOperator(
            task_id="create_project", name="Launch review", public=False, if_exists="reuse"
        )
    """

    template_fields: Sequence[str] = ("name", "description", "admin_email", "extra_fields")
    link_kind = "projects"

    def __init__(
        self,
        *,
        name: str,
        description: str | None = None,
        admin_email: str | None = None,
        public: bool | None = None,
        anonymous_can_upload: bool | None = None,
        anonymous_can_download: bool | None = None,
        if_exists: str = "create",
        extra_fields: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.name = name
        self.description = description
        self.admin_email = admin_email
        self.public = public
        self.anonymous_can_upload = anonymous_can_upload
        self.anonymous_can_download = anonymous_can_download
        self.if_exists = require_choice("if_exists", if_exists, IF_EXISTS_CHOICES)
        self.extra_fields = extra_fields

    def call(self, hook: WistiaHook) -> Any:
        name = require_text("name", self.name)
        extra = extra_fields_for(hook.create_project, self.extra_fields, ("if_exists",))
        if self.if_exists != "create":
            existing = next((p for p in hook.iter_projects() if p.get("name") == name), None)
            if existing is not None and self.if_exists == "fail":
                raise WistiaError(
                    f"A Wistia project named {name!r} already exists ({existing.get('hashedId')}) "
                    "and if_exists='fail'."
                )
            if existing is not None:
                self.log.info("Reusing the existing project %r (%s).", name, existing.get("hashedId"))
                return existing
        return hook.create_project(
            name,
            description=self.description,
            admin_email=blank_to_none(self.admin_email),
            public=self.public,
            anonymous_can_upload=self.anonymous_can_upload,
            anonymous_can_download=self.anonymous_can_download,
            **extra,
        )


class WistiaUpdateProjectOperator(WistiaProjectOperator):
    """Change a project's name, description or permissions; return the updated project.

    :param project_id: hashed id of the project (templated).
    :param name: new name (templated).
    :param description: new description (templated).
    :param public: whether anyone may view the project.
    :param anonymous_can_upload: whether anyone may upload to it.
    :param anonymous_can_download: whether anyone may download from it.
    :param extra_fields: more fields for Wistia, sent as they are (templated); see the README.
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        publish = WistiaUpdateProjectOperator(
            task_id="make_public",
            project_id="{{ ti.xcom_pull(task_ids='create_project')['hashedId'] }}",
            public=True,
        )
    """

    template_fields: Sequence[str] = ("project_id", "name", "description", "extra_fields")

    def __init__(
        self,
        *,
        project_id: str,
        name: str | None = None,
        description: str | None = None,
        public: bool | None = None,
        anonymous_can_upload: bool | None = None,
        anonymous_can_download: bool | None = None,
        extra_fields: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(project_id=project_id, **kwargs)
        self.name = name
        self.description = description
        self.public = public
        self.anonymous_can_upload = anonymous_can_upload
        self.anonymous_can_download = anonymous_can_download
        self.extra_fields = extra_fields

    def call(self, hook: WistiaHook) -> Any:
        return hook.update_project(
            self.project_id,
            name=blank_to_none(self.name),
            description=self.description,
            public=self.public,
            anonymous_can_upload=self.anonymous_can_upload,
            anonymous_can_download=self.anonymous_can_download,
            **extra_fields_for(hook.update_project, self.extra_fields),
        )


class WistiaDeleteProjectOperator(WistiaDeleteOperator):
    """Delete a project (and its medias); return the deleted project.

    :param project_id: hashed id of the project (templated).
    :param missing_ok: if True, a project that is already gone is a success (returns None).
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        cleanup = WistiaDeleteProjectOperator(
            task_id="delete_project", project_id="abc123defg", missing_ok=True
        )
    """

    template_fields: Sequence[str] = ("project_id",)
    subject = "Project {project_id!r}"

    def __init__(self, *, project_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.project_id = project_id

    def call(self, hook: WistiaHook) -> Any:
        return hook.delete_project(self.project_id)


class WistiaCopyProjectOperator(WistiaProjectOperator):
    """Copy a project with its medias (not its sharings); return the new project.

    :param project_id: hashed id of the project to copy (templated).
    :param admin_email: owner of the copy, a Manager of the account (templated).
    :param extra_fields: more fields for Wistia, sent as they are (templated); see the README.
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        copy = WistiaCopyProjectOperator(
            task_id="copy_template", project_id="abc123defg", admin_email="owner@example.com"
        )
    """

    template_fields: Sequence[str] = ("project_id", "admin_email", "extra_fields")

    def __init__(
        self,
        *,
        project_id: str,
        admin_email: str | None = None,
        extra_fields: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(project_id=project_id, **kwargs)
        self.admin_email = admin_email
        self.extra_fields = extra_fields

    def call(self, hook: WistiaHook) -> Any:
        extra = extra_fields_for(hook.copy_project, self.extra_fields)
        return hook.copy_project(self.project_id, admin_email=blank_to_none(self.admin_email), **extra)
