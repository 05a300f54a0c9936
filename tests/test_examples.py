"""The shipped example DAGs, run end to end against the emulator; assert the account afterwards."""

from __future__ import annotations

import copy
import csv
from pathlib import Path

import pytest
from conftest import task_states, xcom

from airflow_provider_wistia.emulator import WistiaEmulator


@pytest.fixture
def demo_account(emulator: WistiaEmulator, airflow_db: Path) -> WistiaEmulator:
    from airflow.models.pool import Pool

    Pool.create_or_update_pool("wistia_api", slots=4, description="Wistia rate limit", include_deferred=False)
    emulator.seed_demo()
    return emulator


def _latest_asset_event(asset_name: str):
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session

    with create_session() as session:
        event = (
            session.query(AssetEvent)
            .join(AssetModel, AssetEvent.asset_id == AssetModel.id)
            .filter(AssetModel.name == asset_name)
            .order_by(AssetEvent.id.desc())
            .first()
        )
        session.expunge_all()
        return event


def _projects_named(emu: WistiaEmulator, name: str) -> list[dict]:
    return [p for p in emu.list_projects() if p["name"] == name]


def test_media_workflow_end_to_end(run_dag, demo_account: WistiaEmulator) -> None:
    import wistia_media_workflow

    conf = {
        "source_url": "https://example.com/videos/teaser.mp4",
        "reviewer_email": "rev@example.com",
        "extra_review_projects": ["Legal review", "Sales review"],
        "cleanup": False,
    }
    run = run_dag(wistia_media_workflow.dag, conf)
    states = task_states(run)
    assert run.state == "success", states
    (review,) = _projects_named(demo_account, "Launch review")
    medias = demo_account.list_medias(project_id=review["hashedId"])
    assert [m["name"] for m in medias] == ["Launch teaser (for review)"]
    assert medias[0]["status"] == "ready"
    sharings = demo_account.list_sharings(review["hashedId"])
    assert [(s["share"]["email"], s["canDownload"]) for s in sharings] == [("rev@example.com", True)]
    for name in ("Legal review", "Sales review"):
        (project,) = _projects_named(demo_account, name)
        assert len(demo_account.list_medias(project_id=project["hashedId"])) == 1
    assert medias[0]["hashed_id"] in xcom(run, "get_embed_code")["html"]

    cleanup = run_dag(wistia_media_workflow.dag, {**conf, "cleanup": True})
    assert cleanup.state == "success", task_states(cleanup)
    for name in ("Launch review", "Legal review", "Sales review"):
        assert _projects_named(demo_account, name) == []


def test_nightly_export_and_summary(run_dag, demo_account: WistiaEmulator, tmp_path, monkeypatch) -> None:
    import wistia_nightly_stats_export as example

    monkeypatch.setenv("AIRFLOW_VAR_WISTIA_STATS_DIR", str(tmp_path))
    plays = {}
    for number, media in enumerate(demo_account.list_medias()):
        if media["type"] == "Video":
            plays[media["hashed_id"]] = 1000 - 37 * number
            demo_account.set_media_stats(media["hashed_id"], plays=plays[media["hashed_id"]], visitors=number)
    run = run_dag(example.export_dag)
    assert run.state == "success", task_states(run)
    result = xcom(run, "export_media_stats")
    path = Path(result["path"].removeprefix("file://"))
    assert path.parent == tmp_path and path.suffix == ".csv"
    with path.open() as handle:
        rows = list(csv.DictReader(handle))
    medias = demo_account.list_medias()
    assert sorted(r["hashed_id"] for r in rows) == sorted(m["hashed_id"] for m in medias)
    for row in rows:
        media = demo_account.get_media(row["hashed_id"])
        assert row["name"] == media["name"]
        if media["type"] == "Video":
            assert int(row["plays"]) == plays[row["hashed_id"]]
        else:
            assert row["plays"] == ""

    event = _latest_asset_event("wistia_media_stats")
    assert event.extra["path"] == result["path"] and event.extra["rows"] == len(rows)

    summary = run_dag(example.summary_dag, {"path": str(path)})
    assert summary.state == "success", task_states(summary)
    top = xcom(summary, "top_videos_by_plays")
    videos = [r for r in rows if r["plays"]]
    assert len(top) == min(10, len(videos))
    assert [t["plays"] for t in top] == sorted(plays.values(), reverse=True)[:10]


