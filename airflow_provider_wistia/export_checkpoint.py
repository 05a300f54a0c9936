"""Moved to :mod:`airflow_provider_wistia.exports.checkpoint`; this path keeps older imports working."""

from airflow_provider_wistia._lazy import moved_to

__getattr__, __dir__ = moved_to("airflow_provider_wistia.exports.checkpoint")
