"""OpenLineage names an export's file as its naming spec does, whatever Airflow connection wrote it:
the operator's own ``get_openlineage_facets_on_complete`` for s3, gs, abfs (and wasbs) and file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_openlineage import needs_openlineage

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.operators import WistiaExportStatsOperator


def _output(destination: Any) -> tuple[str, str]:
    operator = WistiaExportStatsOperator(task_id="export", destination=destination, fields="hashed_id")
    lineage = operator.get_openlineage_facets_on_complete(None)
    [dataset] = lineage.outputs
    return dataset.namespace, dataset.name


def _path(url: str, conn_id: str | None = None) -> Any:
    from airflow.sdk import ObjectStoragePath

    return ObjectStoragePath(url, conn_id=conn_id) if conn_id else ObjectStoragePath(url)


@needs_openlineage
@pytest.mark.parametrize(
    ("destination", "expected"),
    [
        (("s3://my-bucket/x.csv", "aws_prod"), ("s3://my-bucket", "x.csv")),
        ("s3://aws_prod@my-bucket/x.csv", ("s3://my-bucket", "x.csv")),
        (("s3://aws_prod@my-bucket/x.csv", None), ("s3://my-bucket", "x.csv")),
        (("s3://my-bucket/daily/x.csv", None), ("s3://my-bucket", "daily/x.csv")),
        (("gs://bucket/dir/x.csv", "google_cloud_default"), ("gs://bucket", "dir/x.csv")),
        ("gs://gcp_prod@bucket/dir/x.csv", ("gs://bucket", "dir/x.csv")),
        ("gcs://bucket/x.csv", ("gs://bucket", "x.csv")),
        (
            "abfss://container@myaccount.dfs.core.windows.net/dir/x.csv",
            ("abfss://container@myaccount.dfs.core.windows.net", "dir/x.csv"),
        ),
        (
            ("abfs://container/dir/x.csv", "azure_by_login"),
            ("abfss://container@myaccount.dfs.core.windows.net", "dir/x.csv"),
        ),
        (
            ("abfs://container/dir/x.csv", "azure_by_host"),
            ("abfss://container@hostaccount.dfs.core.windows.net", "dir/x.csv"),
        ),
        (
            "wasbs://container@myaccount.blob.core.windows.net/x.csv",
            ("wasbs://container@myaccount.dfs.core.windows.net", "x.csv"),
        ),
        (("file:///data/x.csv", "fs_default"), ("file", "/data/x.csv")),
        (("file:///data/x.csv", None), ("file", "/data/x.csv")),
        ("/data/x.csv", ("file", "/data/x.csv")),
        ("file://fileserver/data/x.csv", ("file://fileserver", "/data/x.csv")),
    ],
)
def test_datasets_follow_openlineage_naming_whatever_the_connection(
    destination: Any, expected: tuple[str, str], emulator: WistiaEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_AZURE_BY_LOGIN", json.dumps({"conn_type": "adls", "login": "myaccount"}))
    monkeypatch.setenv(
        "AIRFLOW_CONN_AZURE_BY_HOST",
        json.dumps({"conn_type": "wasb", "host": "https://hostaccount.blob.core.windows.net/"}),
    )
    target = _path(*destination) if isinstance(destination, tuple) else destination
    assert _output(target) == expected


@needs_openlineage
def test_a_relative_local_path_is_named_absolute(
    emulator: WistiaEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert _output("out/x.csv") == ("file", str(tmp_path / "out" / "x.csv"))
