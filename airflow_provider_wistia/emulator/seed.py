"""Bulk and demo seeding of the emulator's store.

``seed_medias`` is written for volume (20,000 medias in well under a second): it
creates records directly under one lock acquisition. ``seed_demo`` builds a small,
fixed-looking account for demos and DAG tests.
"""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING, Any

from .common import iso
from .media_content import sample_srt
from .state import Store

if TYPE_CHECKING:
    from .api import DataApi

_NON_VIDEO = (("Image", "png"), ("PdfDocument", "pdf"), ("Audio", "mp3"))


def seed_medias(
    store: Store, count: int, project_id: str | None = None, non_video_every: int = 0
) -> list[str]:
    """Create ``count`` ready medias; every ``non_video_every``-th one is not a Video."""
    with store.lock:
        project = store.project(project_id) if project_id else store.project_named("Seeded Medias")
        start = time.time() - count
        out: list[str] = []
        for i in range(count):
            number = i + 1
            if non_video_every > 0 and number % non_video_every == 0:
                media_type, ext = _NON_VIDEO[(number // non_video_every - 1) % len(_NON_VIDEO)]
            else:
                media_type, ext = "Video", "mp4"
            rec = store._add_media(f"Seeded media {number:05d}.{ext}", project, media_type, created=start + i)
            out.append(rec.hashed_id)
        project.updated = time.time()
        return out


_DEMO: list[tuple[str, str | None, list[tuple[str, str]]]] = [
    (
        "Template",
        "Starter project copied for every new campaign.",
        [("Intro.mp4", "Video"), ("Walkthrough.mp4", "Video"), ("Outro.mp4", "Video")],
    ),
    (
        "Marketing Videos",
        "Launch and campaign videos.",
        [
            ("Spring launch teaser.mp4", "Video"),
            ("Customer story - Acme.mp4", "Video"),
            ("Product overview.mov", "Video"),
            ("Holiday promo.mp4", "Video"),
            ("Brand guidelines.pdf", "PdfDocument"),
            ("Logo.png", "Image"),
        ],
    ),
    (
        "Product Tutorials",
        "How-to videos for the help centre.",
        [
            ("Getting started.mp4", "Video"),
            ("Uploading media.mp4", "Video"),
            ("Sharing projects.mp4", "Video"),
            ("Embedding a player.mp4", "Video"),
            ("Reading your stats.mp4", "Video"),
            ("Podcast episode 1.mp3", "Audio"),
        ],
    ),
    (
        "Webinars",
        None,
        [
            ("Q1 webinar recording.mp4", "Video"),
            ("Q2 webinar recording.mp4", "Video"),
            ("Roadmap webinar.mp4", "Video"),
            ("Webinar thumbnail.jpg", "Image"),
            ("Panel discussion.mp4", "Video"),
        ],
    ),
]


def seed_demo(store: Store) -> dict[str, Any]:
    """A small demo account: 4 projects (one named "Template" with 3 medias), 20 medias
    (4 of them not videos) and one sharing. Returns the created hashed ids."""
    projects: list[str] = []
    medias: list[str] = []
    with store.lock:
        start = time.time() - 86_400 * 30
        for index, (name, description, items) in enumerate(_DEMO):
            project = store._create_project(name, description, created=start + index * 3600)
            projects.append(project.hashed_id)
            for position, (media_name, media_type) in enumerate(items):
                rec = store._add_media(
                    media_name,
                    project,
                    media_type,
                    created=start + index * 3600 + position * 60 + 60,
                    description=f"<p>{media_name.rsplit('.', 1)[0]}</p>",
                )
                medias.append(rec.hashed_id)
        sharing = store.create_sharing(
            projects[1], "colleague@example.com", can_download=True, can_share=True
        )
    return {"projects": projects, "medias": medias, "sharings": [sharing["id"]]}


def seed_demo_extras(api: DataApi, demo: dict[str, Any]) -> dict[str, Any]:
    """The demo account's newer v1 data: captions, a customized player, tags, a subfolder, a
    channel with an episode, an allowed domain, and 12 visitors with 120 viewing events over the
    last 45 days (a fixed random sequence, so every demo sees the same shapes)."""
    store = api.store
    with store.lock:
        by_name = {store.medias[h].name: h for h in demo["medias"]}
        for name, languages in (("Intro.mp4", ("eng",)), ("Getting started.mp4", ("eng", "fra"))):
            for language in languages:
                text = sample_srt(name.rsplit(".", 1)[0])
                api.content.add_caption(
                    by_name[name],
                    language,
                    text if language == "eng" else text.replace("Welcome to", "Bienvenue dans"),
                )
        teaser = by_name["Spring launch teaser.mp4"]
        api.content.customizations[teaser] = {
            "playerColor": "54bbff",
            "plugin": {"captions-v1": {"on": "true", "onByDefault": "false"}},
        }
        tutorials = [h for h in demo["medias"] if store.medias[h].project_hid == demo["projects"][2]]
        for hid in tutorials:
            if store.medias[hid].type == "Video":
                store.medias[hid].tags = ["tutorial"]
        store.medias[teaser].tags = ["launch", "2024"]
        api.catalog.ensure_tags(["tutorial", "launch", "2024"])
        subfolder = api.catalog.create_subfolder(
            demo["projects"][1], "Spring campaign", "Teasers and cut-downs"
        )
        store.medias[teaser].subfolder_hid = subfolder["hashed_id"]
        channel = api.catalog.create_channel("Wistia Academy", "Learn the product, one lesson at a time.")
        now = time.time()
        api.catalog.create_channel_episode(
            channel["hashedId"],
            by_name["Getting started.mp4"],
            title="Lesson 1: Getting started",
            description="Your first steps.",
            summary="Start here.",
            publish_status="published",
        )
        api.catalog.allowed_domains["example.com"] = iso(now - 20 * 86_400)

        rng = random.Random(2024)
        people: list[tuple[str, str | None, bool]] = [
            ("Ada Lovelace", "ada@example.com", True),
            ("Grace Hopper", "grace@example.com", False),
        ]
        people += [("Alan Turing", "alan@example.com", True), ("Katherine Johnson", None, False)]
        visitors = [
            api.analytics.add_visitor(name=name, email=email, email_gate=gate, created=now - 50 * 86_400)
            for name, email, gate in people
        ]
        visitors += [
            api.analytics.add_visitor(
                mobile=i % 3 == 0,
                browser=rng.choice(("Chrome", "Safari", "Firefox")),
                created=now - 50 * 86_400,
            )
            for i in range(8)
        ]
        videos = [h for h in demo["medias"] if store.medias[h].type == "Video"]
        for _ in range(120):
            api.analytics.add_event(
                rng.choice(videos),
                rng.choice(visitors)["visitor_key"],
                received_at=now - rng.uniform(0, 45 * 86_400),
                percent_viewed=round(rng.random(), 3),
                country=rng.choice(("US", "US", "GB", "DE", "FR")),
            )
    return {
        "channels": [channel["hashedId"]],
        "subfolders": [subfolder["hashed_id"]],
        "visitors": [v["visitor_key"] for v in visitors],
    }
