"""``make demo``: run every example DAG on real Airflow against the bundled Wistia emulator.

What it does, from nothing: a throw-away AIRFLOW_HOME (``.airflow-demo/``, wiped at each
start so a second run behaves like the first) with a SQLite metadata database, the
emulator in its own process seeded with a demo account, ``wistia_default`` pointing at
it, the ``wistia_api`` pool, then ``airflow dags test`` for each example DAG (the real
scheduler loop and task runner; deferred tasks run their triggers inline). It prints
each DAG's final state and what it changed in the account, stops the emulator, and
exits non-zero if any DAG failed.

``--real`` runs against the Wistia account of ``WISTIA_API_TOKEN`` instead: it creates
and deletes demo projects there.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from demo_webhooks import run_webhook_demo, webhook_conn_extra

from airflow_provider_wistia.emulator import WistiaEmulatorProcess

ROOT = Path(__file__).resolve().parent.parent
DEMO_HOME = ROOT / ".airflow-demo"
DEMO_TOKEN = "demo-token-not-a-secret"
LOGICAL_DATE = "2026-11-26"


def _say(text: str) -> None:
    print(text, flush=True)


def emulator_state(base_url: str, what: str = "state") -> dict[str, Any]:
    """The emulator's ``state`` (projects, medias, sharings) or ``extras`` (captions, tags...)."""
    with urllib.request.urlopen(f"{base_url}/__emulator__/{what}", timeout=10) as response:
        return json.loads(response.read())


def library_changes(before: dict[str, Any], after: dict[str, Any]) -> str:
    """What the library upkeep DAG did: captions, player customizations, tags, archived medias.

    ``before``/``after``: ``{"state": ..., "extras": ...}`` snapshots of the emulator.
    """
    names = {m["hashed_id"]: f"{m['name']} ({m['hashed_id']})" for m in after["state"].get("medias", [])}
    lines = []
    old_captions, new_captions = before["extras"].get("captions", {}), after["extras"].get("captions", {})
    for hid, tracks in new_captions.items():
        if tracks != old_captions.get(hid):
            lines.append(f"    captions on {names.get(hid, hid)}: {sorted(t['language'] for t in tracks)}")
    old_players, players = (
        before["extras"].get("customizations", {}),
        after["extras"].get("customizations", {}),
    )
    for hid, player in players.items():
        if player != old_players.get(hid):
            lines.append(f"    player of {names.get(hid, hid)}: {json.dumps(player, sort_keys=True)}")
    old_tags = {m["hashed_id"]: m.get("tags") for m in before["state"].get("medias", [])}
    for media in after["state"].get("medias", []):
        if media.get("tags") != old_tags.get(media["hashed_id"]):
            tags = sorted(t["name"] if isinstance(t, dict) else t for t in media.get("tags") or [])
            lines.append(f"    tags of {names[media['hashed_id']]}: {tags}")
    was_archived = {m["hashed_id"] for m in before["state"].get("medias", []) if m.get("archived")}
    archived = [
        names[m["hashed_id"]]
        for m in after["state"].get("medias", [])
        if m.get("archived") and m["hashed_id"] not in was_archived
    ]
    if archived:
        lines.append(f"    archived (after its background job finished): {', '.join(archived)}")
    return "\n".join(lines) or "    library: no change"


def airflow(args: list[str], env: dict[str, str], log_file: Path | None = None) -> int:
    cmd = [str(Path(sys.executable).parent / "airflow"), *args]
    if log_file is None:
        return subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL).returncode
    with log_file.open("w") as handle:
        return subprocess.run(cmd, env=env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT).returncode


