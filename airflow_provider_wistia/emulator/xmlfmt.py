"""Rails-style XML rendering for ``.xml`` requests (the v1 API's alternative format).

``[{"id": 1}]`` under root ``projects`` becomes
``<projects type="array"><project><id type="integer">1</id></project></projects>``.
Keys are kept as the JSON gives them; ``None`` becomes ``nil="true"``.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

_SINGULAR = {"medias": "media", "stats": "stats", "actions": "action"}


def singular(name: str) -> str:
    if name in _SINGULAR:
        return _SINGULAR[name]
    return name[:-1] if name.endswith("s") and len(name) > 1 else name


def _element(name: str, value: Any, out: list[str]) -> None:
    if value is None:
        out.append(f'<{name} nil="true"/>')
    elif isinstance(value, bool):
        out.append(f'<{name} type="boolean">{"true" if value else "false"}</{name}>')
    elif isinstance(value, int):
        out.append(f'<{name} type="integer">{value}</{name}>')
    elif isinstance(value, float):
        out.append(f'<{name} type="float">{value!r}</{name}>')
    elif isinstance(value, dict):
        out.append(f"<{name}>")
        for key, item in value.items():
            _element(str(key), item, out)
        out.append(f"</{name}>")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append(f'<{name} type="array"/>')
            return
        out.append(f'<{name} type="array">')
        child = singular(name)
        for item in value:
            _element(child, item, out)
        out.append(f"</{name}>")
    else:
        out.append(f"<{name}>{escape(str(value))}</{name}>")


def to_xml(value: Any, root: str) -> bytes:
    """Render ``value`` as an XML document whose root element is ``root``."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    _element(root, value, out)
    out.append("\n")
    return "".join(out).encode("utf-8")
