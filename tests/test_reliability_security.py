"""The API token never leaks, and bad input fails before any request, in real DAG runs.

Where the logs are: ``dag.test()`` runs each task in this process and writes no log files
(``AIRFLOW_HOME/logs`` stays empty). A task's own log (``self.log``, its traceback) goes to
standard output, read with ``capfd``; the provider's module loggers (the hook's retry
warnings) reach pytest's log capture, read with ``caplog``. Both are searched, as well as
every file under ``AIRFLOW_HOME`` (the SQLite database and its WAL hold the XComs, rendered
template fields and task-instance rows) and the URLs the emulator received.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
import wistia_test_reliability_bad_input
import wistia_test_reliability_every_operator
from conftest import AIRFLOW_HOME, TOKEN, task_states, xcom

from airflow_provider_wistia.emulator import FAULT_KINDS, WistiaEmulator

# The token as it could appear: raw (Bearer) or inside an HTTP Basic header value.
NEEDLES = (TOKEN.encode(), base64.b64encode(f"api:{TOKEN}".encode()))


def _leaks(haystack: bytes) -> list[bytes]:
    return [needle for needle in NEEDLES if needle in haystack]


def _home_files() -> dict[str, bytes]:
    """Every file under the Airflow home (database, WAL, logs...), as bytes."""
    return {str(p.relative_to(AIRFLOW_HOME)): p.read_bytes() for p in AIRFLOW_HOME.rglob("*") if p.is_file()}


def _rendered_fields(dag_run: Any) -> dict[str, Any]:
    from airflow.models.renderedtifields import RenderedTaskInstanceFields as Rtif
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = session.query(Rtif).filter_by(dag_id=dag_run.dag_id, run_id=dag_run.run_id).all()
        return {row.task_id: row.rendered_fields for row in rows}


def every_operator_under_faults(
    emulator: WistiaEmulator, tmp_path: Path, name: str, projects_path: str
) -> dict[str, Any]:
    """The faults and ``conf`` of a run of the every-operator DAG: transient faults on every read
    (absorbed by retries, each logged) and on some writes, and two tasks that fail with a Wistia
    error (a 404, and a POST that may have applied). ``projects_path``: ``/v1/projects`` or
    ``/modern/folders``."""
    api = projects_path.rsplit("/", 1)[0]
    doomed = emulator.create_project("Doomed")["hashedId"]
    upload = tmp_path / "launch.mp4"
    upload.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(4096))
    emulator.set_random_faults(0.2, kinds=FAULT_KINDS, seed=5, method="GET", retry_after=0, delay=0.6)
    emulator.add_fault("reset_after", method="PUT", path=f"^{projects_path}/", times=1)
    emulator.add_fault("rate_limit", method="POST", path="/sharings", retry_after=0, times=1)
    emulator.add_fault("commit_then_500", method="DELETE", path=f"^{api}/medias/", times=1)
    emulator.add_fault("commit_then_500", method="POST", path=f"^{projects_path}/{doomed}/copy", times=1)
    return {
        "name": name,
        "email": "ana@example.com",
        "file_path": str(upload),
        "video_url": "https://example.com/videos/launch.mp4",
        "destination": str(tmp_path / "stats.jsonl"),
        "doomed_project": doomed,
    }


def test_token_appears_nowhere_after_every_operator_and_failure(
    run_dag,
    emulator: WistiaEmulator,
    set_connection,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("DEBUG")
    set_connection(timeout=0.5, max_retries=10, rate_limit_per_minute=100_000)
    conf = every_operator_under_faults(emulator, tmp_path, "Reliability every operator", "/v1/projects")

    dr = run_dag(wistia_test_reliability_every_operator.dag, conf)

    states = task_states(dr)
    failing = {"fails_not_found", "fails_may_have_applied"}
    assert {t for t, s in states.items() if s != "success"} == failing, states
    assert all(states[t] == "failed" for t in failing)
    out, err = capfd.readouterr()
    output = out + err + caplog.text
    # The failures and retries are in the captured task logs (so the search below means something).
    assert "Media with hashed ID 'missing0000' not found" in output
    assert "may have been applied by Wistia" in output and "retrying in" in output
    files = _home_files()
    assert any(conf["name"].encode() in data for data in files.values())  # XComs are stored in clear

    leaks = {name: _leaks(data) for name, data in files.items()}
    leaks["captured output"] = _leaks(output.encode())
    leaks["XComs"] = _leaks(json.dumps([xcom(dr, t) for t in states], default=str).encode())
    leaks["rendered fields"] = _leaks(json.dumps(_rendered_fields(dr), default=str).encode())
    leaks["emulator URLs"] = _leaks("\n".join(r.raw_path for r in emulator.requests).encode())
    assert {where: found for where, found in leaks.items() if found} == {}
    # Nothing needed masking either: the token never reached a logger in the first place.
    assert "***" not in output

    figures = {
        "tasks": len(states),
        "failed_on_purpose": sorted(failing),
        "requests": emulator.request_count,
        "faults_injected": emulator.faults_injected,
        "airflow_home_files": sorted(files),
        "airflow_home_bytes": sum(len(d) for d in files.values()),
        "captured_output_chars": len(output),
        "task_log_files": [f for f in files if f.startswith("logs")],
        "leaks": 0,
    }
    print("reliability figures token:", json.dumps(figures, sort_keys=True))
    (tmp_path_factory.getbasetemp() / "reliability-token.json").write_text(json.dumps(figures, indent=2))


# Each task of wistia_test_reliability_bad_input and the text its error must contain.
BAD_INPUT_ERRORS = {
    "plain_http_host": "host 'http://api.wistia.invalid' uses plain http to a non-loopback host",
    "empty_token": "Connection 'wistia_no_token' has no API token",
    "unknown_auth_type": "extra auth_type 'oauth' is not supported",
    "per_page_over_100": "per_page must be from 1 to 100 (Wistia's maximum), got 101",
    "empty_project_id": "project_id is required but was ''",
    "blank_project_id_missing_ok": "project_id is required but was '   '",
    "blank_media_id": "media_id is required but was '   '",
    "empty_media_id": "media_id is required but was ''",
    "word_sharing_id": "sharing_id must be an integer sharing id, got 'twelve'",
    "fraction_sharing_id_missing_ok": "sharing_id must be an integer sharing id, got '1.5'",
}


def test_bad_input_fails_in_the_task_before_any_request(
    run_dag, emulator: WistiaEmulator, set_connection, capfd: pytest.CaptureFixture[str]
) -> None:
    set_connection("wistia_plain_http", host="http://api.wistia.invalid", timeout=0.5, max_retries=0)
    set_connection("wistia_no_token", token="")
    set_connection("wistia_bad_auth", auth_type="oauth")
    before = emulator.request_count

    dr = run_dag(wistia_test_reliability_bad_input.dag)

    assert task_states(dr) == dict.fromkeys(BAD_INPUT_ERRORS, "failed")
    assert emulator.request_count == before == 0
    out, err = capfd.readouterr()
    missing = {task: text for task, text in BAD_INPUT_ERRORS.items() if text not in out + err}
    assert missing == {}
    assert (out + err).count("WistiaConfigError") >= len(BAD_INPUT_ERRORS)
    assert not _leaks((out + err).encode())  # the refused connections carried the real token
