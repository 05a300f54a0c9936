"""The Airflow DAG ``wistia_test_reliability_every_operator`` for a modern connection, made from its file.

The two things a DAG author changes when moving to the modern track: templates read the answers'
modern names (``hashed_id``, not ``hashedId``), and a folder copy is a background job whose answer
names no folder, so the tasks that used the copy's id take ``conf["copy_target"]`` instead.
"""

from __future__ import annotations

from pathlib import Path

V1_FILE = Path(__file__).with_name("wistia_test_reliability_every_operator.py")
REPLACEMENTS = (
    ("{{ ti.xcom_pull(task_ids='copy_project')['hashedId'] }}", "{{ dag_run.conf['copy_target'] }}"),
    ("['hashedId']", "['hashed_id']"),
    ('dag_id="wistia_test_reliability_every_operator"', 'dag_id="wistia_test_modern_every_operator"'),
)

_source = V1_FILE.read_text(encoding="utf-8")
for _old, _new in REPLACEMENTS:
    if _old not in _source:
        raise RuntimeError(f"{V1_FILE.name} changed: {_old!r} is gone; update {Path(__file__).name}.")
    _source = _source.replace(_old, _new)
_namespace: dict = {"__name__": "wistia_test_modern_every_operator", "__file__": __file__}
exec(compile(_source, str(V1_FILE), "exec"), _namespace)
dag = _namespace["dag"]
