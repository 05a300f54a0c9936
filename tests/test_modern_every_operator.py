"""Every original operator (and the five of issue 12 the reliability DAG runs) in one real DAG run
on a modern connection, under the same faults as on v1: the same tasks succeed and fail.

The DAG is ``wistia_test_reliability_every_operator`` itself with the two changes a DAG author
makes when moving (see ``dags/wistia_test_modern_every_operator.py``).
"""

from __future__ import annotations

from pathlib import Path

import wistia_test_modern_every_operator
from conftest import task_states

from airflow_provider_wistia.emulator import FAULT_KINDS, WistiaEmulator

RELEASE = "2026-07"


def test_every_operator_on_a_modern_connection(
    run_dag, emulator: WistiaEmulator, set_connection, tmp_path: Path
) -> None:
    set_connection(timeout=0.5, max_retries=10, rate_limit_per_minute=100_000, api_version=RELEASE)
    doomed = emulator.create_project("Doomed")["hashedId"]
    upload = tmp_path / "launch.mp4"
    upload.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(4096))
    emulator.set_random_faults(0.2, kinds=FAULT_KINDS, seed=5, method="GET", retry_after=0, delay=0.6)
    emulator.add_fault("reset_after", method="PUT", path="^/modern/folders/", times=1)
    emulator.add_fault("rate_limit", method="POST", path="/sharings", retry_after=0, times=1)
    emulator.add_fault("commit_then_500", method="DELETE", path="^/modern/medias/", times=1)
    emulator.add_fault("commit_then_500", method="POST", path=f"^/modern/folders/{doomed}/copy", times=1)
    conf = {
        "name": "Modern every operator",
        "email": "ana@example.com",
        "file_path": str(upload),
        "video_url": "https://example.com/videos/launch.mp4",
        "destination": str(tmp_path / "stats.jsonl"),
        "doomed_project": doomed,
        "copy_target": emulator.create_project("Copy target")["hashedId"],
    }

    dr = run_dag(wistia_test_modern_every_operator.dag, conf)

    states = task_states(dr)
    failing = {"fails_not_found", "fails_may_have_applied"}
    assert {t for t, s in states.items() if s != "success"} == failing, states
    api = [r for r in emulator.requests if r.path not in ("/", "/oembed")]  # upload and oEmbed: unversioned
    assert len(states) >= 30 and api
    assert all(r.path.startswith("/modern/") for r in api), {
        r.path for r in api if not r.path.startswith("/modern")
    }
    assert all(r.headers.get("X-Wistia-Api-Version") == RELEASE for r in api)
