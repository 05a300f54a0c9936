"""Wistia webhooks as Airflow asset events (push instead of polling).

``schedule=[wistia_webhook_asset("media.ready")]`` runs a DAG for each ``media.ready`` event
that Wistia POSTs to ``/wistia/webhooks/wistia_default`` on the Airflow API server (the
provider's plugin mounts that endpoint; see the README's "Webhooks" section).
"""

from __future__ import annotations

from airflow_provider_wistia.webhooks.events import (
    WEBHOOK_EVENT_TYPES,
    webhook_asset_uri,
    wistia_webhook_asset,
)

__all__ = ["WEBHOOK_EVENT_TYPES", "webhook_asset_uri", "wistia_webhook_asset"]
