"""The shape of saved player customizations, as Wistia's v1 reference models the answer.

Wistia: "the saved customization values will all be strings", except the nested objects of
the response model (``plugin`` and its plugins, ``postRoll-v1.style``, ``private``,
``encrypted``) and ``plugin.chapters.chapterList`` (a list of chapter objects). A request that
gives one of those a value of another kind is answered 400 naming the field; an object or list
given where the model has a string (``videoFoam: {...}``) is saved as its JSON text. Keys the
model does not name are kept as they come (their scalar values saved as strings).
"""

from __future__ import annotations

import json
from typing import Any

from .common import invalid_param

Shape = dict[str, Any]  # field -> str (a string), a nested Shape (an object) or [Shape] (a list of objects)

_STRINGS = (
    "playerColor stillUrl autoPlay bpbTime controlsVisibleOnLoad endVideoBehavior fullscreenButton "
    "branding playbar playButton settingsControl showCustomerLogo qualityControl playbackRateControl "
    "smallPlayButton spherical volumeControl copyLinkAndThumbnailEnabled doNotTrack email fitStrategy "
    "fullscreenOnRotateToLandscape muted playlistLinks playlistLoop playsinline playPauseNotifier "
    "playSuspendedOffScreen preload qualityMax qualityMin resumable seo silentAutoPlay time "
    "thumbnailAltText videoFoam volume wmode keyMoments"
)


def _strings(names: str) -> Shape:
    return dict.fromkeys(names.split(), str)


CUSTOMIZATIONS: Shape = {
    **_strings(_STRINGS),
    "plugin": {
        "passwordProtectedVideo": _strings("on src challenge async"),
        "videoThumbnail": _strings("clickToPlayButton"),
        "socialbar-v1": _strings("buttons showTweetCount tweetText height"),
        "chapters": {**_strings("visibleOnLoad on"), "chapterList": [_strings("id title time deleted")]},
        "postRoll-v1": {
            **_strings("rewatch text link time autoSize ctaType on conversionOpportunityKey"),
            "style": _strings("backgroundColor"),
        },
        "captions-v1": _strings("on onByDefault"),
    },
    "private": _strings("password_protect_on show_comments"),
    "encrypted": _strings("password_protect_password"),
}


def conform(body: dict[str, Any], shape: Shape = CUSTOMIZATIONS, where: str = "") -> dict[str, Any]:
    """``body`` with the model's string fields made scalar; 400 naming a field of the wrong kind."""
    out: dict[str, Any] = {}
    for key, value in body.items():
        name = f"{where}.{key}" if where else str(key)
        field = shape.get(key)
        if value is None or field is None:
            out[key] = value
        elif field is str:
            out[key] = json.dumps(value, separators=(",", ":")) if isinstance(value, (dict, list)) else value
        elif isinstance(field, list):
            if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
                raise invalid_param(name, json.dumps(value), "a list of objects")
            out[key] = [conform(item, field[0], f"{name}[]") for item in value]
        elif not isinstance(value, dict):
            raise invalid_param(name, json.dumps(value), "an object")
        else:
            out[key] = conform(value, field, name)
    return out
