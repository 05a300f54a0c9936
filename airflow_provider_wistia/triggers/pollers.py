"""Pollers shared by all Wistia triggers of one connection in one triggerer process.

A thousand deferred waits on one connection must not cost a thousand requests a poll:

* :class:`.MediaStatusPoller` (:mod:`.status_poller`) reads the medias of every waiting
  :class:`~.wistia.WistiaMediaStatusTrigger`, 100 ids a request, one state per wait.
* :class:`.NewMediaPoller` (:mod:`.new_media_poller`) lists the whole account newest first
  once per round and gives each watcher the medias of its project.

Both run the loop of :class:`.SharedPoller` (:mod:`.poller_base`): one task on the event loop
per connection, started with its first watcher and cancelled with its last, sending one
request at a time through the connection's :func:`.shared_client`. Batching is invisible to
users: triggers still serialize to their own kwargs and fire their own events.
"""

from __future__ import annotations

from airflow_provider_wistia.triggers.new_media_poller import (
    JoinFailure,
    NewMediaPoller,
    NewMediaWatch,
    list_newest_first,
    media_project_id,
)
from airflow_provider_wistia.triggers.poller_base import BATCH_SIZE, SharedPoller
from airflow_provider_wistia.triggers.status_poller import DELIVERY_CHUNK, MediaStatusPoller, StatusWatch

__all__ = [
    "BATCH_SIZE",
    "DELIVERY_CHUNK",
    "JoinFailure",
    "MediaStatusPoller",
    "NewMediaPoller",
    "NewMediaWatch",
    "SharedPoller",
    "StatusWatch",
    "list_newest_first",
    "media_project_id",
]
