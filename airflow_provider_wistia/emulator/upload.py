"""The emulated Upload API (``POST /`` on the upload host): creates a queued media.

The server has already parsed the body (multipart file parts are only counted) and
authenticated the request; this module turns parameters into a media and the
documented ``200`` response (the new media plus ``account_id``).
"""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlparse

from .common import ApiError, Params, Response, parse_int
from .multipart import FilePart
from .sniff import upload_media_type
from .state import Store

ACCOUNT_ID = 1


def _failed(detail: str) -> ApiError:
    return ApiError(400, {"error": {"code": "upload_failed", "detail": detail}})


def create(store: Store, params: Params, files: list[FilePart]) -> Response:
    """Create the media for an upload of ``files[...]`` (part ``file``) or of ``url``."""
    part = next((f for f in files if f.name == "file"), files[0] if files else None)
    url = params.get_str("url")
    if part is None and not url:
        raise _failed("A 'file' (multipart/form-data) or a 'url' parameter is required.")
    source = part.filename if part is not None else posixpath.basename(unquote(urlparse(str(url)).path))
    name = params.get_str("name") or source or "Untitled"
    contact = params.get_str("contact_id")
    with store.lock:
        rec = store.add_media(
            name[:255],
            params.get_str("project_id") or None,
            upload_media_type(source, params.get_str("name"), part.head if part is not None else b""),
            "queued",
            description=params.get_str("description") or "",
            file_size=part.size if part is not None else None,
            source_url=None if part is not None else url,
            contact_id=parse_int(contact, 0) or None if contact else None,
        )
        body = rec.basic_json()
    body["account_id"] = ACCOUNT_ID
    return Response(200, body)
