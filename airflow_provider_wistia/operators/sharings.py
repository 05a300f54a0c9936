"""Operators for a project's sharings (who, besides the account, may see the project)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow_provider_wistia.hooks.wistia import WistiaHook
from airflow_provider_wistia.operators.base import (
    WistiaDeleteOperator,
    WistiaProjectOperator,
    extra_fields_for,
)


class _SharingOperator(WistiaProjectOperator):
    """An operator about one sharing (``sharing_id``: an int, or digits from a template)."""

    template_fields: Sequence[str] = ("project_id", "sharing_id")

    def __init__(self, *, project_id: str, sharing_id: int | str, **kwargs: Any) -> None:
        super().__init__(project_id=project_id, **kwargs)
        self.sharing_id = sharing_id


class WistiaListSharingsOperator(WistiaProjectOperator):
    """Return every sharing of a project as a list.

    :param project_id: hashed id of the project (templated).
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        sharings = WistiaListSharingsOperator(task_id="list_sharings", project_id="abc123defg")
    """

    def call(self, hook: WistiaHook) -> Any:
        return hook.list_sharings(self.project_id)


class WistiaGetSharingOperator(_SharingOperator):
    """Return one sharing of a project.

    :param project_id: hashed id of the project (templated).
    :param sharing_id: numeric id of the sharing; a string of digits is fine (templated).
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        sharing = WistiaGetSharingOperator(
            task_id="get_sharing", project_id="abc123defg", sharing_id=14
        )
    """

    def call(self, hook: WistiaHook) -> Any:
        return hook.get_sharing(self.project_id, self.sharing_id)


class WistiaCreateSharingOperator(WistiaProjectOperator):
    """Share a project with a person; return Wistia's answer (``{"project": url, "sharing": {...}}``).

    :param project_id: hashed id of the project (templated).
    :param with_email: email address of the person to share with (templated).
    :param require_password: whether the person must log in (Wistia's default: yes).
    :param can_share: whether the person may share the project further.
    :param can_download: whether the person may download medias.
    :param can_upload: whether the person may upload medias.
    :param extra_fields: more sharing fields for Wistia (e.g. ``sendEmailNotification``), sent
        as they are inside the JSON body's ``sharing`` object like the others (templated).
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        share = WistiaCreateSharingOperator(
            task_id="share", project_id="abc123defg", with_email="reviewer@example.com", can_download=True
        )
    """

    template_fields: Sequence[str] = ("project_id", "with_email", "extra_fields")

    def __init__(
        self,
        *,
        project_id: str,
        with_email: str,
        require_password: bool | None = None,
        can_share: bool | None = None,
        can_download: bool | None = None,
        can_upload: bool | None = None,
        extra_fields: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(project_id=project_id, **kwargs)
        self.with_email = with_email
        self.require_password = require_password
        self.can_share = can_share
        self.can_download = can_download
        self.can_upload = can_upload
        self.extra_fields = extra_fields

    def call(self, hook: WistiaHook) -> Any:
        return hook.create_sharing(
            self.project_id,
            self.with_email,
            require_password=self.require_password,
            can_share=self.can_share,
            can_download=self.can_download,
            can_upload=self.can_upload,
            **extra_fields_for(hook.create_sharing, self.extra_fields),
        )


class WistiaUpdateSharingOperator(_SharingOperator):
    """Change a sharing's permissions; return the updated sharing.

    :param project_id: hashed id of the project (templated).
    :param sharing_id: numeric id of the sharing; a string of digits is fine (templated).
    :param can_share: whether the person may share the project further.
    :param can_download: whether the person may download medias.
    :param can_upload: whether the person may upload medias.
    :param is_admin: whether the person administers the project.
    :param extra_fields: more sharing fields for Wistia, sent as they are inside the JSON
        body's ``sharing`` object like the others (templated).
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        promote = WistiaUpdateSharingOperator(
            task_id="make_admin", project_id="abc123defg", sharing_id=14, is_admin=True
        )
    """

    template_fields: Sequence[str] = ("project_id", "sharing_id", "extra_fields")

    def __init__(
        self,
        *,
        project_id: str,
        sharing_id: int | str,
        can_share: bool | None = None,
        can_download: bool | None = None,
        can_upload: bool | None = None,
        is_admin: bool | None = None,
        extra_fields: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(project_id=project_id, sharing_id=sharing_id, **kwargs)
        self.can_share = can_share
        self.can_download = can_download
        self.can_upload = can_upload
        self.is_admin = is_admin
        self.extra_fields = extra_fields

    def call(self, hook: WistiaHook) -> Any:
        return hook.update_sharing(
            self.project_id,
            self.sharing_id,
            can_share=self.can_share,
            can_download=self.can_download,
            can_upload=self.can_upload,
            is_admin=self.is_admin,
            **extra_fields_for(hook.update_sharing, self.extra_fields),
        )


class WistiaDeleteSharingOperator(WistiaDeleteOperator):
    """Remove a sharing; return the deleted sharing.

    :param project_id: hashed id of the project (templated).
    :param sharing_id: numeric id of the sharing; a string of digits is fine (templated).
    :param missing_ok: if True, a sharing that is already gone is a success (returns None).
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        unshare = WistiaDeleteSharingOperator(
            task_id="unshare", project_id="abc123defg", sharing_id=14, missing_ok=True
        )
    """

    template_fields: Sequence[str] = ("project_id", "sharing_id")
    subject = "Sharing {sharing_id!r} of project {project_id!r}"

    def __init__(self, *, project_id: str, sharing_id: int | str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.project_id = project_id
        self.sharing_id = sharing_id

    def call(self, hook: WistiaHook) -> Any:
        return hook.delete_sharing(self.project_id, self.sharing_id)
