"""The modern-track operators in a real DAG run on a modern connection."""

from __future__ import annotations

from conftest import task_states, xcom

from airflow_provider_wistia.emulator import WistiaEmulator

RELEASE = "2026-03"


def test_modern_operators_in_a_dag_run(run_dag, emulator: WistiaEmulator, set_connection) -> None:
    import wistia_test_ops_modern as dags

    set_connection(api_version=RELEASE)
    set_connection("wistia_v1")
    folder = emulator.create_project("Target")["hashedId"]
    medias = [emulator.create_media(f"clip{i}.mp4")["hashed_id"] for i in range(3)]
    channel = emulator.catalog.create_channel("Show")["hashedId"]
    episode = emulator.catalog.create_channel_episode(channel, medias[0])["hashedId"]

    dag_run = run_dag(dags.dag, {"folder": folder, "medias": medias, "episode": episode})

    states = task_states(dag_run)
    assert states.pop("refused_on_v1") == "failed"
    assert set(states.values()) == {"success"}, states
    webinar = xcom(dag_run, "create_webinar")
    assert (webinar["title"], webinar["event_duration"]) == ("Launch", 45)
    assert xcom(dag_run, "register")["visitor_key"]
    assert not emulator.modern.extras.webinars.webinars  # deleted at the end
    names = sorted(emulator.store.medias[h].name for h in emulator.store.projects[folder].medias)
    assert names == ["clip0.mp4", "clip1.mp4", "clip2.mp4", "talk.mp4"]  # copies and the import
    assert all(emulator.store.medias[h].tags == ["launch", "q3"] for h in medias)
    assert xcom(dag_run, "publish")["published"] is True
    channel = xcom(dag_run, "create_channel")
    assert channel["name"] == "Product updates" and channel["hashed_id"] in emulator.catalog.channels
    api = [r for r in emulator.requests if r.path != "/oembed"]
    assert all(r.path.startswith("/modern/") for r in api), {r.path for r in api}
    assert all(r.headers.get("X-Wistia-Api-Version") == RELEASE for r in api)
    registered = next(r for r in api if r.path.endswith("/registrations"))
    assert registered.body == {
        "email": "ann@example.com",
        "first_name": "Ann",
        "last_name": "Lee",
        "company": "ACME",
    }
