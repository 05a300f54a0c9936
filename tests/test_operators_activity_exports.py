"""Daily-stats and events exports in a real DAG run; the files are checked against the emulator."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import task_states, xcom

from airflow_provider_wistia.exceptions import WistiaConfigError
from airflow_provider_wistia.exports.activity import EVENT_FIELDS, DailyStatsExport, EventsExport
from airflow_provider_wistia.operators.links import WistiaLink, wistia_url


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _latest_asset_event(dag_run):
    from airflow.models.asset import AssetEvent
    from airflow.utils.session import create_session

    with create_session() as session:
        (event,) = session.query(AssetEvent).filter_by(source_run_id=dag_run.run_id).all()
        session.expunge_all()
        return event


def _at(day: dt.date, hour: int) -> float:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.timezone.utc).timestamp()


def test_daily_stats_and_events_exports(run_dag, emulator, hook, tmp_path: Path) -> None:
    import wistia_test_ops_activity_exports as dags

    today = dt.datetime.now(dt.timezone.utc).date()
    start, end = today - dt.timedelta(days=6), today - dt.timedelta(days=4)
    project = emulator.create_project("Shows")["hashedId"]
    videos = [emulator.create_media(f"Show {i}.mp4", project_id=project)["hashed_id"] for i in range(3)]
    emulator.create_media("Poster.png", project_id=project)  # no plays: no rows, no request
    elsewhere = emulator.create_media("Elsewhere.mp4")["hashed_id"]
    with emulator.store.lock:  # created 30 days ago, so the window has plays
        for hid in [*videos, elsewhere]:
            emulator.store.media(hid).created -= 30 * 86400
    for hid in videos:
        emulator.set_media_stats(hid, plays=500, visitors=900, page_loads=2000, average_percent_watched=40)
    inside = [
        emulator.analytics.add_event(videos[i % 3], received_at=_at(start + dt.timedelta(days=i % 3), 9 + i))
        for i in range(5)
    ]
    emulator.analytics.add_event(
        videos[0], received_at=_at(end + dt.timedelta(days=1), 1)
    )  # after the window
    emulator.analytics.add_event(videos[1], received_at=_at(start - dt.timedelta(days=1), 23))  # before it

    conf = {"out": str(tmp_path), "project_id": project, "media_id": videos[0]}
    conf.update(start=start.isoformat(), end=end.isoformat())
    dr = run_dag(dags.dag, conf)
    assert set(task_states(dr).values()) == {"success"}, task_states(dr)

    # Daily stats: one row per video per day, the numbers Wistia's by_date gives.
    rows = _csv(tmp_path / "daily.csv")
    assert list(rows[0]) == [
        "date",
        "hashed_id",
        "name",
        "project_hashed_id",
        "load_count",
        "play_count",
        "hours_watched",
    ]
    days = [(start + dt.timedelta(days=n)).isoformat() for n in range(3)]
    assert sorted((r["hashed_id"], r["date"]) for r in rows) == sorted((v, d) for v in videos for d in days)
    for video in videos:
        expected = {d["date"]: d for d in hook.get_media_stats_by_date(video, start, end)}
        for row in (r for r in rows if r["hashed_id"] == video):
            assert int(row["play_count"]) == expected[row["date"]]["play_count"]
            assert float(row["hours_watched"]) == expected[row["date"]]["hours_watched"]
            assert row["project_hashed_id"] == project and row["name"].startswith("Show ")
    assert sum(int(r["play_count"]) for r in rows) > 0
    result = xcom(dr, "daily_csv")
    assert (result["rows"], result["start_date"], result["end_date"]) == (9, days[0], days[-1])
    # the project, one page of medias, one by_date per video, the medias listed again at the end
    assert result["requests"] == 1 + 1 + 3 + 1
    assert not (tmp_path / "daily.csv.partial").exists()

    # "{{ ds }}" and no dates at all: the run's day (the day before it ran when it has no logical date).
    run_day = dr.logical_date.date() if dr.logical_date else dr.run_after.date() - dt.timedelta(days=1)
    ds_rows = _jsonl(tmp_path / "daily-ds.jsonl")
    assert {r["date"] for r in ds_rows} == {run_day.isoformat()} and len(ds_rows) == 3
    default_rows = _csv(tmp_path / "daily-default.csv")
    assert list(default_rows[0]) == ["hashed_id", "date", "play_count"]
    assert sorted(r["hashed_id"] for r in default_rows) == sorted([*videos, elsewhere])

    # Events: one row per event of the window, the reference's columns, nested values as JSON.
    events = _csv(tmp_path / "events.csv")
    assert list(events[0]) == list(EVENT_FIELDS)
    assert sorted(e["event_key"] for e in events) == sorted(e["event_key"] for e in inside)
    by_key = {e["event_key"]: e for e in inside}
    for row in events:
        source = by_key[row["event_key"]]
        assert row["media_id"] == source["media_id"] and row["received_at"] == source["received_at"]
        assert json.loads(row["thumbnail"]) == source["thumbnail"]
        assert json.loads(row["user_agent_details"]) == source["user_agent_details"]
    media_events = _jsonl(tmp_path / "events-media.jsonl")
    assert sorted(e["event_key"] for e in media_events) == sorted(
        e["event_key"] for e in inside if e["media_id"] == videos[0]
    )
    assert all(isinstance(e["thumbnail"], dict) for e in media_events)
    link_key = WistiaLink().xcom_key
    assert xcom(dr, "events_media_jsonl", key=link_key) == wistia_url("medias", videos[0])
    assert xcom(dr, "daily_csv", key=link_key) == wistia_url("projects", project)
    event = _latest_asset_event(dr)
    assert event.extra == {"path": result["path"], "rows": 9}


def test_daily_export_resumes_without_asking_again(emulator, hook, tmp_path: Path) -> None:
    """A crash mid-export: the retry asks by_date only for the medias not yet checkpointed."""
    videos = emulator.seed_medias(12)
    day = dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)
    destination = tmp_path / "daily.csv"
    emulator.add_fault(
        "status", method="GET", path=rf"/v1/stats/medias/{videos[7]}/by_date", status=500, times=99
    )
    options = {"start_date": day, "end_date": day, "max_workers": 1, "checkpoint_rows": 1}
    with pytest.raises(Exception, match="500"):
        DailyStatsExport(hook, destination, **options).run()
    assert (tmp_path / "daily.csv.partial").exists() and not destination.exists()
    emulator.clear_faults()
    asked_before = len([r for r in emulator.requests if "/by_date" in r.path])
    result = DailyStatsExport(hook, destination, **options).run()
    asked = [r.path for r in emulator.requests if "/by_date" in r.path][asked_before:]
    assert len(asked) == 12 - 7  # the seven medias before the failing one were done
    assert result["rows"] == 12 and len(_csv(destination)) == 12


def test_exports_refuse_bad_windows(hook, tmp_path: Path) -> None:
    with pytest.raises(WistiaConfigError, match="start_date 2026-03-02 is after end_date 2026-03-01"):
        DailyStatsExport(hook, tmp_path / "x.csv", start_date="2026-03-02", end_date="2026-03-01")
    with pytest.raises(WistiaConfigError, match="two years"):
        EventsExport(hook, tmp_path / "y.csv", start_date="2001-01-01", end_date="2001-01-02")
    assert not list(tmp_path.iterdir())  # refused before any file or request


def test_window_without_a_logical_date_and_default_args() -> None:
    """No logical date: "{{ ds }}" and blank dates are the day before the run; default_args'
    start_date stays the task's own and never becomes the export's window."""
    import pendulum
    from airflow.sdk import DAG

    from airflow_provider_wistia.operators import WistiaExportDailyStatsOperator, WistiaExportEventsOperator

    class Run:
        run_after = dt.datetime(2026, 11, 27, 3, 30, tzinfo=dt.timezone.utc)

    context = {"dag_run": Run(), "logical_date": None, "data_interval_start": None}
    daily = WistiaExportDailyStatsOperator(
        task_id="d", destination="/tmp/{{ ds }}.csv", start_date="{{ ds }}", end_date="{{ ds_nodash }}"
    )
    daily.render_template_fields(context)
    daily.prepare(context)
    assert daily.destination == "/tmp/2026-11-26.csv"
    assert daily.window == ("2026-11-26", "20261126")  # both parse as 2026-11-26
    events = WistiaExportEventsOperator(task_id="e", destination="/tmp/e.csv")
    events.prepare(context)
    assert events.window == (dt.date(2026, 11, 26), dt.date(2026, 11, 26))
    events.prepare({"data_interval_start": pendulum.datetime(2026, 5, 4, tz="UTC")})
    assert events.window == (dt.date(2026, 5, 4), dt.date(2026, 5, 4))

    start = pendulum.datetime(2026, 1, 1, tz="UTC")
    with DAG("w", schedule=None, default_args={"start_date": start, "end_date": None}):
        op = WistiaExportEventsOperator(task_id="e", destination="/tmp/e.csv")
        explicit = WistiaExportEventsOperator(task_id="f", destination="/tmp/f.csv", start_date="2026-02-03")
    assert (op.window_start, op.start_date) == (None, start)
    assert explicit.window_start == "2026-02-03"
    with pytest.raises(WistiaConfigError, match="start_date must be a date"):
        WistiaExportEventsOperator(task_id="g", destination="/tmp/g.csv", start_date="yesterday")
