"""Project, sharing and account operators in real DAG runs against the emulator.

The emulator's own state is asserted after each run, not only the tasks' XCom values.
"""

from __future__ import annotations

import wistia_test_ops_failures
import wistia_test_ops_projects
from conftest import task_states, xcom

from airflow_provider_wistia.operators.links import WistiaLink, wistia_url

LINK_KEY = WistiaLink().xcom_key


def test_projects_and_sharings_lifecycle(run_dag, emulator) -> None:
    other = emulator.create_project("Someone else's")["hashedId"]
    conf = {"name": "Launch 2026", "email": "ana@example.com", "extra": "v2"}
    dr = run_dag(wistia_test_ops_projects.dag, conf)
    states = task_states(dr)
    assert set(states.values()) == {"success"}, states

    assert xcom(dr, "account")["mediaCount"] == 0
    pid = xcom(dr, "create_project")["hashedId"]
    assert xcom(dr, "create_project_again")["hashedId"] == pid  # if_exists="reuse": one project
    creates = [r for r in emulator.requests if r.method == "POST" and r.path == "/v1/projects.json"]
    assert len(creates) == 1

    stored = emulator.get_project(pid)
    assert stored["name"] == "Launch 2026 (renamed)"
    assert stored["description"] == "Made by wistia_test_ops_projects"
    assert stored["public"] is True and stored["anonymousCanDownload"] is True
    assert xcom(dr, "get_project")["name"] == "Launch 2026 (renamed)"

    sharing = xcom(dr, "create_sharing")["sharing"]
    assert sharing["share"]["email"] == "ana@example.com" and sharing["canDownload"] is True
    updated = xcom(dr, "update_sharing")  # sharing_id came from XCom, rendered as a string
    assert updated["id"] == sharing["id"] and updated["canUpload"] is True and updated["isAdmin"] is True
    assert xcom(dr, "get_sharing")["isAdmin"] is True
    assert [s["id"] for s in xcom(dr, "list_sharings")] == [sharing["id"]]
    assert xcom(dr, "delete_sharing")["id"] == sharing["id"]
    assert xcom(dr, "delete_sharing_again") is None  # missing_ok: a 404 is a success
    assert emulator.list_sharings(pid) == []

    copy = xcom(dr, "copy_project")
    assert copy["hashedId"] != pid and copy["name"] == "Launch 2026 (renamed)"
    assert xcom(dr, "delete_copy")["hashedId"] == copy["hashedId"]
    assert xcom(dr, "delete_copy_again") is None
    assert emulator.get_project(copy["hashedId"]) is None
    assert {p["hashedId"] for p in emulator.list_projects()} == {other, pid}
    assert {p["hashedId"] for p in xcom(dr, "list_projects")} == {other, pid}

    # extra_fields: rendered, and sent in the JSON body (as Wistia's v1 OpenAPI describes it) next to
    # the named fields, as Wistia reads them.
    def body_of(method: str, path: str) -> dict:
        (record,) = [r for r in emulator.requests if r.method == method and r.path == path]
        assert record.body_kind == "json", record
        return record.body

    assert body_of("POST", "/v1/projects.json")["futureField"] == "v2"
    assert body_of("POST", "/v1/projects.json")["name"] == "Launch 2026"
    updated_body = body_of("PUT", f"/v1/projects/{pid}.json")
    assert updated_body["futureField"] == "v2 update" and updated_body["public"] is True
    shared = body_of("POST", f"/v1/projects/{pid}/sharings.json")["sharing"]  # wrapped, as the spec has it
    assert shared["sendEmailNotification"] is False
    assert shared["with"] == "ana@example.com"
    sharing_put = body_of("PUT", f"/v1/projects/{pid}/sharings/{sharing['id']}.json")["sharing"]
    assert sharing_put["futureField"] == "v2" and sharing_put["isAdmin"] is True
    assert body_of("POST", f"/v1/projects/{pid}/copy.json") == {"futureField": "copy"}

    # The "Wistia" button: on operators about one project, pointing at the object touched.
    assert xcom(dr, "update_project", key=LINK_KEY) == wistia_url("projects", pid)
    assert xcom(dr, "update_sharing", key=LINK_KEY) == wistia_url("projects", pid)
    assert xcom(dr, "copy_project", key=LINK_KEY) == wistia_url("projects", copy["hashedId"])


def test_bad_arguments_fail_before_any_request(run_dag, emulator, tmp_path, capfd) -> None:
    emulator.create_project("Taken")
    before = emulator.request_count
    dr = run_dag(wistia_test_ops_failures.dag, {"existing": "Taken", "destination": str(tmp_path / "s.csv")})
    assert set(task_states(dr).values()) == {"failed"}, task_states(dr)
    # The only requests: if_exists="fail" looking for the name. Nothing else reached Wistia.
    sent = [(r.method, r.path) for r in emulator.requests]
    assert sent == [("GET", "/v1/projects.json")] and emulator.request_count == before + 1
    assert [p["name"] for p in emulator.list_projects()] == ["Taken"]
    assert not list(tmp_path.iterdir())
    output = "".join(capfd.readouterr())
    for message in (
        "WistiaConfigError: media_id is required but was '' (empty or blank).",
        "WistiaConfigError: sharing_id must be an integer sharing id, got 'not-a-number'.",
        "WistiaConfigError: WistiaUploadMediaOperator needs exactly one of file_path or url",
        "(unknown: nonsense).",
        "WistiaError: A Wistia project named 'Taken' already exists",
    ):
        assert message in output
