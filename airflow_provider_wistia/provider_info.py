"""Provider metadata: connection type, form fields, hooks, operators, sensors, triggers.

Airflow 3.2+ reads the declarative ``ui-field-behaviour`` and ``conn-fields`` below
without importing the hook; older 3.x releases call ``WistiaHook.get_ui_field_behaviour``.
"""

from __future__ import annotations

from typing import Any

from airflow_provider_wistia import __version__

UI_FIELD_BEHAVIOUR: dict[str, Any] = {
    "hidden-fields": ["login", "schema", "port"],
    "relabeling": {"host": "API base URL", "password": "API token"},
    "placeholders": {
        "host": "https://api.wistia.com",
        "password": "Wistia API token (Account Settings > API access)",
        "extra": '{"auth_type": "bearer", "rate_limit_per_minute": 600}',
    },
}


def _field(label: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"label": label, "description": description, "schema": schema}


CONN_FIELDS: dict[str, Any] = {
    "auth_type": _field(
        "Auth type",
        "bearer (Authorization: Bearer <token>, today's scheme) or basic (user 'api', the legacy scheme).",
        {"type": ["string", "null"], "enum": ["bearer", "basic"], "default": "bearer"},
    ),
    "rate_limit_per_minute": _field(
        "Rate limit per minute",
        "Most requests this hook sends in any 60 s window (Wistia allows 600 per account).",
        {"type": ["integer", "null"], "default": 600, "minimum": 1},
    ),
    "timeout": _field(
        "Timeout (s)", "Read timeout of one request.", {"type": ["number", "null"], "default": 30}
    ),
    "upload_timeout": _field(
        "Upload timeout (s)",
        "Read timeout of an upload POST: Wistia may answer slowly after a large file.",
        {"type": ["number", "null"], "default": 3600},
    ),
    "max_retries": _field(
        "Max retries",
        "Retries of a failed request (429/503/5xx/connection errors).",
        {"type": ["integer", "null"], "default": 5, "minimum": 0},
    ),
    "retry_backoff": _field(
        "Retry backoff (s)",
        "Base of the exponential backoff between retries (doubled each try, with jitter) when "
        "Wistia sent no Retry-After.",
        {"type": ["number", "null"], "default": 1.0, "minimum": 0},
    ),
    "upload_url": _field(
        "Upload URL",
        "Upload API endpoint.",
        {"type": ["string", "null"], "default": "https://upload.wistia.com/"},
    ),
    "oembed_url": _field(
        "oEmbed URL",
        "oEmbed endpoint for embed codes.",
        {"type": ["string", "null"], "default": "https://fast.wistia.com/oembed"},
    ),
    "api_version": _field(
        "API version",
        "v1 (Wistia's frozen Data API) or a modern release YYYY-MM (2026-01, 2026-03, 2026-05, 2026-07): "
        "every request then goes to /modern, pinned to that release.",
        {
            "type": ["string", "null"],
            "default": "v1",
            "enum": ["v1", "2026-01", "2026-03", "2026-05", "2026-07"],
        },
    ),
    "method_override": _field(
        "Method override",
        "Send PUT/DELETE as POST with _method=put|delete (for GET/POST-only proxies).",
        {"type": ["boolean", "null"], "default": False},
    ),
    "webhook_secret": _field(
        "Webhook secret",
        "Secret key of the Wistia webhook that posts to /wistia/webhooks/<this connection id>. "
        "During a rotation, give the new and the old secret separated by a comma.",
        {"type": ["string", "null"], "format": "password"},
    ),
    "webhook_max_age": _field(
        "Webhook max age (s)",
        "Replay window of the webhook receiver: an event generated longer ago than this is refused, "
        "and its receipt (which refuses a replay) is kept at least this long.",
        {"type": ["integer", "null"], "default": 604800, "minimum": 1},
    ),
}

_OPERATOR_MODULES = [
    f"airflow_provider_wistia.operators.{name}"
    for name in (
        "projects",
        "sharings",
        "medias",
        "stats",
        "uploads",
        "account",
        "api",
        "captions",
        "customizations",
        "jobs",
        "library",
        "exports",
        "export_analytics",
        "modern",
    )
]


def provider_info() -> dict[str, Any]:
    return {
        "package-name": "airflow-provider-wistia",
        "name": "Wistia",
        "description": "Wistia Data API: projects, sharings, medias, stats and uploads.",
        "versions": [__version__],
        "integrations": [
            {
                "integration-name": "Wistia",
                "external-doc-url": "https://wistia.com/support/developers/data-api",
                "tags": ["service"],
            }
        ],
        "hooks": [{"integration-name": "Wistia", "python-modules": ["airflow_provider_wistia.hooks.wistia"]}],
        "operators": [{"integration-name": "Wistia", "python-modules": _OPERATOR_MODULES}],
        "sensors": [
            {
                "integration-name": "Wistia",
                "python-modules": [
                    "airflow_provider_wistia.sensors.wistia",
                    "airflow_provider_wistia.sensors.jobs",
                ],
            }
        ],
        "triggers": [
            {
                "integration-name": "Wistia",
                "python-modules": [
                    "airflow_provider_wistia.triggers.wistia",
                    "airflow_provider_wistia.triggers.jobs",
                ],
            }
        ],
        "connection-types": [
            {
                "hook-class-name": "airflow_provider_wistia.hooks.wistia.WistiaHook",
                "connection-type": "wistia",
                "hook-name": "Wistia",
                "ui-field-behaviour": UI_FIELD_BEHAVIOUR,
                "conn-fields": CONN_FIELDS,
            }
        ],
        "extra-links": ["airflow_provider_wistia.operators.links.WistiaLink"],
        "plugins": [
            {
                "name": "wistia_webhooks",
                "plugin-class": "airflow_provider_wistia.webhooks.plugin.WistiaWebhooksPlugin",
            }
        ],
    }
