"""Schemathesis fuzzes every operation of the emulator against Wistia's published OpenAPI: the
76 of v1 (``/v1``) and the 105 of the modern 2026-03 description (``/modern`` with
``X-Wistia-Api-Version: 2026-03``).

Each run uses schemathesis's Python API (``schemathesis.engine``) with the phases examples,
coverage and fuzzing and the checks ``not_a_server_error`` and ``response_schema_conformance``,
from a fixed seed, bounded by ``max-time``: ``WISTIA_FUZZ_SECONDS`` (130 here; ``make fuzz`` runs
600) shared by the two specs, half each. The emulator runs in its own process (so it has a core
of its own) with the demo account and no rate limit. Path parameters take real ids of that
account half of the time (schemathesis dictionaries), so handlers are reached and not only their
404s. A clean run finds nothing: no 5xx and no answer outside the spec, in the run's checks and
in the emulator's own request log.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

schemathesis = pytest.importorskip("schemathesis")

from schemathesis.config import SchemathesisConfig  # noqa: E402
from schemathesis.engine import Status, events  # noqa: E402

from airflow_provider_wistia.emulator import WistiaEmulatorProcess  # noqa: E402
from airflow_provider_wistia.emulator.modern import VERSION_HEADER  # noqa: E402

SPECS = Path(__file__).parent / "specs"
V1_SPEC = SPECS / "wistia-v1.openapi.yml"
MODERN_SPEC = SPECS / "wistia-modern-2026-03.openapi.yaml"
MODERN_RELEASE = "2026-03"
TOKEN = "fuzz-token-3b7e1d"
SECONDS = int(os.environ.get("WISTIA_FUZZ_SECONDS", "130"))  # both specs together
V1_SECONDS = SECONDS // 2
MODERN_SECONDS = SECONDS - V1_SECONDS
SEED = int(os.environ.get("WISTIA_FUZZ_SEED", "20261207"))
V1_OPERATIONS = 76
MODERN_OPERATIONS = 105
DEMO_ACCOUNTS = 4  # demo seeds: enough projects and medias that the run's DELETEs do not use them all up
SUBFOLDER = "#/components/schemas/Subfolder"
# Where the spec and Wistia's real answers differ, the emulator answers as Wistia does and the run
# checks against the spec widened there: (where in the spec, what it allows instead, why, source).
# These are the response exceptions of the conformance test's table (tests/test_conformance_v1.py).
SPEC_EXCEPTIONS = (
    (
        ("components", "schemas", "IncludesSubfolder", "properties", "subfolder"),
        {"anyOf": [{"$ref": SUBFOLDER}, {"type": "null"}]},
        "'subfolder' is null for a media outside any subfolder: the field's own description says "
        "'Null if the media is not in a subfolder.', its schema (allOf Subfolder) allows no null",
        "wistia-v1.openapi.yml components/schemas/IncludesSubfolder (description); wistia-api-v1.md "
        "§4.2 Media object, 'subfolder' row ('{hashed_id, name, ...} or null')",
    ),
)


MODERN_SPEC_EXCEPTIONS: tuple[tuple[tuple[str, ...], dict[str, Any], str, str], ...] = ()
WEBINARS = 2  # the demo account has none; the modern run gets real webinar ids too


@pytest.fixture(scope="module")
def fuzzed_emulator() -> Iterator[tuple[WistiaEmulatorProcess, dict[str, list[Any]]]]:
    with WistiaEmulatorProcess("--rate-limit", "1000000000", token=TOKEN) as emu:
        seeded = [emu.admin("POST", "seed", {"demo": True}) for _ in range(DEMO_ACCOUNTS)]
        ids = {key: [value for seed in seeded for value in seed.get(key, [])] for key in seeded[0]}
        state = emu.admin("GET", "state")  # numeric ids too: the Stats API (and the emulator) take them
        ids["projects"] += [str(project["id"]) for project in state["projects"]]
        ids["medias"] += [str(media["id"]) for media in state["medias"]]
        modern = {"Authorization": f"Bearer {TOKEN}", VERSION_HEADER: MODERN_RELEASE}
        ids["webinars"] = [
            requests.post(
                f"{emu.base_url}/modern/webinars",
                json={"title": f"Fuzz {n}", "scheduled_for": "2026-12-24T10:00:00Z", "event_duration": 30},
                headers=modern,
                timeout=10,
            ).json()["id"]
            for n in range(WEBINARS)
        ]
        yield emu, ids


def wistia_spec(path: Path, exceptions: tuple[tuple[tuple[str, ...], dict[str, Any], str, str], ...]) -> Any:
    """A description as published, with its ``exceptions`` applied (in memory only)."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    for where, allowed, _why, _source in exceptions:
        *parents, leaf = where
        node = spec
        for key in parents:
            node = node[key]
        assert leaf in node, f"the spec no longer has {'/'.join(where)}: drop the exception"
        node[leaf] = {**allowed, "description": node[leaf].get("description", "")}
    return spec


