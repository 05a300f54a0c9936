"""Apache Airflow provider for the Wistia Data API.

Kept import-light on purpose: DAG files import operators from here at parse time.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.2.0"

__all__ = ["__version__", "get_provider_info"]


def get_provider_info() -> dict[str, Any]:
    """Entry point ``apache_airflow_provider``: what Airflow's ProvidersManager registers."""
    from airflow_provider_wistia.provider_info import provider_info

    return provider_info()
