"""Where a new-media watcher keeps its cursor between triggerer runs.

* :class:`AssetCursorStore`: the watched asset's state store (Airflow 3.3+, one asset per
  trigger), one key per stream (``wistia_new_media_cursor/<conn>/<project or *>``), so two
  watchers never share or overwrite one cursor.
* :class:`VariableCursorStore`: an Airflow Variable named after the trigger's identity
  (connection, project, and a digest of its kwargs, which Airflow shares between the assets
  that use the same trigger). Used before Airflow 3.3 (no asset state store), and on 3.3+ when
  one trigger watches several assets (the state-store accessors offer no public way to list
  them).

Both are asynchronous: the state store answers through ``aget``/``aset``; a Variable is read
and written through ``asgiref.sync_to_async``, one request at a time (Airflow's Variable API is
synchronous). Not ``asyncio.to_thread``: on Airflow 3.1 a Variable request from a plain
thread reaches the triggerer's supervisor from a second event loop, fails, and stops the trigger
runner ("Response read out of order!"); ``sync_to_async`` hands the request back to the
triggerer's own loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import weakref
from typing import Any, Protocol

from asgiref.sync import sync_to_async

CURSOR_KEY_PREFIX = "wistia_new_media_cursor"


def stream_cursor_key(wistia_conn_id: str, project_id: str | None) -> str:
    """The state-store key of one stream's cursor: per connection and project (``*``: account)."""
    return f"{CURSOR_KEY_PREFIX}/{wistia_conn_id}/{project_id or '*'}"


def identity_variable_key(wistia_conn_id: str, project_id: str | None, kwargs: dict[str, Any]) -> str:
    """The Variable of one trigger's cursor: its stream plus a digest of its kwargs."""
    digest = hashlib.sha256(json.dumps(kwargs, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f"{stream_cursor_key(wistia_conn_id, project_id)}/{digest}"


class CursorStore(Protocol):
    """Load and save one watcher's cursor (JSON)."""

    description: str

    async def load(self) -> Any: ...

    async def save(self, state: dict[str, Any]) -> None: ...


_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


def _variable_lock() -> asyncio.Lock:
    """One Variable request at a time per event loop (one triggerer's comms channel)."""
    return _LOCKS.setdefault(asyncio.get_running_loop(), asyncio.Lock())


class VariableCursorStore:
    """The cursor in the Airflow Variable ``key`` (JSON)."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.description = f"Variable {key}"

    async def load(self) -> Any:
        from airflow.sdk import Variable

        async with _variable_lock():
            return await sync_to_async(Variable.get)(self.key, None, True)

    async def save(self, state: dict[str, Any]) -> None:
        from airflow.sdk import Variable

        async with _variable_lock():
            await sync_to_async(Variable.set)(self.key, state, None, True)


class AssetCursorStore:
    """The cursor under ``key`` in the state store of the trigger's single watched asset.

    ``accessors`` is the ``asset_state_store`` the triggerer injects. When it holds several
    assets (its single-asset methods raise ``ValueError``), ``fallback`` is used instead.
    """

    def __init__(self, accessors: Any, key: str, fallback: CursorStore) -> None:
        self.accessors = accessors
        self.key = key
        self.fallback: CursorStore | None = None
        self._fallback = fallback
        self.description = f"{accessors!r} key {key}"

    async def load(self) -> Any:
        try:
            return await self.accessors.aget(self.key)
        except ValueError:  # several assets: no single accessor
            self.fallback = self._fallback
            self.description = f"{self.accessors!r} ({self._fallback.description})"
            return await self._fallback.load()

    async def save(self, state: dict[str, Any]) -> None:
        if self.fallback is not None:
            await self.fallback.save(state)
        else:
            await self.accessors.aset(self.key, state)
