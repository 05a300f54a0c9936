"""The Wistia hook: the one place in the provider that speaks HTTP.

It owns auth (Bearer, or the legacy HTTP Basic ``api:<token>``), the sliding-window
rate limiter, retries (tenacity), paging of Wistia's bare-array lists, typed errors,
the Upload API and oEmbed.  The typed endpoint methods (``get_media``, ``create_project``...)
come from :class:`~.endpoints.WistiaDataApiMixin` and all go through ``request`` here or
``paginate``/``paginate_cursor`` (:mod:`.paging`).  Nothing happens at construction: the connection is read
and the ``requests.Session`` built on first use, so DAG files can create hooks freely.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import requests
import urllib3
from airflow.sdk import BaseHook
from requests.adapters import HTTPAdapter
from tenacity import Retrying

from airflow_provider_wistia import __version__
from airflow_provider_wistia.exceptions import WistiaConfigError, WistiaServerError
from airflow_provider_wistia.hooks.encoding import encode_fields
from airflow_provider_wistia.hooks.endpoints import WistiaDataApiMixin
from airflow_provider_wistia.hooks.endpoints_base import with_extra_fields
from airflow_provider_wistia.hooks.multipart import StreamingMultipart
from airflow_provider_wistia.hooks.policy import (
    TransportFault,
    auth_header_value,
    call_with_retries,
    exception_chain,
    read_answer,
    retrying_options,
    tls_refused,
    transport_failure,
)
from airflow_provider_wistia.hooks.settings import WistiaSettings, settings_of_connection
from airflow_provider_wistia.hooks.tracks import Track
from airflow_provider_wistia.ratelimit import SlidingWindowRateLimiter, shared_limiter
from airflow_provider_wistia.validation import (
    require_id,
    require_text,
)

USER_AGENT = f"airflow-provider-wistia/{__version__} (+requests/{requests.__version__})"
# oEmbed's own parameters travel on the oEmbed call; Wistia's embed options ride inside the media URL.
OEMBED_SPEC_PARAMS = frozenset({"maxwidth", "maxheight", "format", "callback"})


class _HeaderAuth(requests.auth.AuthBase):
    """Put the token in the Authorization header, and only there; never shown by repr."""

    def __init__(self, settings: WistiaSettings) -> None:
        self._value = auth_header_value(settings)

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = self._value
        return r

    def __repr__(self) -> str:
        return "<WistiaAuth ***>"


# Where urllib3 and ssl establish a connection: an error raised there came before the request.
_CONNECTING_FRAMES = frozenset({"_validate_conn", "_new_conn", "do_handshake"})
_READ_TIMEOUTS = (requests.Timeout, urllib3.exceptions.ReadTimeoutError, TimeoutError)
# What requests raises for a fault of the transport (other errors, e.g. an invalid URL, are final).
TRANSPORT_ERRORS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


def _raised_while_connecting(chain: list[BaseException]) -> bool:
    """Whether an error in ``chain`` was raised while connecting (requests wraps a reset in
    the TLS handshake and one after the request was written in the same ``ConnectionError``;
    only where it was raised tells them apart)."""
    for error in chain:
        for frame, _ in traceback.walk_tb(error.__traceback__):
            name, filename = frame.f_code.co_name, frame.f_code.co_filename
            if name in _CONNECTING_FRAMES or (name == "connect" and "urllib3" in filename):
                return True
    return False


def transport_fault(exc: requests.RequestException, *, reading_body: bool) -> TransportFault:
    """The policy's name for a ``requests`` transport error (``reading_body``: the answer's
    headers had arrived)."""
    chain = list(exception_chain(exc))
    if any(isinstance(e, urllib3.exceptions.NewConnectionError) for e in chain):  # a ConnectTimeoutError
        return TransportFault.REFUSED
    if any(isinstance(e, (requests.ConnectTimeout, urllib3.exceptions.ConnectTimeoutError)) for e in chain):
        return TransportFault.CONNECT_TIMEOUT
    if any(isinstance(e, _READ_TIMEOUTS) for e in chain):
        return TransportFault.READ_TIMEOUT
    if reading_body:
        return TransportFault.TRUNCATED_BODY
    if tls_refused(chain):
        return TransportFault.TLS_ERROR
    if _raised_while_connecting(chain):
        return TransportFault.RESET_BEFORE_SEND
    return TransportFault.RESET_AFTER_SEND


class WistiaHook(WistiaDataApiMixin, BaseHook):
    """Call the Wistia Data API v1 through an Airflow connection of type ``wistia``.

    :param wistia_conn_id: the connection holding the API token (password), an optional
        API base URL (host) and extras: ``auth_type``, ``rate_limit_per_minute``, ``timeout``,
        ``upload_timeout``, ``max_retries``, ``retry_backoff``, ``upload_url``, ``oembed_url``,
        ``method_override``.
    """

    conn_name_attr = "wistia_conn_id"
    default_conn_name = "wistia_default"
    conn_type = "wistia"
    hook_name = "Wistia"

    def __init__(self, wistia_conn_id: str = default_conn_name, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.wistia_conn_id = wistia_conn_id
        self._settings: WistiaSettings | None = None
        self._session: requests.Session | None = None
        self._auth: _HeaderAuth | None = None
        self._limiter: SlidingWindowRateLimiter | None = None
        self._init_lock = threading.Lock()
        self._count_lock = threading.Lock()
        self.requests_sent = 0

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        """Legacy form customisation (Airflow < 3.2 reads this; newer ones read provider info)."""
        from airflow_provider_wistia.provider_info import UI_FIELD_BEHAVIOUR

        return {
            "hidden_fields": list(UI_FIELD_BEHAVIOUR["hidden-fields"]),
            "relabeling": dict(UI_FIELD_BEHAVIOUR["relabeling"]),
            "placeholders": dict(UI_FIELD_BEHAVIOUR["placeholders"]),
        }

    # ------------------------------------------------------------------ setup
    @property
    def settings(self) -> WistiaSettings:
        """The validated connection settings, read on first use and cached."""
        if self._settings is None:
            with self._init_lock:
                if self._settings is None:
                    conn = self.get_connection(self.wistia_conn_id)
                    self._settings = settings_of_connection(self.wistia_conn_id, conn)
        return self._settings

    @property
    def track(self) -> Track:
        """The connection's API track (v1 or a pinned modern release): maps every call onto the wire."""
        return Track(self.settings.api_version)

    def get_conn(self) -> requests.Session:
        """The hook's keep-alive session, created once."""
        if self._session is None:
            settings = self.settings
            with self._init_lock:
                if self._session is None:
                    session = requests.Session()
                    session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
                    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=32, max_retries=0)
                    session.mount("https://", adapter)
                    session.mount("http://", adapter)
                    self._auth = _HeaderAuth(settings)
                    self._session = session
        return self._session

    @property
    def rate_limiter(self) -> SlidingWindowRateLimiter:
        """The connection's limiter, shared by every hook and trigger of this process (kept by ``close``)."""
        if self._limiter is None:
            settings = self.settings
            self._limiter = shared_limiter(
                settings.conn_id, settings.base_url, settings.rate_limit_per_minute
            )
        return self._limiter

    def close(self) -> None:
        """Close pooled connections (the hook can still be used afterwards)."""
        if self._session is not None:
            self._session.close()
            self._session = None

    # ------------------------------------------------------------------ HTTP core
    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        json: Any = None,
        response_format: str = "json",
    ) -> Any:
        """Call any Data API endpoint, e.g. ``request("GET", "medias/abc123/captions")``.

        ``path`` is relative to ``/v1`` (a leading ``/v1/`` and a ``.json``/``.xml`` extension
        are accepted). ``response_format="xml"`` asks for the ``.xml`` representation and
        returns its text. GET parameters go in the query string, others in a form body
        (``data``) or a JSON body (``json``, needed for nested objects such as customizations).
        List values are sent as ``name[]=v``; a nested dict in ``params``/``data`` is a
        :class:`WistiaConfigError`. An empty 200 body (Wistia sends them, e.g. captions) is ``None``.
        On a modern connection (extra ``api_version``) the same call goes to ``/modern``, pinned, with
        a JSON body and modern names (:class:`~.tracks.Track`).
        """
        prepared = self.track.prepare(
            method.upper(), path, params=params, data=data, json=json, response_format=response_format
        )
        return self._call(
            method.upper(),
            self.settings.base_url + prepared.display,
            prepared.display,
            params=prepared.params,
            data=prepared.data or None,
            json=prepared.json,
            response_format=response_format,
            headers=prepared.headers,
        )

    def _call(
        self,
        method: str,
        url: str,
        display_path: str,
        *,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        json: Any = None,
        body: Callable[[], StreamingMultipart] | None = None,
        response_format: str = "json",
        authenticated: bool = True,
        read_timeout: float | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """Send one logical request with rate limiting and retries; return the decoded body.

        ``read_timeout`` replaces the connection's ``timeout`` for this call (uploads). The
        retry policy is :mod:`.policy`'s, shared with the triggers' async client.
        """
        settings = self.settings
        wire_method, wire_data = method, data
        if settings.method_override and method in ("PUT", "DELETE"):
            # A JSON body carries no form field: the override then rides in a header (Rack reads both).
            wire_method = "POST"
            wire_data = data if json is not None else {**(data or {}), "_method": method.lower()}

        def attempt(resent_after_possible_apply: bool) -> Any:
            return self._attempt(
                method,
                wire_method,
                url,
                display_path,
                resent_after_possible_apply,
                params=params,
                data=wire_data,
                json=json,
                body=body,
                response_format=response_format,
                authenticated=authenticated,
                read_timeout=read_timeout,
                headers=headers,
            )

        return call_with_retries(attempt, Retrying(**retrying_options(settings)))

    def _attempt(
        self,
        method: str,
        wire_method: str,
        url: str,
        display: str,
        resent_after_possible_apply: bool,
        *,
        params: dict[str, Any] | None,
        data: dict[str, Any] | None,
        body: Callable[[], StreamingMultipart] | None,
        response_format: str,
        authenticated: bool,
        json: Any = None,
        read_timeout: float | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        session = self.get_conn()
        limiter = self.rate_limiter
        settings = self.settings
        payload: Any = data
        headers = dict(headers or {})
        if body is not None:
            stream = body()
            payload = stream
            headers["Content-Type"] = stream.content_type
        if wire_method != method:
            headers["X-HTTP-Method-Override"] = method
        slot = limiter.acquire() if authenticated else None
        reading_body = False
        try:
            with self._count_lock:  # += is not atomic across the threads sharing a hook
                self.requests_sent += 1
            # Streamed, so a body cut short is told apart from a connection lost before the answer;
            # a redirect is never followed (policy: the token stays on its host).
            response = session.request(
                wire_method,
                url,
                params=params,
                data=payload,
                json=json,
                headers=headers,
                auth=self._auth if authenticated else None,
                timeout=(min(10.0, settings.timeout), read_timeout or settings.timeout),
                stream=True,
                allow_redirects=False,
            )
            reading_body = True
            response.content  # noqa: B018 - reads the whole body now
        except TRANSPORT_ERRORS as exc:
            fault = transport_fault(exc, reading_body=reading_body)
            raise transport_failure(method, display, fault, type(exc).__name__) from None
        except requests.RequestException as exc:
            raise self._transport_error(method, display, exc) from None
        finally:
            if slot is not None:
                limiter.release(slot)
        return self._decode(response, method, display, resent_after_possible_apply, response_format)

    @staticmethod
    def _decode(
        response: requests.Response,
        method: str,
        display: str,
        resent_after_possible_apply: bool,
        response_format: str,
    ) -> Any:
        return read_answer(response, method, display, response_format, resent_after_possible_apply)

    @staticmethod
    def _transport_error(method: str, display: str, exc: Exception) -> WistiaServerError:
        return WistiaServerError(
            f"Wistia API {method} {display} could not complete: {type(exc).__name__}",
            method=method,
            path=display,
        )

    # ------------------------------------------------------------------ medias (other hosts)
    def get_media_embed(self, media_id: str, **oembed_params: Any) -> dict[str, Any]:
        """The oEmbed JSON for a media (``html`` holds the embed code); sends no token.

        ``maxwidth``/``maxheight`` go on the oEmbed call; Wistia's embed options
        (``embedType``, ``width``, ``height``, ``handle``...) ride inside the media URL, as Wistia documents.
        """
        mid = require_id("media_id", media_id)
        spec = {k: v for k, v in oembed_params.items() if k in OEMBED_SPEC_PARAMS and v is not None}
        options = {k: v for k, v in oembed_params.items() if k not in OEMBED_SPEC_PARAMS and v is not None}
        media_url = f"https://home.wistia.com/medias/{mid}"
        if options:
            media_url += "?" + urlencode(options)
        url = self.settings.oembed_url
        return self._call("GET", url, "oembed", params={"url": media_url, **spec}, authenticated=False)

    # ------------------------------------------------------------------ upload
    def upload_media(
        self,
        *,
        file_path: str | None = None,
        url: str | None = None,
        project_id: str | None = None,
        name: str | None = None,
        description: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Upload a local file (streamed) or import one from a URL; returns the new (queued) media.

        ``fields``: more upload form fields, sent as Wistia spells them (``contact_id``,
        ``low_priority``...). The POST waits up to the connection's ``upload_timeout`` (default
        3600 s) for Wistia's answer, which can be slow after a large file; it is never resent
        once it may have arrived.
        """
        if (file_path is None) == (url is None):
            raise WistiaConfigError("upload_media needs exactly one of file_path or url.")
        if reserved := sorted({"file", "url"} & set(fields)):
            raise WistiaConfigError(
                f"upload_media: {reserved} cannot be extra fields: use file_path= or url=."
            )
        named = {
            "project_id": require_id("project_id", project_id) if project_id is not None else None,
            "name": name,
            "description": description,
        }
        form = encode_fields(with_extra_fields("upload_media", named, fields), where="data")
        target = self.settings.upload_url
        if url is not None:
            form["url"] = require_text("url", url)
            timeout = self.settings.upload_timeout
            return self._call(
                "POST", target, "upload /", data=form, read_timeout=timeout, headers=self.track.headers
            )
        path = require_text("file_path", file_path)
        StreamingMultipart.check_readable(path)
        return self._call(
            "POST",
            target,
            "upload /",
            body=lambda: StreamingMultipart(form, "file", path),
            read_timeout=self.settings.upload_timeout,
            headers=self.track.headers,  # pinned on a modern connection too: the 2026-03 "POST /"
        )

    # ------------------------------------------------------------------ connection test
    def test_connection(self) -> tuple[bool, str]:
        """Used by the UI's Test button: ``GET /v1/account``."""
        try:
            account = self.get_account()
        except Exception as exc:
            return False, str(exc)
        name = account.get("name") if isinstance(account, dict) else None
        return True, f"Connected to Wistia account {name!r}."
