"""Lazy re-exports for the provider's subpackages (PEP 562 module ``__getattr__``).

DAG files import operators and sensors at parse time; loading each class only when it is
first used keeps that import nearly free.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, module_of: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``(__getattr__, __dir__)`` for ``package``, loading ``name`` from ``module_of[name]``."""
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> Any:
        module = module_of.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *module_of})

    return __getattr__, __dir__


def moved_to(module: str) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``(__getattr__, __dir__)`` for an old module path whose code now lives in ``module``:
    ``from <old path> import name`` keeps working, loading ``module`` on first use."""

    def __getattr__(name: str) -> Any:
        return getattr(importlib.import_module(module), name)

    def __dir__() -> list[str]:
        return sorted(dir(importlib.import_module(module)))

    return __getattr__, __dir__
