"""Wistia webhooks as Airflow asset events (push instead of polling).

``schedule=[wistia_webhook_asset("media.ready")]`` runs a DAG for the ``media.ready`` events
that Wistia POSTs to ``/wistia/webhooks/wistia_default`` on the Airflow API server: one asset
event per delivery and asset, its ``extra["events"]`` listing them oldest first (the
provider's plugin mounts that endpoint; see the README's "Webhooks" section). Receipts are
pruned by the receiver and by ``python -m airflow_provider_wistia.webhooks prune``.
"""

from __future__ import annotations

from airflow_provider_wistia.webhooks.events import (
    WEBHOOK_EVENT_TYPES,
    webhook_asset_uri,
    wistia_webhook_asset,
)

__all__ = ["WEBHOOK_EVENT_TYPES", "webhook_asset_uri", "wistia_webhook_asset"]
