"""OpenLineage for the operators that export Wistia data to a file.

With the ``apache-airflow-providers-openlineage`` provider installed and configured, its
listener asks each finished task for ``get_openlineage_facets_on_complete``; an export then
reports what it read and what it wrote:

* input: namespace ``wistia://<API host>`` (``wistia://api.wistia.com``), name ``medias``,
  or ``projects/<hashed id>`` for an export of one project (the events export: ``events``,
  or ``medias/<hashed id>/events``);
* output: the written file, named as OpenLineage's naming spec names it whatever the Airflow
  connection that wrote it (``ObjectStoragePath(..., conn_id=...)``, ``s3://<conn>@<bucket>/...``):
  ``file`` + the absolute path (``file://<host>`` for a remote host), ``s3://<bucket>`` + the key,
  ``gs://<bucket>`` + the key, ``abfss://<container>@<account>.dfs.core.windows.net`` + the path
  (``wasbs://`` likewise for Blob Storage); with a schema facet of its columns.

Nothing of OpenLineage is imported until the listener calls in, so without the provider
nothing changes (and :func:`export_lineage` returns None).
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

# OpenLineage's own names for stores whose URL scheme differs (gcs:// is gs://, az:// is abfss://).
_SCHEME_ALIASES = {
    "gcs": "gs",
    "s3a": "s3",
    "s3n": "s3",
    "abfs": "abfss",
    "az": "abfss",
    "adl": "abfss",
    "wasb": "wasbs",
}
_AZURE_SCHEMES = ("abfss", "wasbs")
_AZURE_SUFFIX = ".core.windows.net"


def file_dataset_name(target: Any, azure_account: str | None = None) -> tuple[str, str]:
    """``(namespace, name)`` of a written file in OpenLineage's naming.

    ``target``: a URL, a local path or an ``ObjectStoragePath``. A connection id (Airflow's
    ``scheme://<conn_id>@<bucket>/...``) is never part of the name. ``azure_account``: the
    storage account of an ``abfs``/``wasb`` path whose URL does not name it (Airflow's paths
    take it from their connection).
    """
    url = str(target)
    parts = urlsplit(url if "://" in url else f"file://{url}")
    scheme = _SCHEME_ALIASES.get(parts.scheme, parts.scheme)
    userinfo, _, host = parts.netloc.rpartition("@")
    path = parts.path
    if scheme == "file":
        return ("file" if host in ("", "localhost") else f"file://{host}"), path
    if scheme in _AZURE_SCHEMES:
        account: str | None
        if host.endswith(_AZURE_SUFFIX):  # container@account.dfs.core.windows.net
            container, account = userinfo, host.split(".", 1)[0]
        else:  # container, or <conn_id>@container
            container, account = host, azure_account
        service = f"@{account}.dfs{_AZURE_SUFFIX}" if account else ""
        return f"{scheme}://{container}{service}", path.lstrip("/")
    return f"{scheme}://{host}", path.lstrip("/")


def azure_account(target: Any) -> str | None:
    """The storage account of an Airflow ``abfs``/``wasb`` path, from its connection (as the
    Azure provider reads it: the host's account URL, else the login); None otherwise."""
    # Airflow 3.3 has ObjectStoragePath.conn_id; 3.1 keeps it in storage_options only.
    conn_id = getattr(target, "conn_id", None) or (getattr(target, "storage_options", None) or {}).get(
        "conn_id"
    )
    scheme = _SCHEME_ALIASES.get(urlsplit(str(target)).scheme, "")
    if scheme not in _AZURE_SCHEMES or not conn_id:
        return None
    from airflow.sdk import BaseHook

    try:
        conn = BaseHook.get_connection(conn_id)
    except Exception:  # lineage must never fail a finished task
        log.warning("Could not read connection %r for the lineage's storage account.", conn_id)
        return None
    host = (conn.host or "").strip()
    if host:
        name = urlsplit(host if "://" in host else f"https://{host}").hostname or ""
        return name.split(".", 1)[0] or None
    return (conn.login or "").strip() or None


def wistia_dataset_name(
    base_url: str, project_id: str | None = None, name: str | None = None
) -> tuple[str, str]:
    """``(namespace, name)`` of the Wistia data an export read: the API host, and ``name`` or
    else ``medias`` (``projects/<hashed id>`` for one project)."""
    host = urlsplit(base_url).netloc or base_url
    return f"wistia://{host}", name or (f"projects/{project_id}" if project_id else "medias")


def export_lineage(
    *,
    base_url: str,
    output_url: Any,
    columns: Sequence[str],
    column_types: Mapping[str, str] | None = None,
    project_id: str | None = None,
    input_name: str | None = None,
) -> Any:
    """The ``OperatorLineage`` of an export of ``columns`` to ``output_url`` (a URL, a local path
    or an ``ObjectStoragePath``); None without OpenLineage.

    The input is named by :func:`wistia_dataset_name` (``input_name``, else from ``project_id``).
    """
    try:
        from airflow.providers.openlineage.extractors import OperatorLineage
        from openlineage.client.event_v2 import Dataset
        from openlineage.client.facet_v2 import schema_dataset
    except ImportError:
        return None
    types = column_types or {}
    schema = schema_dataset.SchemaDatasetFacet(
        fields=[
            schema_dataset.SchemaDatasetFacetFields(name=column, type=types.get(column, "string"))
            for column in columns
        ]
    )
    input_namespace, input_name = wistia_dataset_name(base_url, project_id, input_name)
    output_namespace, output_name = file_dataset_name(output_url, azure_account(output_url))
    return OperatorLineage(
        inputs=[Dataset(namespace=input_namespace, name=input_name)],
        outputs=[Dataset(namespace=output_namespace, name=output_name, facets={"schema": schema})],
    )


class WistiaExportLineageMixin:
    """``get_openlineage_facets_on_complete`` for an operator that exports Wistia data to a file.

    The operator has ``destination`` (where it wrote), optionally ``project_id``, a ``hook``,
    and implements :meth:`lineage_columns`; :attr:`lineage_column_types` types the columns
    (``string`` for any column it does not name).
    """

    lineage_column_types: Mapping[str, str] = {}

    @abstractmethod
    def lineage_columns(self) -> Sequence[str]:
        """The columns of the written file, in order."""

    def lineage_input_name(self) -> str | None:
        """The input dataset's name; None: ``medias``, or ``projects/<project_id>``."""
        return None

    def get_openlineage_facets_on_complete(self, task_instance: Any) -> Any:
        from airflow_provider_wistia.exports.stats import storage_path

        operator: Any = self
        try:
            base_url = operator.hook.settings.base_url
            destination = operator.destination
            # A URL as written (Airflow's path would read an account's user-info as a conn id).
            remote = isinstance(destination, str) and "://" in destination
            output_url = destination.strip() if remote else storage_path(destination)
            columns = list(self.lineage_columns())
            input_name = self.lineage_input_name()
        except Exception:  # lineage must never fail a finished task
            log.warning("Could not describe the export's lineage.", exc_info=True)
            return None
        return export_lineage(
            base_url=base_url,
            output_url=output_url,
            columns=columns,
            column_types=self.lineage_column_types,
            project_id=getattr(operator, "project_id", None) or None,
            input_name=input_name,
        )
