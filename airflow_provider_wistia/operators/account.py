"""Operator for the Wistia account itself."""

from __future__ import annotations

from typing import Any

from airflow_provider_wistia.hooks.wistia import WistiaHook
from airflow_provider_wistia.operators.base import WistiaBaseOperator


class WistiaGetAccountOperator(WistiaBaseOperator):
    """Return the account: ``id``, ``name``, ``url``, ``mediaCount``...

    :param wistia_conn_id: Airflow connection of type ``wistia``.

    Example::

        account = WistiaGetAccountOperator(task_id="get_account")
    """

    def call(self, hook: WistiaHook) -> Any:
        return hook.get_account()
