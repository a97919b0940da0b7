"""Access tokens: bound to a file, a user and a permission; unforgeable; expiring."""

from __future__ import annotations

import base64
import dataclasses
import json
import re

import pytest

from jupyter_wopi.wopi.tokens import InvalidToken, TokenClaims, TokenSigner

SECRET = b"s" * 32
CLAIMS = TokenClaims("file-1", "alice", "Alice Ä.", True, 2_000, "http://lab:8888")


def test_round_trip_and_url_safety() -> None:
    token = TokenSigner(SECRET).mint(CLAIMS)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
    assert TokenSigner(SECRET).verify(token, "file-1", now_ms=1_000) == CLAIMS


@pytest.mark.parametrize(
    ("file_id", "now_ms", "grace", "reason"),
    [
        ("file-2", 1_000, 0, "another file"),
        ("file-1", 2_000, 0, "expired"),
        ("file-1", 2_999, 0, "expired"),
    ],
)
def test_rejections(file_id: str, now_ms: int, grace: int, reason: str) -> None:
    token = TokenSigner(SECRET).mint(CLAIMS)
    with pytest.raises(InvalidToken, match=reason):
        TokenSigner(SECRET).verify(token, file_id, now_ms, grace)


def test_a_token_expires_at_the_very_instant_without_grace() -> None:
    token = TokenSigner(SECRET).mint(CLAIMS)
    assert TokenSigner(SECRET).verify(token, "file-1", now_ms=1_999) == CLAIMS
    with pytest.raises(InvalidToken, match="expired"):
        TokenSigner(SECRET).verify(token, "file-1", now_ms=2_000)


def test_grace_extends_expiry() -> None:
    token = TokenSigner(SECRET).mint(CLAIMS)
    assert TokenSigner(SECRET).verify(token, "file-1", 2_500, grace_ms=1_000).user_id == "alice"


def test_other_secret_or_edited_payload_is_rejected() -> None:
    token = TokenSigner(SECRET).mint(CLAIMS)
    with pytest.raises(InvalidToken, match="signature"):
        TokenSigner(b"t" * 32).verify(token, "file-1", 1_000)
    write_claims = TokenSigner(SECRET).mint(TokenClaims("file-1", "alice", "A", False, 2_000))
    # Splice a signature from another token onto this payload.
    spliced = write_claims[:-43] + token[-43:]
    with pytest.raises(InvalidToken):
        TokenSigner(SECRET).verify(spliced, "file-1", 1_000)


@pytest.mark.parametrize("token", [None, "", "short", "x" * 100 + "!", "é" * 60])
def test_malformed_tokens(token: str | None) -> None:
    with pytest.raises(InvalidToken):
        TokenSigner(SECRET).verify(token, "file-1", 1_000)


def test_short_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        TokenSigner(b"short")


def signed(payload: object) -> str:
    """A token with a valid signature over any JSON payload (what a leaked secret allows)."""
    signer = TokenSigner(SECRET)
    body = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    return body + signer._sign(body)


@pytest.mark.parametrize(
    "payload",
    [
        [1, 2],
        "claims",
        {**dataclasses.asdict(CLAIMS), "expires_ms": "tomorrow"},
        {**dataclasses.asdict(CLAIMS), "expires_ms": True},
        {**dataclasses.asdict(CLAIMS), "can_write": "yes"},
        {**dataclasses.asdict(CLAIMS), "user_id": 7},
        {**dataclasses.asdict(CLAIMS), "origin": None},
        {**dataclasses.asdict(CLAIMS), "extra": 1},
    ],
)
def test_a_signed_but_unreadable_payload_is_invalid(payload: object) -> None:
    with pytest.raises(InvalidToken, match="payload is unreadable"):
        TokenSigner(SECRET).verify(signed(payload), "file-1", 1_000)


def test_a_remembered_token_is_still_checked_for_its_file_and_expiry() -> None:
    signer = TokenSigner(SECRET)
    token = signer.mint(CLAIMS)
    assert signer.verify(token, "file-1", now_ms=1_000) == CLAIMS  # now remembered
    with pytest.raises(InvalidToken, match="another file"):
        signer.verify(token, "file-2", now_ms=1_000)
    with pytest.raises(InvalidToken, match="expired"):
        signer.verify(token, "file-1", now_ms=2_000)
    assert signer.verify(token, "file-1", now_ms=2_500, grace_ms=1_000) == CLAIMS
    with pytest.raises(InvalidToken, match="signature"):  # a forgery is never remembered
        signer.verify(token[:-1] + ("A" if token[-1] != "A" else "B"), "file-1", now_ms=1_000)


def test_remembered_tokens_are_bounded() -> None:
    signer = TokenSigner(SECRET)
    tokens = [signer.mint(dataclasses.replace(CLAIMS, file_id=f"f{n}")) for n in range(1100)]
    for n, token in enumerate(tokens):
        signer.verify(token, f"f{n}", now_ms=1_000)
    assert len(signer._verified) == 1024
    assert tokens[-1] in signer._verified and tokens[0] not in signer._verified  # oldest out
    assert signer.verify(tokens[0], "f0", now_ms=1_000).file_id == "f0"  # checked again
