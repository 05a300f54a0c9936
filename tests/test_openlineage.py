"""OpenLineage: the export operators report what they read and wrote, through the real listener
of the OpenLineage provider (a test-only dependency); without the provider nothing is imported."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import task_states

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.operators import WistiaExportStatsOperator

needs_openlineage = pytest.mark.skipif(
    importlib.util.find_spec("airflow.providers.openlineage") is None,
    reason="the OpenLineage provider is a test-only dependency (the `test` extra)",
)

EVENTS_FILE = os.environ.get("WISTIA_TEST_OPENLINEAGE_EVENTS")  # set only for the run with the listener on
HERE = Path(__file__).resolve()


def _names(datasets) -> list[tuple[str, str]]:
    return [(d.namespace, d.name) for d in datasets]


@needs_openlineage
def test_export_lineage_names_the_api_and_the_file(emulator: WistiaEmulator, tmp_path: Path) -> None:
    from airflow.providers.openlineage.extractors import OperatorLineage

    host = emulator.base_url.removeprefix("http://")
    destination = tmp_path / "stats.csv"
    operator = WistiaExportStatsOperator(
        task_id="export", destination=str(destination), fields="hashed_id,plays"
    )
    lineage = operator.get_openlineage_facets_on_complete(None)
    assert isinstance(lineage, OperatorLineage)
    assert _names(lineage.inputs) == [(f"wistia://{host}", "medias")]
    assert _names(lineage.outputs) == [("file", str(destination))]
    schema = lineage.outputs[0].facets["schema"]
    assert [(f.name, f.type) for f in schema.fields] == [("hashed_id", "string"), ("plays", "integer")]

    for url, expected in {
        "s3://stats-bucket/wistia/2026-01-01.csv": ("s3://stats-bucket", "wistia/2026-01-01.csv"),
        "gs://stats-bucket/wistia/day.jsonl": ("gs://stats-bucket", "wistia/day.jsonl"),
        "gcs://stats-bucket/day.csv": ("gs://stats-bucket", "day.csv"),
        "file:///data/stats.csv": ("file", "/data/stats.csv"),
    }.items():
        operator = WistiaExportStatsOperator(task_id="x", destination=url, project_id="abc123defg")
        lineage = operator.get_openlineage_facets_on_complete(None)
        assert _names(lineage.outputs) == [expected], url
        assert _names(lineage.inputs) == [(f"wistia://{host}", "projects/abc123defg")]
        assert len(lineage.outputs[0].facets["schema"].fields) == 10  # every column by default


@needs_openlineage
def test_every_export_operator_reports_lineage(emulator: WistiaEmulator, tmp_path: Path) -> None:
    from airflow_provider_wistia.exports.activity import DAILY_STATS_FIELDS, EVENT_FIELDS
    from airflow_provider_wistia.operators import WistiaExportDailyStatsOperator, WistiaExportEventsOperator

    api = f"wistia://{emulator.base_url.removeprefix('http://')}"
    daily = WistiaExportDailyStatsOperator(
        task_id="daily",
        destination="s3://warehouse/daily.csv",
        project_id="abc123defg",
        fields="date,play_count",
    ).get_openlineage_facets_on_complete(None)
    assert _names(daily.inputs) == [(api, "projects/abc123defg")]
    assert _names(daily.outputs) == [("s3://warehouse", "daily.csv")]
    assert [(f.name, f.type) for f in daily.outputs[0].facets["schema"].fields] == [
        ("date", "date"),
        ("play_count", "integer"),
    ]
    for media_id, name in ((None, "events"), ("xyz987wvut", "medias/xyz987wvut/events")):
        events = WistiaExportEventsOperator(
            task_id="events",
            destination=str(tmp_path / "events.jsonl"),
            media_id=media_id,
            file_format="jsonl",
        ).get_openlineage_facets_on_complete(None)
        assert _names(events.inputs) == [(api, name)]
        assert _names(events.outputs) == [("file", str(tmp_path / "events.jsonl"))]
        fields = events.outputs[0].facets["schema"].fields
        assert [f.name for f in fields] == list(EVENT_FIELDS)
        assert {f.name: f.type for f in fields}["percent_viewed"] == "float"
    all_daily = WistiaExportDailyStatsOperator(task_id="all", destination="gs://w/d.csv")
    lineage = all_daily.get_openlineage_facets_on_complete(None)
    assert _names(lineage.inputs) == [(api, "medias")]
    assert [f.name for f in lineage.outputs[0].facets["schema"].fields] == list(DAILY_STATS_FIELDS)


@needs_openlineage
def test_the_listener_reports_a_real_export(tmp_path: Path) -> None:
    """Run an export DAG in a fresh process with OpenLineage on (file transport); read the events."""
    events = tmp_path / "events.jsonl"
    env = {
        **os.environ,
        "WISTIA_TEST_OPENLINEAGE_EVENTS": str(events),
        "AIRFLOW__OPENLINEAGE__TRANSPORT": json.dumps(
            {"type": "file", "log_file_path": str(events), "append": True}
        ),
        "AIRFLOW__OPENLINEAGE__NAMESPACE": "wistia-tests",
    }
    env.pop("AIRFLOW_HOME", None)  # the child's conftest makes its own
    test = f"{HERE}::test_export_run_with_the_listener_on"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=HERE.parent.parent,
    )
    assert result.returncode == 0 and "1 passed" in result.stdout, (
        result.stdout[-4000:] + result.stderr[-2000:]
    )
    written = json.loads((tmp_path / "written.json").read_text())
    completes = {}
    for line in events.read_text().splitlines():
        event = json.loads(line)
        if event["eventType"] == "COMPLETE" and event["job"]["name"].startswith("wistia_test_ops_export."):
            completes[event["job"]["name"].rsplit(".", 1)[1]] = event
    assert set(completes) == {"export_csv", "export_jsonl"}
    csv_event, jsonl_event = completes["export_csv"], completes["export_jsonl"]
    host = written["host"]
    assert [(d["namespace"], d["name"]) for d in csv_event["inputs"]] == [(f"wistia://{host}", "medias")]
    assert [(d["namespace"], d["name"]) for d in csv_event["outputs"]] == [("file", written["csv"])]
    project_input = [(d["namespace"], d["name"]) for d in jsonl_event["inputs"]]
    assert project_input == [(f"wistia://{host}", f"projects/{written['project_id']}")]
    (output,) = jsonl_event["outputs"]
    assert (output["namespace"], output["name"]) == ("file", written["jsonl"])
    fields = [(f["name"], f["type"]) for f in output["facets"]["schema"]["fields"]]
    assert fields == [("plays", "integer"), ("hashed_id", "string"), ("type", "string")]


@pytest.mark.skipif(
    not EVENTS_FILE, reason="run by test_the_listener_reports_a_real_export, in its own process"
)
def test_export_run_with_the_listener_on(run_dag, emulator: WistiaEmulator) -> None:
    from wistia_test_ops_export import dag

    out = Path(str(EVENTS_FILE)).parent
    project = emulator.create_project("Lineage")["hashedId"]
    emulator.seed_medias(3, project_id=project)
    conf = {"csv": str(out / "all.csv"), "jsonl": str(out / "project.jsonl"), "project_id": project}
    run = run_dag(dag, conf)
    assert run.state == "success", task_states(run)
    written = {**conf, "host": emulator.base_url.removeprefix("http://")}
    (out / "written.json").write_text(json.dumps(written))


# Airflow's own provider discovery reads every installed provider's metadata module; anything
# beyond that (the provider's code, the OpenLineage client) must stay unimported.
LINEAGE_CODE = r"""
def lineage_code(name):
    discovery = ("airflow.providers.openlineage", "airflow.providers.openlineage.get_provider_info")
    return name == "openlineage" or name.startswith(("openlineage.", "airflow.providers.openlineage.")) and (
        name not in discovery
    )
"""

BLOCKED = (
    LINEAGE_CODE
    + r"""
import importlib.abc, sys

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if lineage_code(name):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return None

sys.meta_path.insert(0, Block())
from airflow_provider_wistia.operators import WistiaExportStatsOperator
from airflow_provider_wistia.openlineage import export_lineage

operator = WistiaExportStatsOperator(task_id="export", destination="/tmp/x.csv")
assert export_lineage(base_url="https://api.wistia.com", output_url="/tmp/x.csv", columns=["a"]) is None
leaked = sorted(m for m in sys.modules if lineage_code(m))
assert not leaked, leaked
print("ok")
"""
)


def test_without_the_provider_nothing_changes_and_nothing_is_imported() -> None:
    """The provider's code and the client blocked: importing, building and asking for lineage work."""
    result = subprocess.run([sys.executable, "-c", BLOCKED], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-3000:]
