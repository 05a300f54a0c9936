"""The Airflow plugin that mounts the Wistia webhook receiver on the API server at ``/wistia``.

Declared twice so that installing the package is enough: in the provider info
(``plugins``) and as an ``airflow.plugins`` entry point, which Airflow loads even with
lazy provider discovery (the default).
"""

from __future__ import annotations

from typing import Any

try:
    from airflow.sdk.plugins_manager import AirflowPlugin
except ImportError:  # Airflow 3.1
    from airflow.plugins_manager import AirflowPlugin  # type: ignore[no-redef,assignment]

URL_PREFIX = "/wistia"


class LazyWebhookApp:
    """An ASGI app that builds the FastAPI receiver on its first request.

    Every Airflow process loads plugins; only the API server ever calls this, so the
    FastAPI app (and its imports) is not built in schedulers, workers or DAG processors.
    """

    def __init__(self) -> None:
        self._app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self._app is None:
            from airflow_provider_wistia.webhooks.app import create_app

            self._app = create_app()
        await self._app(scope, receive, send)


class WistiaWebhooksPlugin(AirflowPlugin):
    """``POST /wistia/webhooks/{conn_id}``: Wistia webhooks become asset events."""

    name = "wistia_webhooks"
    fastapi_apps = [{"app": LazyWebhookApp(), "url_prefix": URL_PREFIX, "name": "Wistia webhooks"}]
