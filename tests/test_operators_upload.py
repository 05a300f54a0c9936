"""The upload operator in a real DAG run: file and URL uploads, waiting for ``ready`` in the
worker and in the (inline) triggerer, and uploads Wistia fails to process."""

from __future__ import annotations

import threading

import wistia_test_ops_upload
from conftest import task_states, xcom

from airflow_provider_wistia.operators.links import WistiaLink, wistia_url


class FailBrokenUploads:
    """Script every new media named ``broken*`` to fail processing, while the DAG runs.

    With ``polls_per_step=3`` a new media stays ``queued`` for three status reads, far longer
    than this watcher (every 2 ms) needs to find it, so the outcome is deterministic.
    """

    def __init__(self, emulator) -> None:
        self.emulator = emulator
        self.scripted: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.wait(0.002):
            for media in self.emulator.list_medias():
                if media["name"].startswith("broken") and media["hashed_id"] not in self.scripted:
                    self.emulator.script_media_lifecycle(media["hashed_id"], ["processing", "failed"])
                    self.scripted.add(media["hashed_id"])

    def __enter__(self) -> FailBrokenUploads:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def test_uploads(run_dag, emulator, tmp_path, capfd) -> None:
    emulator.configure(polls_per_step=3)
    project = emulator.create_project("Uploads")["hashedId"]
    clip, broken = tmp_path / "clip.mp4", tmp_path / "broken.mp4"
    clip.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40)
    broken.write_bytes(b"not really a video")
    conf = {
        "project_id": project,
        "file_path": str(clip),
        "url": "https://cdn.example.com/media/promo.mp4",
        "deferred_url": "https://cdn.example.com/media/teaser.mp4",
        "broken_file": str(broken),
        "broken_url": "https://cdn.example.com/media/broken-import.mp4",
        "contact_id": 7,
    }
    try:
        with FailBrokenUploads(emulator) as watcher:
            dr = run_dag(wistia_test_ops_upload.dag, conf)
    finally:
        emulator.configure(polls_per_step=1)
    states = task_states(dr)
    assert states == {
        "upload_file": "success",
        "upload_url": "success",
        "upload_deferred": "success",
        "upload_broken": "failed",
        "upload_broken_deferred": "failed",
    }
    assert len(watcher.scripted) == 2

    uploaded = xcom(dr, "upload_file")  # returned once ready: duration and assets are there
    assert uploaded["status"] == "ready" and uploaded["duration"] > 0
    stored = emulator.get_media(uploaded["hashed_id"])
    assert stored["status"] == "ready" and stored["project"]["hashed_id"] == project
    assert stored["name"] == f"Clip {dr.logical_date:%Y-%m-%d}"
    assert stored["description"] == "Uploaded by wistia_test_ops_upload"
    original = next(a for a in stored["assets"] if a["type"] == "OriginalFile")
    assert original["fileSize"] == clip.stat().st_size  # the whole file was streamed
    assert xcom(dr, "upload_file", key=WistiaLink().xcom_key) == wistia_url("medias", uploaded["hashed_id"])

    # extra_fields: upload form fields, in the multipart body (a list as one part per item) or
    # in the URL import's form body.
    (file_post,) = [
        r for r in emulator.requests if r.path == "/" and (r.body or {}).get("name", "").startswith("Clip")
    ]
    assert file_post.body_kind == "multipart"
    assert file_post.body["contact_id"] == "7" and file_post.body["futureField[]"] == "b"
    url_posts = [
        r.body for r in emulator.requests if r.path == "/" and (r.body or {}).get("url") == conf["url"]
    ]
    assert url_posts == [{"project_id": project, "low_priority": "1", "contact_id": "7", "url": conf["url"]}]

    queued = xcom(dr, "upload_url")  # no waiting: Wistia's immediate answer
    assert queued["status"] == "queued" and queued["name"] == "promo.mp4"
    assert emulator.get_media(queued["hashed_id"])["project"]["hashed_id"] == project

    deferred = xcom(dr, "upload_deferred")  # event["media"] from the trigger
    assert deferred["status"] == "ready" and deferred["name"] == "teaser.mp4"
    assert emulator.get_media(deferred["hashed_id"])["status"] == "ready"

    failed = [m for m in emulator.list_medias(project_id=project) if m["name"].startswith("broken")]
    assert {m["status"] for m in failed} == {"failed"} and len(failed) == 2
    output = "".join(capfd.readouterr())
    for media in failed:
        assert f"Wistia media {media['hashed_id']} reached failure status 'failed'." in output
    assert "Wistia could not process the upload" in output
    assert output.count("Pausing task as DEFERRED") == 2  # both deferrable tasks deferred
