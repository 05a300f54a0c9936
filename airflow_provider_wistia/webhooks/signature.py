"""``X-Wistia-Signature``: the hex HMAC-SHA256 of the raw request body, keyed with the secret.

Verification is over the exact bytes received (never a re-serialised JSON), compares in
constant time, and accepts any of several secrets so that a secret can be rotated
without dropping deliveries.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

SIGNATURE_HEADER = "X-Wistia-Signature"


def sign(body: bytes, secret: str) -> str:
    """The signature Wistia sends for ``body`` under ``secret`` (lower-case hex)."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(body: bytes, signature: str | None, secrets: Iterable[str]) -> bool:
    """True if ``signature`` is the signature of ``body`` under one of ``secrets``.

    Every secret is tried (no early exit), so the time taken does not tell which one matched.
    """
    if not signature:
        return False
    received = signature.strip().lower().encode("ascii", "replace")
    matched = False
    for secret in secrets:
        matched |= hmac.compare_digest(sign(body, secret).encode("ascii"), received)
    return matched
