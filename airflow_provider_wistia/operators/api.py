"""Any Data API endpoint from a DAG, with the hook's auth, rate limit, retries and errors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow_provider_wistia.exceptions import WistiaConfigError
from airflow_provider_wistia.hooks.wistia import WistiaHook
from airflow_provider_wistia.operators.base import WistiaBaseOperator
from airflow_provider_wistia.validation import require_text

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


class WistiaApiOperator(WistiaBaseOperator):
    """Call any Wistia Data API endpoint; return its JSON (None for an empty answer).

    Like the HTTP provider's operator, but through :class:`WistiaHook`: the connection's
    token, rate limit, retries (a POST that may have been applied is not resent) and typed
    errors. Lists in ``query``/``data`` are sent as ``name[]=value``; nested objects need ``json``.

    :param method: ``GET``, ``POST``, ``PUT``, ``PATCH`` or ``DELETE`` (templated).
    :param path: the endpoint relative to ``/v1``, e.g. ``medias/{{ params.media }}/captions``
        (a leading ``/v1/`` and a ``.json`` suffix are accepted; templated).
    :param query: query-string parameters (templated). Named ``query`` because ``params`` is
        Airflow's own ``BaseOperator`` argument.
    :param data: a form body (templated).
    :param json: a JSON body (templated); not with ``data`` nor with GET.
    :param response_format: ``json`` (default) or ``xml`` (returns the XML text).
    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        captions = WistiaApiOperator(
            task_id="list_captions", method="GET", path="medias/xyz987wvut/captions"
        )
    """

    template_fields: Sequence[str] = ("method", "path", "query", "data", "json")

    def __init__(
        self,
        *,
        method: str,
        path: str,
        query: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        json: Any = None,
        response_format: str = "json",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.method = method
        self.path = path
        self.query = query
        self.data = data
        self.json = json
        self.response_format = response_format

    def call(self, hook: WistiaHook) -> Any:
        method = require_text("method", self.method).upper()
        if method not in HTTP_METHODS:
            raise WistiaConfigError(f"method must be one of {', '.join(HTTP_METHODS)}, got {self.method!r}.")
        for name in ("query", "data"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, dict):
                raise WistiaConfigError(f"{name} must be a dict, got {type(value).__name__} {value!r}.")
        return hook.request(
            method,
            require_text("path", self.path),
            params=self.query,
            data=self.data,
            json=self.json,
            response_format=self.response_format,
        )
