"""Every operator and sensor documents each of its arguments (``:param:``) and shows an example."""

from __future__ import annotations

import importlib
import inspect
import re
import textwrap
from pathlib import Path

import pytest
from airflow.sdk import BaseOperator

from airflow_provider_wistia.provider_info import provider_info


def _public_operators() -> list[type]:
    info = provider_info()
    modules = [
        m for kind in ("operators", "sensors") for group in info[kind] for m in group["python-modules"]
    ]
    classes = []
    for module_name in modules:
        for name, cls in vars(importlib.import_module(module_name)).items():
            if (
                inspect.isclass(cls)
                and issubclass(cls, BaseOperator)
                and cls.__module__ == module_name
                and not name.startswith("_")
                and not inspect.isabstract(cls)
            ):
                classes.append(cls)
    # A class other operators derive from (WistiaJobOperator...) is documented by its subclasses.
    return [
        cls for cls in classes if not any(other is not cls and issubclass(other, cls) for other in classes)
    ]


OPERATORS = _public_operators()


def test_the_list_is_not_empty() -> None:
    names = {cls.__name__ for cls in OPERATORS}
    assert {"WistiaCreateProjectOperator", "WistiaMediaStatusSensor", "WistiaExportStatsOperator"} <= names


@pytest.mark.parametrize("cls", OPERATORS, ids=lambda cls: cls.__name__)
def test_docstring_has_every_param_and_an_example(cls: type) -> None:
    doc = inspect.getdoc(cls) or ""
    own = [
        name
        for klass in cls.__mro__
        if klass.__module__.startswith("airflow_provider_wistia") and "__init__" in vars(klass)
        for name, parameter in inspect.signature(klass.__init__).parameters.items()
        if name != "self" and parameter.kind is not inspect.Parameter.VAR_KEYWORD
    ]
    documented = set(re.findall(r":param (\w+):", doc))
    missing = [name for name in dict.fromkeys(own) if name not in documented and "kwargs" not in documented]
    assert not missing, f"{cls.__name__}: no :param: for {missing}"
    example = re.search(r"Example[^\n]*::\n\n(.+?)(?:\n\n\S|\Z)", doc, re.DOTALL)
    assert example and f"{cls.__name__}(" in example.group(1), f"{cls.__name__}: no example (Example::)"
    exec(textwrap.dedent(example.group(1)), {cls.__name__: cls})  # the example builds the task as shown


def test_the_readme_quick_start_dag_builds() -> None:
    """The README's Quick start DAG is valid as written (five lines, no network at parse time)."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(r"```python\n(.*?)```", quick_start, re.DOTALL)
    assert len([line for line in code.splitlines() if line.strip()]) <= 5
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    from airflow.sdk import DAG

    (task,) = [t for value in namespace.values() if isinstance(value, DAG) for t in value.tasks]
    assert type(task).__name__ == "WistiaExportStatsOperator" and "run_after" in task.destination
