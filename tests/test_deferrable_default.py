"""``deferrable`` follows Airflow's ``[operators] default_deferrable``, as the official providers do.

The default is read when the operator's module is imported, so each case imports the provider
in a fresh interpreter with the setting in its environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

# Every operator and sensor module the provider registers; every class in them with a
# `deferrable` argument (found through the MRO) must default to the setting.
PROBE = r"""
import importlib, inspect, json
from airflow.sdk import BaseOperator
from airflow_provider_wistia.provider_info import provider_info

info = provider_info()
modules = [m for kind in ("operators", "sensors") for group in info[kind] for m in group["python-modules"]]
defaults = {}
for module_name in modules:
    module = importlib.import_module(module_name)
    for name, cls in vars(module).items():
        if not (inspect.isclass(cls) and issubclass(cls, BaseOperator)):
            continue
        if not cls.__module__.startswith("airflow_provider_wistia"):
            continue
        for klass in cls.__mro__:
            if "__init__" not in vars(klass):
                continue
            parameter = inspect.signature(klass.__init__).parameters.get("deferrable")
            if parameter is not None:
                defaults[name] = parameter.default
                break

from airflow_provider_wistia.operators import WistiaUploadMediaOperator
from airflow_provider_wistia.sensors import WistiaMediaStatusSensor, WistiaNewMediaSensor

built = {
    "upload": WistiaUploadMediaOperator(task_id="u", url="https://e.com/a.mp4").deferrable,
    "status": WistiaMediaStatusSensor(task_id="s", media_id="abc").deferrable,
    "new": WistiaNewMediaSensor(task_id="n", project_id="p").deferrable,
    "explicit_false": WistiaMediaStatusSensor(task_id="f", media_id="abc", deferrable=False).deferrable,
}
print(json.dumps({"defaults": defaults, "built": built}))
"""


def _probe(setting: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE"}
    if setting is not None:
        env["AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE"] = setting
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=180
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("setting", "expected"), [("True", True), (None, False)])
def test_deferrable_defaults_to_airflows_setting(setting: str | None, expected: bool) -> None:
    probe = _probe(setting)
    defaults = probe["defaults"]
    # The sensors (through their base class) and the upload operator at least; any class added later too.
    assert {"WistiaUploadMediaOperator", "WistiaMediaStatusSensor", "WistiaNewMediaSensor"} <= set(defaults)
    assert defaults == dict.fromkeys(defaults, expected)
    built = {"upload": expected, "status": expected, "new": expected, "explicit_false": False}
    assert probe["built"] == built