def run_config(
    base_url: str, headers: dict[str, str], seconds: int, ids: dict[str, list[Any]], bound: dict[str, str]
) -> SchemathesisConfig:
    """One run's whole configuration (what ``st run`` flags would say), real ids as dictionaries:
    ``bound`` maps a path parameter to the kind of id it takes."""
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "max-time": seconds,
            "base-url": base_url,
            "headers": {"Authorization": f"Bearer {TOKEN}", **headers},
            "workers": 1,
            "cache": {"enabled": False},
            "warnings": False,
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
            "checks": {
                "enabled": False,
                "not_a_server_error": {"enabled": True},
                "response_schema_conformance": {"enabled": True},
            },
            "generation": {"max-examples": 50, "database": "none"},
            "dictionaries": {kind: {"values": [str(v) for v in ids[kind]]} for kind in set(bound.values())},
            "parameters": {
                f"path.{name}": {"dictionary": kind, "probability": 0.5} for name, kind in bound.items()
            },
        }
    )


def account_ids(ids: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The fixture's ids, with the fixed values some paths take (languages, domains)."""
    return {**ids, "languages": ["eng", "fra", "spa"], "domains": ["example.com"]}


def describe(recorder: Any) -> list[str]:
    """One entry per failed check: operation, what failed, and the curl command that reproduces it."""
    lines = []
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.failure_info is None:
                continue
            failure = check.failure_info.failure
            case = recorder.cases[case_id].value
            message = " ".join(str(failure.message).split())[:300]
            interaction = recorder.interactions.get(case_id)
            status = interaction.response.status_code if interaction and interaction.response else "-"
            curl = case.as_curl_command()
            lines.append(f"{recorder.label}: {failure.title} ({status}): {message}\n    {curl}")
    return lines


def fuzz(emu: WistiaEmulatorProcess, schema: Any, operations: int, prefix: str) -> None:
    """Run schemathesis over ``schema`` and assert it found nothing, in every one of its
    ``operations``, and that the emulator logged no 5xx for a path under ``prefix``."""
    assert schema.statistic.operations.total == operations  # the whole description, not a part
    failures: dict[str, str] = {}  # by operation and failure (a failure recurs in later scenarios)
    errors: list[str] = []
    tested: set[str] = set()
    cases = 0
    started = time.monotonic()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, (events.ScenarioFinished, events.FuzzScenarioFinished)):
            cases += len(event.recorder.cases)
            tested.update(case.value.operation.label for case in event.recorder.cases.values())
            if event.status == Status.FAILURE:
                for line in describe(event.recorder):
                    failures.setdefault(line.split("\n")[0], line)
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            errors.append(f"{event.label}: {event.value!r}")
    elapsed = time.monotonic() - started
    print(
        f"schemathesis {prefix}: {cases} cases over {len(tested)} operations in {elapsed:.0f} s (seed {SEED})"
    )

    assert not failures and not errors, "\n".join([f"{len(failures)} failures:", *failures.values(), *errors])
    assert len(tested) == operations, sorted(tested)
    # The emulator's own record agrees: the cases reached it, none was answered 5xx.
    log = [e for e in emu.admin("GET", f"requests?limit={cases * 4 + 5000}") if e["path"].startswith(prefix)]
    statuses = Counter(entry["status"] for entry in log)
    assert len(log) >= cases
    assert not {status: n for status, n in statuses.items() if status >= 500 or status == 0}


