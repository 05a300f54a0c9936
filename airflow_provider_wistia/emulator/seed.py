"""Bulk and demo seeding of the emulator's store.

``seed_medias`` is written for volume (20,000 medias in well under a second): it
creates records directly under one lock acquisition. ``seed_demo`` builds a small,
fixed-looking account for demos and DAG tests.
"""

from __future__ import annotations

import time
from typing import Any

from .state import Store

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
