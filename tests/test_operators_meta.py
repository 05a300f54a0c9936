"""Operator conventions checked without running a DAG: cheap imports, no I/O at parse time,
documented and templated parameters, one colour, links where one object is touched."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pendulum
import pytest
from airflow.sdk import DAG

import airflow_provider_wistia.operators as ops
from airflow_provider_wistia.exceptions import WistiaConfigError
from airflow_provider_wistia.operators.base import WISTIA_UI_COLOR, WistiaLinkedOperator
from airflow_provider_wistia.provider_info import provider_info

OPERATORS = [getattr(ops, name) for name in ops.__all__ if name.endswith("Operator")]
OPERATORS = [op for op in OPERATORS if op.__module__ != "airflow_provider_wistia.operators.base"]
# Operators without a "Wistia" link: lists, the account, and deletes (the object is gone).
UNLINKED = {
    "WistiaListProjectsOperator",
    "WistiaListMediasOperator",
    "WistiaGetAccountOperator",
    "WistiaDeleteProjectOperator",
    "WistiaDeleteSharingOperator",
    "WistiaDeleteMediaOperator",
    "WistiaDeleteCaptionsOperator",
    "WistiaDeleteCustomizationsOperator",
    # Many medias at once, no one object: the generic API call, archiving, the account's tags.
    "WistiaApiOperator",
    "WistiaArchiveMediasOperator",
    "WistiaCreateTagOperator",
    # Modern track: webinars and episodes have no Wistia page link kind; tags span many medias.
    "WistiaCreateWebinarOperator",
    "WistiaUpdateWebinarOperator",
    "WistiaDeleteWebinarOperator",
    "WistiaRegisterForWebinarOperator",
    "WistiaTagMediasOperator",
    "WistiaPublishChannelEpisodeOperator",
    "WistiaCreateChannelOperator",
}
# Minimal arguments for each operator (templates are never rendered here).
REQUIRED = {
    "project_id": "{{ dag_run.conf['p'] }}",
    "sharing_id": "{{ dag_run.conf['s'] }}",
    "media_id": "{{ dag_run.conf['m'] }}",
    "name": "n",
    "with_email": "a@example.com",
    "destination": "/tmp/{{ ds }}.csv",
    "media_ids": "{{ dag_run.conf['ids'] }}",
    "replacement_media_id": "{{ dag_run.conf['r'] }}",
    "trims": ["00:00:00.000-00:00:01.000"],
    "caption_file": "1\n00:00:00,000 --> 00:00:01,000\nHi\n",
    "language": "eng",
    "customizations": {"playerColor": "{{ dag_run.conf['colour'] }}"},
    "channel_id": "{{ dag_run.conf['c'] }}",
    "method": "GET",
    "path": "medias/{{ dag_run.conf['m'] }}/captions",
    "title": "t",
    "scheduled_for": "{{ ds }}T16:00:00Z",
    "event_duration": 30,
    "webinar_id": "{{ dag_run.conf['w'] }}",
    "registrant_email": "a@example.com",
    "first_name": "A",
    "last_name": "B",
    "url": "https://example.com/{{ ds }}.mp4",
    "folder_id": "{{ dag_run.conf['f'] }}",
    "tag_names": "{{ dag_run.conf['tags'] }}",
    "episode_id": "{{ dag_run.conf['e'] }}",
}


def test_importing_the_package_is_cheap() -> None:
    code = (
        "import sys, airflow_provider_wistia.operators as o; "
        "assert o.__all__; "
        "loaded = [m for m in sys.modules if m.startswith('airflow_provider_wistia.') or m == 'requests'];"
        "print(loaded)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    # Only the package and its tiny stdlib-only lazy-export helper: no hook, no requests.
    assert out.strip() == "['airflow_provider_wistia._lazy', 'airflow_provider_wistia.operators']"


def test_every_issue_operator_is_exported_and_registered() -> None:
    names = {op.__name__ for op in OPERATORS}
    assert len(names) == 48  # 21, issue 12's 17, and issue 20's 10 modern-track ones
    modules = set(provider_info()["operators"][0]["python-modules"])
    assert {op.__module__ for op in OPERATORS} == modules


@pytest.mark.parametrize("operator", OPERATORS, ids=lambda op: op.__name__)
def test_operator_conventions(operator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIRFLOW_CONN_WISTIA_DEFAULT", raising=False)  # no connection: no lookup
    params = [p for p in inspect.signature(operator.__init__).parameters.values() if p.kind == p.KEYWORD_ONLY]
    doc = inspect.getdoc(operator) or ""
    for param in params:
        assert f":param {param.name}:" in doc, f"{operator.__name__} does not document {param.name}"
    assert ":param wistia_conn_id:" in doc
    required = {p.name: REQUIRED[p.name] for p in params if p.default is inspect.Parameter.empty}
    with DAG("conventions", schedule=None, start_date=pendulum.datetime(2026, 1, 1, tz="UTC")):
        task = operator(task_id="t", wistia_conn_id="no_such_connection", **required)
    assert task.ui_color == WISTIA_UI_COLOR
    assert "hook" not in task.__dict__  # the hook (and any connection lookup) waits for execute
    for field in task.template_fields:
        assert hasattr(task, field)
    for name in required:
        assert name in task.template_fields, f"{operator.__name__}.{name} is not templated"
    assert issubclass(operator, WistiaLinkedOperator) == (operator.__name__ not in UNLINKED)


def test_one_operator_shape() -> None:
    """Every operator implements call(hook); execute lives only in the base classes."""
    import airflow_provider_wistia.operators.base as base

    bases = {cls for cls in vars(base).values() if isinstance(cls, type)}
    for operator in OPERATORS:
        assert "call" in {name for cls in operator.__mro__ if cls not in bases for name in vars(cls)}, (
            operator
        )
        owners = [cls for cls in operator.__mro__ if "execute" in vars(cls)]
        assert owners[0] in bases, f"{operator.__name__} overrides execute in {owners[0].__name__}"


def test_argument_errors_at_parse_time() -> None:
    with pytest.raises(WistiaConfigError, match="if_exists must be one of create, reuse, fail"):
        ops.WistiaCreateProjectOperator(task_id="c", name="x", if_exists="sometimes")
    with pytest.raises(WistiaConfigError, match="file_format must be one of csv, jsonl"):
        ops.WistiaExportStatsOperator(task_id="e", destination="/tmp/x", file_format="xlsx")
    with pytest.raises(WistiaConfigError, match="poll_interval and ready_timeout must be positive"):
        ops.WistiaUploadMediaOperator(task_id="u", url="https://x/y.mp4", poll_interval=0)


def test_embed_options_as_keyword_arguments() -> None:
    task = ops.WistiaGetMediaEmbedOperator(
        task_id="e",
        media_id="abc",
        embedType="popover",
        width=640,
        maxheight=300,
        oembed_params={"handle": "h"},
    )
    assert task.embed_options == {"embedType": "popover", "width": 640, "maxheight": 300}
    assert task.oembed_params == {"handle": "h"}
    assert ops.WistiaGetMediaEmbedOperator(task_id="f", media_id="a", embed_type="seo").embed_options == {
        "embedType": "seo"
    }