# Path parameter -> the kind of real id it takes half of the time (the fixture's ids).
V1_BOUND = {
    "id": "projects",
    "projectId": "projects",
    "mediaHashedId": "medias",
    "mediaId": "medias",
    "sharingId": "sharings",
    "subfolderId": "subfolders",
    "channelHashedId": "channels",
    "visitorKey": "visitors",
    "languageCode": "languages",
    "domain": "domains",
}


def test_schemathesis_finds_nothing_in_any_v1_operation(fuzzed_emulator: Any) -> None:
    emu, ids = fuzzed_emulator
    config = run_config(f"{emu.base_url}/v1", {}, V1_SECONDS, account_ids(ids), V1_BOUND)
    fuzz(
        emu,
        schemathesis.openapi.from_dict(wistia_spec(V1_SPEC, SPEC_EXCEPTIONS), config=config),
        V1_OPERATIONS,
        "/v1/",
    )


def test_schemathesis_finds_nothing_in_any_modern_operation(fuzzed_emulator: Any) -> None:
    emu, ids = fuzzed_emulator
    bound = {
        **V1_BOUND,
        "id": "folders_and_webinars",  # /folders/{id} and /webinars/{id}
        "folderId": "projects",
        "webinarId": "webinars",
    }
    known = {**account_ids(ids), "folders_and_webinars": ids["projects"] + ids["webinars"]}
    config = run_config(
        f"{emu.base_url}/modern", {VERSION_HEADER: MODERN_RELEASE}, MODERN_SECONDS, known, bound
    )
    spec = wistia_spec(MODERN_SPEC, MODERN_SPEC_EXCEPTIONS)
    fuzz(emu, schemathesis.openapi.from_dict(spec, config=config), MODERN_OPERATIONS, "/modern/")


def test_odd_requests_get_the_answers_wistia_gives(fuzzed_emulator: Any) -> None:
    """The fuzzer's finds, pinned: 405 with ``Allow`` for any method, 400 naming the parameter, 404
    for unknown paths and ids, a project deleted by its numeric id (these once answered 5xx), and a
    sharing only with an email address (once answered outside the spec)."""
    emu, _ = fuzzed_emulator
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {TOKEN}"
    v1 = f"{emu.base_url}/v1"
    for method in ("TRACE", "OPTIONS", "PROPFIND", "BREW"):
        answer = session.request(method, f"{v1}/account")
        assert answer.status_code == 405, method
        assert answer.headers["Allow"] == "GET, HEAD" and method in answer.json()["error"]
    unknown = session.get(f"{v1}/no_such_resource")
    assert unknown.status_code == 404 and set(unknown.json()) == {"error"}

    project = emu.admin("POST", "projects", {"name": "Odd requests"})
    paged = session.get(f"{v1}/projects/{project['hashedId']}/sharings?per_page=-142419&page=z%F1")
    assert paged.status_code == 400 and "parameter page" in paged.json()["error"]
    negative = session.get(f"{v1}/projects/{project['hashedId']}/sharings", params={"per_page": "-1"})
    assert negative.status_code == 400 and "parameter per_page" in negative.json()["error"]
    assert session.get(f"{v1}/stats/medias/%C2%B2%C2%B3").status_code == 404  # "²³" is no number
    not_email = session.post(
        f"{v1}/projects/{project['hashedId']}/sharings", json={"sharing": {"with": "useratexample.com"}}
    )  # the spec's 400 of this operation is a list of messages
    assert not_email.status_code == 400 and "parameter with" in not_email.json()[0]

    deleted = session.delete(f"{v1}/projects/{project['id']}")
    assert deleted.status_code == 200 and deleted.json()["hashedId"] == project["hashedId"]
    assert project["hashedId"] not in {p["hashedId"] for p in emu.admin("GET", "state")["projects"]}
    assert session.get(f"{v1}/projects/{project['hashedId']}").status_code == 404


