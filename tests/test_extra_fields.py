"""``extra_fields`` (operators) and ``**fields`` (hook write methods): validated before any
request, and sent where Wistia reads that endpoint's parameters (the DAG-run tests in
``test_operators_projects/medias/upload`` cover the form endpoints end to end)."""

from __future__ import annotations

import pytest

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.exceptions import WistiaConfigError
from airflow_provider_wistia.operators import (
    WistiaCopyMediaOperator,
    WistiaCreateChannelEpisodeOperator,
    WistiaCreateProjectOperator,
    WistiaCreateSharingOperator,
    WistiaCreateTagOperator,
    WistiaOrderCaptionsOperator,
    WistiaUpdateCaptionsOperator,
    WistiaUpdateProjectOperator,
    WistiaUploadMediaOperator,
)

SRT = "1\n00:00:00,000 --> 00:00:01,000\nHello\n"


@pytest.mark.parametrize(
    ("operator", "error"),
    [
        (  # a template that rendered text, not a dict
            lambda: WistiaCreateTagOperator(task_id="t", name="n", extra_fields="{'a': 1}"),
            "extra_fields must be a dict of field names",
        ),
        (
            lambda: WistiaUpdateProjectOperator(task_id="t", project_id="p", extra_fields={1: "x"}),
            "extra_fields must be a dict of field names",
        ),
        (  # the operator's own argument
            lambda: WistiaCreateProjectOperator(task_id="t", name="n", extra_fields={"name": "again"}),
            r"extra_fields repeats \['name'\]",
        ),
        (  # a parameter of the hook method (would otherwise be a TypeError inside the call)
            lambda: WistiaCopyMediaOperator(task_id="t", media_id="m", extra_fields={"owner": "a@b.c"}),
            r"extra_fields repeats \['owner'\]",
        ),
        (
            lambda: WistiaUpdateProjectOperator(
                task_id="t", project_id="p", extra_fields={"project_id": "q"}
            ),
            r"extra_fields repeats \['project_id'\]",
        ),
        (
            lambda: WistiaCreateChannelEpisodeOperator(
                task_id="t", channel_id="c", media_id="m", extra_fields={"media_id": "other"}
            ),
            r"extra_fields repeats \['media_id'\]",
        ),
        (  # the same Wistia field named twice: as an argument and in Wistia's spelling
            lambda: WistiaCreateProjectOperator(
                task_id="t", name="n", admin_email="a@b.c", extra_fields={"adminEmail": "x@y.z"}
            ),
            r"create_project: \['adminEmail'\] given both as an argument and as an extra field",
        ),
        (
            lambda: WistiaCreateSharingOperator(
                task_id="t",
                project_id="p",
                with_email="a@b.c",
                extra_fields={"canShare": True, "sharing[canShare]": False},
            ),
            r"\['sharing\[canShare\]'\] given both bare and as sharing",
        ),
        (
            lambda: WistiaUploadMediaOperator(
                task_id="t", url="https://example.com/a.mp4", extra_fields={"file": "x"}
            ),
            r"extra_fields repeats \['file'\]",
        ),
        (
            lambda: WistiaUpdateCaptionsOperator(
                task_id="t",
                media_id="m",
                language="eng",
                caption_file=SRT,
                extra_fields={"caption_file": "x"},
            ),
            r"extra_fields repeats \['caption_file'\]",
        ),
        (  # the charge check still comes first
            lambda: WistiaOrderCaptionsOperator(task_id="t", media_id="m", extra_fields={"language": "eng"}),
            "confirm_charge",
        ),
    ],
)
def test_bad_extra_fields_fail_before_any_request(emulator, hook, operator, error) -> None:
    with pytest.raises(WistiaConfigError, match=error):
        operator().call(hook)
    assert emulator.request_count == 0


def test_hook_collisions_fail_before_any_request(hook, emulator: WistiaEmulator) -> None:
    with pytest.raises(WistiaConfigError, match=r"create_project: \['adminEmail'\] given both"):
        hook.create_project("n", admin_email="a@b.c", adminEmail="x@y.z")
    with pytest.raises(WistiaConfigError, match=r"update_sharing: \['canShare'\] given both"):
        hook.update_sharing("abc123", 1, can_share=True, canShare=False)
    with pytest.raises(WistiaConfigError, match=r"upload_media: \['file'\] cannot be extra fields"):
        hook.upload_media(url="https://example.com/a.mp4", file="/etc/hostname")
    # A None extra field is "not given", like a None argument: no clash.
    pid = emulator.create_project("p")["hashedId"]
    assert hook.update_project(pid, anonymous_can_upload=True, anonymousCanUpload=None)["anonymousCanUpload"]
    assert emulator.request_count == 1


def test_json_endpoints_carry_extra_fields_in_the_json_body(hook, emulator: WistiaEmulator) -> None:
    media = emulator.create_media("a.mp4")["hashed_id"]
    hook.create_tag("launch", futureField="x")
    hook.create_captions(media, SRT, language="eng", futureField=True)
    hook.update_captions(media, "eng", SRT, futureField=[1, 2])
    hook.update_media(media, name="Renamed", plugin={"captions-v1": {"on": True}})
    tag, create, update, media_put = emulator.requests[-4:]
    assert tag.body_kind == "json" and tag.body == {"name": "launch", "futureField": "x"}
    assert create.body == {"caption_file": SRT, "language": "eng", "futureField": True}
    assert update.body == {"caption_file": SRT, "futureField": [1, 2]}
    # An object cannot travel in a form body, so an update carrying one is sent as JSON.
    assert media_put.body_kind == "json"
    assert media_put.body == {"name": "Renamed", "plugin": {"captions-v1": {"on": True}}}
    assert emulator.get_media(media)["name"] == "Renamed"
    assert [c["language"] for c in hook.list_captions(media)] == ["eng"]