def build_env(conn: dict[str, Any], watched_project: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update(
        {
            "AIRFLOW_HOME": str(DEMO_HOME),
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "example_dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{DEMO_HOME}/airflow.db",
            "AIRFLOW_CONN_WISTIA_DEFAULT": json.dumps(conn),
            # The same account on the modern track, pinned (the analytics example uses it).
            "AIRFLOW_CONN_WISTIA_MODERN": json.dumps(
                {**conn, "extra": {**conn.get("extra", {}), "api_version": "2026-03"}}
            ),
            "AIRFLOW_VAR_WISTIA_STATS_DIR": str(DEMO_HOME / "stats"),
            "WISTIA_WATCHED_PROJECT_ID": watched_project,
        }
    )
    return env


_COLLECTIONS = frozenset(
    [
        "projects",
        "folders",
        "medias",
        "sharings",
        "subfolders",
        "channels",
        "channel_episodes",
        "webinars",
        "captions",
        "localizations",
        "background_job_status",
        "tags",
        "visitors",
        "events",
    ]
)


def api_calls(base_url: str, since_count: int) -> str:
    """The API calls the emulator answered since ``since_count``, grouped by endpoint."""
    total = request_count(base_url)
    if total <= since_count:
        return "    API calls: none"
    url = f"{base_url}/__emulator__/requests?limit={total - since_count}"
    with urllib.request.urlopen(url, timeout=10) as response:
        calls = json.loads(response.read())
    counts: dict[str, int] = {}
    for call in calls:
        parts = [p for p in call["path"].removesuffix(".json").split("/") if p]
        # A segment after a collection name is an id, on /v1 and /modern alike.
        shape = "/".join("<id>" if i > 1 and parts[i - 1] in _COLLECTIONS else p for i, p in enumerate(parts))
        key = f"{call['method']} /{shape}" if shape else f"{call['method']} / (upload)"
        counts[key] = counts.get(key, 0) + 1
    listed = ", ".join(f"{n} x {key}" for key, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    return f"    API calls ({len(calls)}): {listed}"


def request_count(base_url: str) -> int:
    with urllib.request.urlopen(f"{base_url}/__emulator__/stats", timeout=10) as response:
        return int(json.loads(response.read())["request_count"])


def summarize(before: dict[str, Any], after: dict[str, Any]) -> str:
    """What a DAG run left changed in the emulated account."""

    def index(state: dict[str, Any], key: str, id_key: str) -> dict[str, Any]:
        return {item[id_key]: item for item in state.get(key, [])}

    def sharing_count(state: dict[str, Any]) -> int:
        sharings = state.get("sharings", {})
        return sum(len(v) for v in sharings.values()) if isinstance(sharings, dict) else len(sharings)

    lines = []
    for key, id_key, label in (("projects", "hashedId", "project"), ("medias", "hashed_id", "media")):
        old, new = index(before, key, id_key), index(after, key, id_key)
        created = [new[i]["name"] for i in new if i not in old]
        deleted = [old[i]["name"] for i in old if i not in new]
        if created:
            lines.append(
                f"    {label}s now in the account: +{len(created)} ({', '.join(sorted(created)[:5])})"
            )
        if deleted:
            lines.append(f"    {label}s removed: {len(deleted)}")
    old_medias = index(before, "medias", "hashed_id")
    ready = [
        m for m in after.get("medias", []) if m.get("status") == "ready" and m["hashed_id"] not in old_medias
    ]
    if ready:
        lines.append(f"    new media processed to ready: {len(ready)}")
    added = sharing_count(after) - sharing_count(before)
    if added:
        lines.append(f"    sharings added: {added}")
    return "\n".join(lines) or "    net change to the account: none"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", action="store_true", help="use the account of WISTIA_API_TOKEN")
    parser.add_argument(
        "--webhooks-only", action="store_true", help="only the push path (webhook -> DAG run)"
    )
    args = parser.parse_args()

    shutil.rmtree(DEMO_HOME, ignore_errors=True)
    (DEMO_HOME / "logs").mkdir(parents=True)
    emulator: WistiaEmulatorProcess | None = None
    if args.real:
        token = os.environ.get("WISTIA_API_TOKEN", "").strip()
        if not token:
            raise SystemExit("--real needs WISTIA_API_TOKEN in the environment.")
        _say(
            "WARNING: running against your REAL Wistia account: the demo creates projects (and a "
            f"'{REAL_CUSTOMER}' project, deleted at the end) and uploads the video at "
            "WISTIA_DEMO_SOURCE_URL (a public .mp4 URL)."
        )
        conn = {"conn_type": "wistia", "password": token}
        base_url = ""
    else:
        emulator = WistiaEmulatorProcess(
            "--seed", "demo", "--account-name", "Demo Co", token=DEMO_TOKEN
        ).start()
        base_url = emulator.base_url
        _say(f"Emulator (demo account) at {base_url}")
        conn = {
            "conn_type": "wistia",
            "host": base_url,
            "password": DEMO_TOKEN,
            "extra": {
                "upload_url": base_url + "/",
                "oembed_url": base_url + "/oembed",
                **webhook_conn_extra(),
            },
        }
    try:
        state = emulator_state(base_url) if base_url else {}
        template = next((p["hashedId"] for p in state.get("projects", []) if p["name"] == "Template"), "none")
        env = build_env(conn, template)
        _say("Migrating the throw-away Airflow metadata database...")
        if airflow(["db", "migrate"], env) != 0:
            raise SystemExit("airflow db migrate failed")
        airflow(["pools", "set", "wistia_api", "4", "Shares one Wistia account's rate limit"], env)
        if args.real:
            return run_examples(env, base_url, real=True) | clean_real_account(conn)
        code = 0 if args.webhooks_only else run_examples(env, base_url)
        return code | run_webhook_demo(env, base_url, DEMO_TOKEN, DEMO_HOME, ROOT)
    finally:
        if emulator is not None:
            emulator.stop()
            _say("Emulator stopped.")


DEMO_RUNS: list[tuple[str, dict[str, Any]]] = [
    ("wistia_media_workflow", {"reviewer_email": "reviewer@demo.test"}),
    ("wistia_nightly_stats_export", {}),
    ("wistia_nightly_analytics_export", {}),
    ("wistia_stats_summary", {}),
    (
        "wistia_event_driven_project_setup",
        {"customer_name": "Acme Corp", "reviewer_emails": ["ana@acme.test", "bo@acme.test"]},
    ),
    ("wistia_new_media_reactor", {}),
    ("wistia_library_upkeep", {"archive_after_days": 14, "tag": "featured"}),
]


REAL_CUSTOMER = "Airflow provider demo customer"


def clean_real_account(conn: dict[str, Any]) -> int:
    """Delete the customer project the real-account demo created."""
    os.environ["AIRFLOW_CONN_WISTIA_DEFAULT"] = json.dumps(conn)
    from airflow_provider_wistia.hooks.wistia import WistiaHook

    hook = WistiaHook()
    for project in hook.list_projects():
        if project["name"] == REAL_CUSTOMER:
            hook.delete_project(project["hashedId"])
            _say(f"Deleted the demo project {REAL_CUSTOMER!r} ({project['hashedId']}).")
    return 0


def run_examples(env: dict[str, str], base_url: str, real: bool = False) -> int:
    failed = []
    stats_file = DEMO_HOME / "stats" / f"{LOGICAL_DATE}.csv"
    for dag_id, conf in DEMO_RUNS:
        if real and dag_id == "wistia_media_workflow":
            conf = {**conf, "source_url": os.environ.get("WISTIA_DEMO_SOURCE_URL", "")}
        if real and dag_id == "wistia_event_driven_project_setup":
            conf = {**conf, "customer_name": REAL_CUSTOMER}
        if dag_id == "wistia_stats_summary":
            conf = {"path": str(stats_file)}
        if dag_id == "wistia_new_media_reactor" and base_url:
            medias = emulator_state(base_url).get("medias", [])
            conf = {"media_ids": [m["hashed_id"] for m in medias[:2]]}
        before = emulator_state(base_url) if base_url else {}
        extras_before = emulator_state(base_url, "extras") if base_url else {}
        calls_before = request_count(base_url) if base_url else 0
        started = time.monotonic()
        log_file = DEMO_HOME / "logs" / f"{dag_id}.log"
        code = airflow(["dags", "test", dag_id, LOGICAL_DATE, "-c", json.dumps(conf)], env, log_file)
        state = "success" if code == 0 else "FAILED"
        _say(f"\n{dag_id}: {state} in {time.monotonic() - started:.1f} s (log: {log_file.relative_to(ROOT)})")
        if base_url:
            _say(api_calls(base_url, calls_before))
            after = emulator_state(base_url)
            _say(summarize(before, after))
            if dag_id == "wistia_library_upkeep":
                extras_after = emulator_state(base_url, "extras")
                _say(
                    library_changes(
                        {"state": before, "extras": extras_before}, {"state": after, "extras": extras_after}
                    )
                )
        if dag_id == "wistia_nightly_stats_export" and stats_file.exists():
            lines = stats_file.read_text().splitlines()
            _say(f"    exported {len(lines) - 1} rows to {stats_file.relative_to(ROOT)}; first lines:")
            for line in lines[:4]:
                _say(f"      {line}")
        if dag_id == "wistia_stats_summary" and code == 0:
            top = [line for line in log_file.read_text().splitlines() if " plays, " in line and "#" in line]
            _say("    top videos by plays (from the task log):")
            for line in top[:3]:
                _say("      " + line[line.index("#") :].split(" [")[0])
        if code != 0:
            failed.append(dag_id)
            _say("    last lines of the log:")
            for line in log_file.read_text().splitlines()[-15:]:
                _say(f"      {line}")
    _say(f"\n{len(DEMO_RUNS) - len(failed)} of {len(DEMO_RUNS)} example DAGs succeeded.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