def test_event_driven_project_setup_is_idempotent(run_dag, demo_account: WistiaEmulator) -> None:
    import wistia_event_driven_project_setup as example

    dag = example.setup_dag
    conf = {"customer_name": "Acme Corp", "reviewer_emails": ["ana@acme.test", "bo@acme.test"]}
    for _ in range(2):  # the second run must change nothing
        run = run_dag(dag, conf)
        assert run.state == "success", task_states(run)
        (project,) = _projects_named(demo_account, "Acme Corp")
        (template,) = _projects_named(demo_account, "Template")
        copied = sorted(m["name"] for m in demo_account.list_medias(project_id=project["hashedId"]))
        expected = sorted(m["name"] for m in demo_account.list_medias(project_id=template["hashedId"]))
        assert copied == expected and copied
        emails = sorted(s["share"]["email"] for s in demo_account.list_sharings(project["hashedId"]))
        assert emails == ["ana@acme.test", "bo@acme.test"]
        assert demo_account.get_project(project["hashedId"])["public"] is True


def test_new_media_reactor(run_dag, demo_account: WistiaEmulator) -> None:
    import wistia_event_driven_project_setup as example

    media = demo_account.list_medias()[0]
    run = run_dag(example.reactor_dag, {"media_ids": [media["hashed_id"]]})
    assert run.state == "success", task_states(run)
    assert xcom(run, "describe_new_media", map_index=0)["hashed_id"] == media["hashed_id"]
    watcher = example.NEW_MEDIA.watchers[0]
    assert type(watcher.trigger).__name__ == "WistiaNewMediaEventTrigger"


def test_library_upkeep(run_dag, demo_account: WistiaEmulator) -> None:
    import wistia_library_upkeep as example

    videos = [m for m in demo_account.list_medias() if m["type"] == "Video"]  # before the run changes them
    run = run_dag(example.dag, {"archive_after_days": 14, "tag": "featured", "player_color": "00aa55"})
    assert run.state == "success", task_states(run)
    featured = xcom(run, "pick_featured_video")
    newest = max((m for m in videos if m["status"] == "ready"), key=lambda m: m["created"])
    assert featured == newest["hashed_id"]
    tracks = {c["language"]: c["text"] for c in demo_account.content.get_captions(featured)}
    assert "Welcome to featured." in tracks["eng"]
    player = demo_account.content.customizations[featured]
    assert player["playerColor"] == "00aa55" and player["plugin"]["captions-v1"]["onByDefault"] == "true"
    tags = {t["name"] for t in demo_account.get_media(featured)["tags"]}
    assert "featured" in tags and any(t.startswith("featured-") for t in tags)
    (archived,) = xcom(run, "pick_stale_video")
    oldest = min((m for m in videos if m["hashed_id"] != featured), key=lambda m: m["updated"])
    assert archived == oldest["hashed_id"] and demo_account.get_media(archived)["archived"] is True

    again = run_dag(example.dag, {"archive_after_days": 100_000})  # a rerun: nothing stale, nothing fails
    assert again.state == "success", task_states(again)
    assert task_states(again)["archive_stale_video"] == "skipped"


def test_webhook_media_ready_copies_into_the_review_project(
    run_dag, demo_account: WistiaEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    import wistia_webhook_media_ready as example

    media = next(m for m in demo_account.list_medias() if m["type"] == "Video")
    # dag.test() runs the tasks in this process and writes the run's conf into their params: give
    # them copies, so the module's DAG keeps its defaults for the tests that run it after this one.
    for task in example.dag.tasks:
        monkeypatch.setattr(task, "params", copy.deepcopy(task.params))
    run = run_dag(example.dag, {"media_ids": [media["hashed_id"]], "review_project": "Webhook review"})
    assert run.state == "success", task_states(run)
    (review,) = _projects_named(demo_account, "Webhook review")
    assert [m["name"] for m in demo_account.list_medias(project_id=review["hashedId"])] == [media["name"]]
    (asset,) = example.dag.timetable.asset_condition.objects
    assert asset.uri == "wistia://wistia_default/media.ready"
