"""A local emulator of the Wistia v1 Data API, Stats API, Upload API and oEmbed endpoint.

It follows the *published* API (not any one client), so a client written for
``https://api.wistia.com/v1`` works unchanged against ``emu.base_url + "/v1"``. Standard
library only; nothing else from ``airflow_provider_wistia`` is imported.

Behaviour worth knowing:

* Auth: ``Authorization: Bearer <token>`` or Basic ``api:<token>``; anything else (including
  ``api_password``/``access_token`` in the query string) is ``401
  {"code": "unauthorized_credentials", "error": "Invalid credentials."}``. The Upload API
  also takes the legacy ``access_token``/``api_password`` *form field*; its 401 is
  ``text/html`` ``Authorization error. Check your access_token``.
* Not found: unknown projects are ``404 {"error": "Project with ID '<id>' not found."}``,
  unknown medias (show/update/delete/copy/stats, oEmbed) are
  ``404 {"error": "Media with hashed ID '<id>' not found."}``, unknown sharings
  ``404 {"error": "Sharing with ID '<id>' not found."}``, unknown routes 404, wrong
  methods 405 with ``Allow``.
* Lists are bare arrays: ``page`` from 1, ``per_page`` default 100 and capped at 100
  (Projects#show pages its ``medias`` with default and cap 500).
* Rate limit: sliding window per token (default 600 per 60 s) over authenticated ``/v1``
  and upload requests; over it: 429 (or 503) ``text/plain`` ``Rate limit exceeded`` with
  ``Retry-After``. Refused requests do not count.
* Lifecycle: a queued media moves ``queued -> processing -> ready`` one step per
  ``polls_per_step`` reads through ``GET /v1/medias/<id>`` or ``GET /v1/medias?hashed_ids[]=``
  (a read by id; the read that completes a step already shows the new status);
  ``script_media_lifecycle`` forces another path.
* Webhooks: a registered webhook receives signed media lifecycle events, retried with
  back-off (see :mod:`.webhooks`).
* Admin API under ``/__emulator__/`` (see :mod:`.admin`); CLI: ``python -m
  airflow_provider_wistia.emulator --port 0``.
"""

from __future__ import annotations

from .common import RecordedRequest
from .emulator import WistiaEmulator
from .faults import FAULT_KINDS
from .process import WistiaEmulatorProcess

__all__ = ["FAULT_KINDS", "RecordedRequest", "WistiaEmulator", "WistiaEmulatorProcess"]
