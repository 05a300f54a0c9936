"""Ids are checked in the one place the hook puts them in a path (``require_id``): an id that would
change the path or be read as a format (``"abc.xml"`` is media ``abc`` asked for as XML) is a
``WistiaConfigError`` naming the field, before any request."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_wistia.emulator import WistiaEmulator
from airflow_provider_wistia.exceptions import WistiaConfigError

BAD_SUFFIXES = [".xml", ".json", "/stats", "%2Fstats", "?x=1", "#top", " x", "."]


@pytest.mark.parametrize("suffix", BAD_SUFFIXES)
@pytest.mark.parametrize(
    ("field", "call"),
    [
        ("media_id", lambda hook, bad: hook.get_media(bad)),
        ("media_id", lambda hook, bad: hook.delete_media(bad)),
        ("project_id", lambda hook, bad: hook.get_project(bad)),
        ("media_id", lambda hook, bad: hook.get_media_stats(bad)),
    ],
)
def test_an_id_that_would_change_the_path_is_refused_before_any_request(
    suffix: str, field: str, call: Any, emulator: WistiaEmulator, hook: Any
) -> None:
    media = emulator.create_media(name="clip")
    project = emulator.create_project(name="P")
    real = media["hashed_id"] if field == "media_id" else project["hashedId"]
    with pytest.raises(WistiaConfigError, match=field):
        call(hook, real + suffix)
    assert emulator.requests == []
    assert emulator.get_media(media["hashed_id"]) is not None  # the delete never went out


def test_a_real_id_still_works(emulator: WistiaEmulator, hook: Any) -> None:
    media = emulator.create_media(name="clip")
    assert hook.get_media(media["hashed_id"])["name"] == "clip"
    assert hook.get_media(f"  {media['hashed_id']} ")["name"] == "clip"  # a template's stray spaces
