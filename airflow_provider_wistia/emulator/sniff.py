"""The media type of an upload, decided as Wistia does from what the upload carries.

In order: the file part's file name, then the ``name`` field's extension, then the file's
first bytes (what :mod:`.multipart` keeps of it), else ``Video``. A client that sends a bare file
object (no file name in the part, as ``requests_toolbelt``'s ``MultipartEncoder`` does and so
the ``wystia`` client) still gets the right type, and so stats for its video.
"""

from __future__ import annotations

from .models import media_type_for

_NO_EXTENSION = ""

# (offset, signature, media type), checked in order; the first match wins.
_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"%PDF-", "PdfDocument"),
    (0, b"\x89PNG\r\n\x1a\n", "Image"),
    (0, b"\xff\xd8\xff", "Image"),  # JPEG
    (0, b"GIF87a", "Image"),
    (0, b"GIF89a", "Image"),
    (0, b"\x1a\x45\xdf\xa3", "Video"),  # EBML: WebM, Matroska
    (0, b"ID3", "Audio"),  # MP3 with an ID3 tag
    (0, b"OggS", "Audio"),
    (0, b"fLaC", "Audio"),
)
_AUDIO_FTYP_BRANDS = (b"M4A ", b"M4B ", b"M4P ")


def sniff_media_type(head: bytes) -> str | None:
    """The media type the first bytes of a file show, or None when they show none we know."""
    for offset, signature, media_type in _SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return media_type
    if head[4:8] == b"ftyp":  # ISO base media: MP4, MOV (QuickTime), M4V, or M4A audio
        return "Audio" if head[8:12] in _AUDIO_FTYP_BRANDS else "Video"
    if head[:4] == b"RIFF":
        return {b"WAVE": "Audio", b"AVI ": "Video"}.get(head[8:12])
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:  # MPEG audio frame sync
        return "Audio"
    return None


def upload_media_type(file_name: str | None, name_field: str | None, head: bytes = b"") -> str:
    """The type of an uploaded media: file name, then ``name``'s extension, then content, else Video.

    A file name whose extension Wistia does not take (``notes.xyz``) with content we cannot
    tell stays ``UnknownType``; the ``name`` field is free text ("Launch v1.2"), so only a
    known extension of it counts.
    """
    for candidate in (file_name, name_field):
        media_type = media_type_for(candidate or "", default=_NO_EXTENSION)
        if media_type not in (_NO_EXTENSION, "UnknownType"):
            return media_type
    sniffed = sniff_media_type(head)
    if sniffed is not None:
        return sniffed
    return (
        "UnknownType" if media_type_for(file_name or "", default=_NO_EXTENSION) == "UnknownType" else "Video"
    )
