"""The retry policy shared by the hook and the triggers' async client, as a table (pure functions)."""

from __future__ import annotations

import pytest

from airflow_provider_wistia.exceptions import (
    WistiaAuthError,
    WistiaNotFoundError,
    WistiaRateLimitError,
    WistiaServerError,
)
from airflow_provider_wistia.hooks.policy import (
    AlreadyDeleted,
    Retryable,
    TransportFault,
    check_status,
    resend_with_new_credentials,
    transport_failure,
)

# (method, status, Retry-After) -> "retry" (not applied), "retry, may have applied", or the error raised
CASES = [
    ("POST", 429, None, "retry"),
    ("POST", 429, "3", "retry"),
    ("POST", 503, "3", "retry"),  # Wistia's older rate limiter: not applied
    ("POST", 503, None, WistiaRateLimitError),  # may have been applied: never resent
    ("POST", 500, None, WistiaServerError),
    ("POST", 502, None, WistiaServerError),
    ("GET", 503, None, "retry, may have applied"),
    ("GET", 500, None, "retry, may have applied"),
    ("PUT", 504, None, "retry, may have applied"),
    ("DELETE", 502, None, "retry, may have applied"),
    ("DELETE", 404, None, WistiaNotFoundError),
    ("GET", 501, None, WistiaServerError),
]


@pytest.mark.parametrize(("method", "status", "retry_after", "expected"), CASES)
def test_status_decisions(method: str, status: int, retry_after: str | None, expected: object) -> None:
    kwargs = {"status": status, "method": method, "display": "/v1/x.json", "content": b"{}"}
    if isinstance(expected, str):
        with pytest.raises(Retryable) as caught:
            check_status(**kwargs, content_type="application/json", retry_after_header=retry_after)
        assert caught.value.may_have_applied == ("may have applied" in expected)
        assert caught.value.retry_after == (None if retry_after is None else float(retry_after))
    else:
        with pytest.raises(expected) as error:  # type: ignore[call-overload]
            check_status(**kwargs, content_type="application/json", retry_after_header=retry_after)
        if method == "POST" and status >= 500:
            assert "may have been applied by Wistia" in str(error.value)


def test_a_resent_delete_answered_404_succeeded() -> None:
    with pytest.raises(AlreadyDeleted):
        check_status(
            status=404,
            method="DELETE",
            display="/v1/medias/x.json",
            content=b"",
            content_type=None,
            retry_after_header=None,
            resent_after_possible_apply=True,
        )


# fault -> (resent for GET/HEAD/PUT/DELETE, resent for POST, may have applied)
FAULT_TABLE = {
    TransportFault.REFUSED: (True, True, False),
    TransportFault.CONNECT_TIMEOUT: (True, True, False),
    TransportFault.RESET_BEFORE_SEND: (True, True, False),
    TransportFault.RESET_AFTER_SEND: (True, False, True),
    TransportFault.TRUNCATED_BODY: (True, False, True),
    TransportFault.READ_TIMEOUT: (True, False, True),
    TransportFault.TLS_ERROR: (False, False, False),
    TransportFault.REDIRECT: (False, False, True),
}


@pytest.mark.parametrize("method", ["GET", "HEAD", "PUT", "DELETE", "POST"])
@pytest.mark.parametrize("fault", list(TransportFault))
def test_transport_failures(method: str, fault: TransportFault) -> None:
    idempotent_resent, post_resent, may_have_applied = FAULT_TABLE[fault]
    resent = post_resent if method == "POST" else idempotent_resent
    outcome = transport_failure(method, "/v1/x.json", fault, "ConnectionError")
    assert isinstance(outcome, Retryable) == resent
    if isinstance(outcome, Retryable):
        assert outcome.may_have_applied == may_have_applied
    else:
        assert isinstance(outcome, WistiaServerError)
        # A transient fault not resent says why; a permanent one says it is not retried at all.
        assert ("may have been applied" in str(outcome)) == (method == "POST" and idempotent_resent)
        assert ("not retried" in str(outcome)) is True


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_final_and_names_its_target_without_the_query(status: int) -> None:
    with pytest.raises(WistiaServerError) as caught:
        check_status(
            status=status,
            method="GET",
            display="/v1/medias.json",
            content=b"",
            content_type=None,
            retry_after_header=None,
            location_header="https://elsewhere.example/v1/medias.json?signature=secret",
        )
    assert caught.value.status_code == status
    assert "https://elsewhere.example/v1/medias.json" in str(caught.value)
    assert "secret" not in str(caught.value)


@pytest.mark.parametrize(
    ("exc", "changed", "resend"),
    [
        (WistiaAuthError("refused", status_code=401), True, True),  # a rotated token: send once more
        (WistiaAuthError("refused", status_code=403), False, False),  # the same token: the refusal stands
        (WistiaServerError("boom", status_code=500), True, False),  # not an auth refusal
    ],
)
def test_a_refused_request_is_resent_only_with_new_credentials(
    exc: Exception, changed: bool, resend: bool
) -> None:
    assert resend_with_new_credentials(exc, credentials_changed=changed) is resend
