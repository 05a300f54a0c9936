"""The connection form shows every extra the hook reads, each with a label, a default and help text."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_wistia.hooks import settings as settings_module
from airflow_provider_wistia.provider_info import CONN_FIELDS, provider_info

PACKAGE = Path(settings_module.__file__).resolve().parent.parent
SECRET_WORDS = ("secret", "token", "password", "key")


class RecordingExtra(dict):
    """A connection's ``extra`` that remembers every key the code under test asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.read: set[str] = set()

    def get(self, key: Any, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key: Any) -> Any:
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)


def _extras_read_by_settings() -> tuple[set[str], Any]:
    extra = RecordingExtra()
    settings = settings_module.settings_from_connection(
        "wistia_default", host=None, port=None, password="t", extra=extra
    )
    return extra.read, settings


def _literal_keys_read(path: Path, is_extra: Callable[[ast.expr], bool]) -> set[str]:
    """Literal keys read (``.get("k")``, ``["k"]``) from the expressions ``is_extra`` accepts."""
    keys: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        target, key = None, None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            if node.func.attr == "get":
                target, key = node.func.value, node.args[0]
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            target, key = node.value, node.slice
        literal = isinstance(key, ast.Constant) and isinstance(key.value, str)
        if target is not None and is_extra(target) and literal:
            keys.add(key.value)  # type: ignore[union-attr]
    return keys


def _extras_read_elsewhere() -> set[str]:
    """Keys read from ``extra`` anywhere in hooks/settings.py (e.g. the webhook secrets), and from
    a connection's ``extra_dejson`` anywhere in the package."""
    keys = _literal_keys_read(
        Path(settings_module.__file__), lambda node: isinstance(node, ast.Name) and node.id == "extra"
    )
    for path in PACKAGE.rglob("*.py"):
        keys |= _literal_keys_read(
            path, lambda node: isinstance(node, ast.Attribute) and node.attr == "extra_dejson"
        )
    return keys


def test_every_extra_the_hook_reads_is_a_form_field() -> None:
    read, _ = _extras_read_by_settings()
    read |= _extras_read_elsewhere()
    assert {"auth_type", "rate_limit_per_minute", "retry_backoff", "upload_url"} <= read  # the probe works
    assert set(CONN_FIELDS) == read, (
        f"extras read but not in the form: {sorted(read - set(CONN_FIELDS))}; "
        f"form fields the hook never reads: {sorted(set(CONN_FIELDS) - read)}"
    )


def test_each_field_has_a_label_help_text_and_the_hooks_default() -> None:
    _, defaults = _extras_read_by_settings()
    for name, field in CONN_FIELDS.items():
        assert field["label"].strip() and field["label"] != name, name
        assert len(field["description"].strip()) > 10, name
        schema = field["schema"]
        assert "null" in schema["type"], f"{name}: an empty field must be allowed (the hook's default)"
        if any(word in name for word in SECRET_WORDS):
            assert schema.get("format") == "password", f"{name} must be a secret (masked) field"
            assert schema.get("default") is None, f"{name}: a secret has no default value"
            continue
        assert schema.get("format") != "password", name
        assert "default" in schema, name
        if hasattr(defaults, name):  # the form's default is what the hook uses when the field is empty
            assert schema["default"] == getattr(defaults, name), name


def test_airflow_registers_the_fields_for_the_form() -> None:
    import airflow
    from airflow.providers_manager import ProvidersManager
    from packaging.version import Version

    if Version(airflow.__version__) < Version("3.2"):
        pytest.skip("Airflow 3.1 does not read the declarative conn-fields of provider info")

    widgets = ProvidersManager().connection_form_widgets
    ours = {
        key.removeprefix("extra__wistia__"): w
        for key, w in widgets.items()
        if key.startswith("extra__wistia__")
    }
    assert set(ours) == set(CONN_FIELDS)
    backoff = ours["retry_backoff"]
    assert backoff.field["schema"]["title"] == CONN_FIELDS["retry_backoff"]["label"]
    assert backoff.field["value"] == 1.0 and backoff.field["description"]
    for name, widget in ours.items():
        assert widget.is_sensitive == (CONN_FIELDS[name]["schema"].get("format") == "password"), name
    (conn_type,) = provider_info()["connection-types"]
    assert conn_type["conn-fields"] is CONN_FIELDS
