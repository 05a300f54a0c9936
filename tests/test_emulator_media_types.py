"""The emulator's upload decides the media type from what the upload carries: the file part's
name, then the ``name`` field's extension, then the file's first bytes, else ``Video``; and a
third-party client (``wystia``, which sends its file without a file name) can upload, then read stats."""

from __future__ import annotations

import pytest
import requests
from conftest import TOKEN

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.emulator.sniff import sniff_media_type

TAIL = bytes(range(256)) * 8  # enough that the signature is only in the first bytes
SIGNATURES = {
    "mp4": (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00isommp42", "Video"),
    "mov": (b"\x00\x00\x00\x14ftypqt  \x20\x05\x03\x00qt  ", "Video"),
    "m4a": (b"\x00\x00\x00\x20ftypM4A \x00\x00\x02\x00M4A mp42", "Audio"),
    "webm": (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01webm", "Video"),
    "avi": (b"RIFF\x24\x10\x00\x00AVI LIST", "Video"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Image"),
    "jpeg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "Image"),
    "gif87": (b"GIF87a\x01\x00\x01\x00", "Image"),
    "gif89": (b"GIF89a\x01\x00\x01\x00", "Image"),
    "mp3-id3": (b"ID3\x04\x00\x00\x00\x00\x00\x00", "Audio"),
    "mp3-frame": (b"\xff\xfb\x90\x64\x00\x00", "Audio"),
    "wav": (b"RIFF\x24\x08\x00\x00WAVEfmt ", "Audio"),
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "PdfDocument"),
}


@pytest.fixture
def upload(emulator: WistiaEmulator):
    """POST one upload to the emulator; return the stored media (asserted to match the answer)."""

    def _upload(file_name: str | None = None, content: bytes | None = None, **data: str) -> dict:
        files = {"file": (file_name, content)} if content is not None else None
        response = requests.post(emulator.upload_url, files=files, data=data, auth=("api", TOKEN), timeout=10)
        assert response.status_code == 200, response.text
        media = emulator.get_media(response.json()["hashed_id"])
        assert media is not None and media["type"] == response.json()["type"]
        return media

    return _upload


@pytest.mark.parametrize("kind", sorted(SIGNATURES))
def test_a_file_without_a_name_gets_the_type_of_its_content(upload, kind: str) -> None:
    head, media_type = SIGNATURES[kind]
    assert upload(None, head + TAIL)["type"] == media_type


def test_content_that_shows_nothing_is_a_video(upload) -> None:
    assert upload(None, b"just some bytes")["type"] == "Video"
    assert upload(None, b"")["type"] == "Video"
    assert upload(None, b"\x00" * 100, name="Launch v1.2")["type"] == "Video"  # a dot is not an extension
    assert sniff_media_type(b"RIFF\x00\x00\x00\x00CDXA") is None


def test_the_file_name_comes_first_then_the_name_field_then_the_content(upload) -> None:
    png, mp4 = SIGNATURES["png"][0] + TAIL, SIGNATURES["mp4"][0] + TAIL
    assert upload("poster.png", mp4, name="clip.mp3")["type"] == "Image"
    assert upload(None, png, name="song.mp3")["type"] == "Audio"
    assert upload("no-extension", png, name="Poster")["type"] == "Image"
    assert upload("notes.xyz", png)["type"] == "Image"  # an unknown extension defers to the content
    assert upload("notes.xyz", b"plain text")["type"] == "UnknownType"  # a file Wistia does not take
    assert upload("report.PDF", b"x")["type"] == "PdfDocument"


def test_url_imports_use_the_url_then_the_name_field(upload) -> None:
    assert upload(url="https://example.com/a/song.mp3")["type"] == "Audio"
    assert upload(url="https://example.com/download?id=7", name="poster.png")["type"] == "Image"
    assert upload(url="https://example.com/download?id=7")["type"] == "Video"


def test_wystia_uploads_a_file_then_reads_its_stats(
    emulator: WistiaEmulator, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The third-party client's upload-then-stats (its MultipartEncoder sends no file name)."""
    wystia = pytest.importorskip("wystia", reason="wystia is a test-only dependency (the `test` extra)")
    from wystia import WistiaDataApi, WistiaUploadApi

    emulator.configure(newer_media_fields=False)  # wystia 1.2.2's strict models predate `tags`
    project = emulator.create_project("Client uploads")["hashedId"]
    video = tmp_path / "launch.mp4"
    video.write_bytes(SIGNATURES["mp4"][0] + TAIL)
    monkeypatch.setattr(WistiaUploadApi, "_API_ENDPOINT", emulator.upload_url)
    monkeypatch.setattr(WistiaDataApi, "_API_ENDPOINT", emulator.api_url + "/")
    WistiaDataApi.configure(TOKEN)

    # Its encoder sends the file part without a file name, and the title has no extension:
    # only the content tells that this is a video.
    uploaded = WistiaUploadApi.upload_file(str(video), project_id=project, title="Launch teaser")
    media = emulator.get_media(uploaded.hashed_id)
    assert media is not None and media["type"] == "Video" and media["name"] == "Launch teaser"
    assert media["project"]["hashed_id"] == project and media["status"] == "queued"

    emulator.set_media_stats(uploaded.hashed_id, plays=12, visitors=5)
    stats = WistiaDataApi.get_stats_for_video(uploaded.hashed_id)
    assert (stats.hashed_id, stats.stats.plays, stats.stats.visitors) == (uploaded.hashed_id, 12, 5)
    assert wystia is not None


def test_wystias_encoder_sends_no_file_name(tmp_path) -> None:
    """Why the content matters: requests_toolbelt names no file for a bare file object."""
    toolbelt = pytest.importorskip("requests_toolbelt")
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"x")
    with path.open("rb") as handle:
        body = toolbelt.MultipartEncoder(fields={"file": handle}).to_string()
    assert b'name="file"' in body and b"filename=" not in body