def test_odd_live_events_and_modern_errors_get_the_documented_answers(fuzzed_emulator: Any) -> None:
    """Later finds, pinned: a live stream event's duration past any clock or in non-ASCII digits
    is a 422 naming it (it once answered 500, and then so did every listing), and the modern
    track's errors of shared handlers take the 2026-03 description's shape for the operation."""
    emu, _ = fuzzed_emulator
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {TOKEN}"
    v1, modern = f"{emu.base_url}/v1", f"{emu.base_url}/modern"
    event = {"title": "Odd", "scheduled_for": "2026-01-01T10:00:00Z"}
    for duration in (10**30, "²³", 2**31):
        refused = session.post(f"{v1}/live_stream_events", json={**event, "event_duration": duration})
        assert refused.status_code == 422 and "Event duration" in refused.json()["errors"][0], duration
    short = session.post(f"{v1}/live_stream_events", json={**event, "scheduled_for": "2026-01-01T10:00Z"})
    assert short.status_code == 422 and "Scheduled for" in short.json()["errors"][0]  # no seconds
    late = session.post(
        f"{v1}/live_stream_events",
        json={**event, "scheduled_for": "9999-12-31T23:59:00Z", "event_duration": 2**31 - 1},
    )
    assert late.status_code == 201 and late.json()["lifecycle_status"] == "scheduled"
    assert session.get(f"{v1}/live_stream_events").status_code == 200

    session.headers[VERSION_HEADER] = MODERN_RELEASE
    folder = session.post(f"{modern}/folders", json={"name": "Odd modern"}).json()["hashed_id"]
    traced = session.request("TRACE", f"{modern}/folders/{folder}")
    assert traced.status_code == 405 and traced.headers["Allow"] == "GET, PUT, DELETE, HEAD"
    for unknown in ("folders/nope0000", "webinars/nope0000", "medias/nope0000", "no_such_resource"):
        missing = session.get(f"{modern}/{unknown}")
        assert missing.status_code == 404 and isinstance(missing.json()["error"], str), unknown
    not_json = session.post(
        f"{modern}/folders/{folder}/sharings", data=b"\x00", headers={"Content-Type": "application/json"}
    )
    assert not_json.status_code == 400 and "JSON" in not_json.json()[0]
    token = session.post(f"{modern}/expiring_token", json={"expiring_access_token": {"expires_at": "soon"}})
    assert token.status_code == 422 and token.json() == {
        "errors": ["expires_at must be an ISO8601 timestamp"]
    }
    upload = session.post(
        f"{modern}/",
        data=b"--b\r\nNone--b--\r\n",
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert upload.status_code == 400 and upload.json()["error"]["code"] == "upload_failed"
    webinar = {"title": "Odd", "scheduled_for": "0313-12-04T11:34:37Z", "event_duration": 30}
    early = session.post(f"{modern}/webinars", json=webinar)  # "%Y" once wrote year 313 as "313"
    assert early.status_code == 201 and early.json()["scheduled_for"] == "0313-12-04T11:34:37Z"
    for field, value in (("event_duration", "\u0661\u0665"), ("scheduled_for", "0001-01-01T00:00:00+05:00")):
        refused = session.post(f"{modern}/webinars", json={**webinar, field: value})
        assert refused.status_code == 422 and field in refused.json()["errors"][0], field
