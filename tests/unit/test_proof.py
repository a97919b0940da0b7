"""Tests for jupyter_wopi.wopi.proof_keys (spec §4, onlyoffice-client-behavior.md §8)."""

from __future__ import annotations

import base64
import json
import struct
import time
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from jupyter_wopi.wopi.proof_keys import (
    TICKS_AT_UNIX_EPOCH,
    ProofKeys,
    ProofResult,
    discovery_proof_key_attributes,
    parse_timestamp,
    proof_message,
    public_key_from_blob,
    public_key_from_modulus_exponent,
    public_key_to_blob,
    sign_proof,
    ticks_from_unix_ms,
    timestamp_is_fresh,
    unix_seconds_from_ticks,
    verify_proof,
)

# Published test data, kept in the repository (tests/data/README.md says where from).
VECTORS_PATH = Path(__file__).parents[1] / "data" / "proof-key-vectors.json"

MS_CASE_NAMES = [
    "test_proof_current_key1",
    "test_proof_current_key2",
    "test_old_proof_current_key1",
    "test_old_proof_current_key2",
    "test_proof_old_key1",
    "test_proof_old_key2",
    "test_invalid1",
    "test_invalid2",
]


@cache
def vectors() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
    return data


def vector_case(family: str, name: str) -> tuple[dict[str, Any], ProofKeys]:
    """The case of that name among a family's vectors ("microsoft", "onlyoffice_style"), and
    the proof keys of the family's discovery."""
    data = vectors()[family]
    (case,) = [c for c in data["cases"] if c["name"] == name]
    keys = ProofKeys.from_discovery_attributes(data["discovery"])
    assert keys is not None
    return case, keys


def _numbers(key: RSAPublicKey | None) -> tuple[int, int]:
    assert key is not None
    numbers = key.public_numbers()
    return numbers.n, numbers.e


def _load_private(pem: str) -> RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, RSAPrivateKey)
    return key


def _expected_kind(checks: dict[str, bool]) -> ProofResult:
    if checks["proof_cur"] or checks["proofold_cur"]:
        return ProofResult.VALID_CURRENT
    if checks["proof_old"]:
        return ProofResult.VALID_OLD_ONLY
    return ProofResult.INVALID


# --------------------------------------------------------------------------- Microsoft vectors


@pytest.mark.parametrize("name", MS_CASE_NAMES)
def test_microsoft_vectors(name: str) -> None:
    case, keys = vector_case("microsoft", name)
    result = verify_proof(
        keys,
        case["access_token"],
        case["url"],
        case["timestamp"],
        case["x_wopi_proof"],
        case["x_wopi_proofold"],
    )
    assert result.accepted is case["expected_valid"]
    assert result is _expected_kind(case["signature_checks"])
    if name.startswith("test_proof_current") or name.startswith("test_old_proof_current"):
        assert result is ProofResult.VALID_CURRENT
    elif name.startswith("test_proof_old"):
        assert result is ProofResult.VALID_OLD_ONLY
    else:
        assert result is ProofResult.INVALID


def test_microsoft_vectors_all_present() -> None:
    names = [c["name"] for c in vectors()["microsoft"]["cases"]]
    assert sorted(names) == sorted(MS_CASE_NAMES)


@pytest.mark.parametrize("name", MS_CASE_NAMES[:6])
def test_microsoft_vectors_reject_tampering(name: str) -> None:
    case, keys = vector_case("microsoft", name)
    args = (case["x_wopi_proof"], case["x_wopi_proofold"])
    token, url, ts = case["access_token"], case["url"], case["timestamp"]
    assert verify_proof(keys, token + "x", url, ts, *args) is ProofResult.INVALID
    assert verify_proof(keys, token, url + "x", ts, *args) is ProofResult.INVALID
    assert verify_proof(keys, token, url, ts + 1, *args) is ProofResult.INVALID
    # the URL is upper-cased before signing, so its case does not matter (spec §4.2)
    assert verify_proof(keys, token, url.lower(), ts, *args).accepted


def test_microsoft_proofold_with_old_key_not_accepted() -> None:
    case, full = vector_case("microsoft", "test_old_proof_current_key1")
    # put the signing key into the "old" slot only: ProofOld/old must not validate (spec §4.4)
    keys = ProofKeys(current=None, old=full.current)
    result = verify_proof(
        keys, case["access_token"], case["url"], case["timestamp"], None, case["x_wopi_proofold"]
    )
    assert result is ProofResult.INVALID


# --------------------------------------------------------------------------- ONLYOFFICE-style


def test_onlyoffice_style_vector_valid() -> None:
    case, keys = vector_case("onlyoffice_style", "onlyoffice_style_checkfileinfo")
    token, url, ts = case["access_token_signed"], case["request_url"], case["timestamp"]
    assert proof_message(token, url, ts).hex() == case["proof_buffer_hex"]
    result = verify_proof(keys, token, url, ts, case["x_wopi_proof"], case["x_wopi_proofold"])
    assert result is ProofResult.VALID_CURRENT
    # the timestamp matches its documented UTC time
    when = datetime.fromisoformat(case["timestamp_utc"].replace("Z", "+00:00"))
    assert unix_seconds_from_ticks(ts) == when.timestamp()


def test_onlyoffice_style_vector_wrong_token_encoding() -> None:
    case, keys = vector_case("onlyoffice_style", "onlyoffice_style_wrong_token_encoding")
    assert case["expected_valid"] is False
    result = verify_proof(
        keys,
        case["access_token_signed"],
        case["request_url"],
        case["timestamp"],
        case["x_wopi_proof"],
        case["x_wopi_proofold"],
    )
    assert result is ProofResult.INVALID


def test_onlyoffice_style_proofold_old_rejected() -> None:
    # DS signs ProofOld with its old key; alone, that must not be accepted (spec §4.4 step 3).
    oo = vectors()["onlyoffice_style"]
    case = oo["cases"][0]
    keys = ProofKeys.from_discovery_attributes(oo["discovery"])
    assert keys is not None
    token, url, ts = case["access_token_signed"], case["request_url"], case["timestamp"]
    assert verify_proof(keys, token, url, ts, None, case["x_wopi_proofold"]) is ProofResult.INVALID
    assert verify_proof(keys, token, url, ts, "", case["x_wopi_proofold"]) is ProofResult.INVALID
    # the same header is a valid ProofOld/current once that key has become current
    rotated = ProofKeys(current=keys.old, old=None)
    result = verify_proof(rotated, token, url, ts, None, case["x_wopi_proofold"])
    assert result is ProofResult.VALID_CURRENT


def test_onlyoffice_style_private_keys_sign_identically() -> None:
    # PKCS#1 v1.5 is deterministic: our signer must reproduce the vector's headers exactly.
    oo = vectors()["onlyoffice_style"]
    case = oo["cases"][0]
    token, url, ts = case["access_token_signed"], case["request_url"], case["timestamp"]
    current = _load_private(oo["private_key_pem_current"])
    old = _load_private(oo["private_key_pem_old"])
    assert sign_proof(current, token, url, ts) == case["x_wopi_proof"]
    assert sign_proof(old, token, url, ts) == case["x_wopi_proofold"]


def test_discovery_attributes_match_onlyoffice_style_vector() -> None:
    # Our PUBLICKEYBLOB writer is byte-identical to openssl's "MS PUBLICKEYBLOB" output.
    oo = vectors()["onlyoffice_style"]
    current = _load_private(oo["private_key_pem_current"])
    old = _load_private(oo["private_key_pem_old"])
    assert discovery_proof_key_attributes(current, old) == oo["discovery"]


# --------------------------------------------------------------------------- key formats


@pytest.mark.parametrize(
    ("section", "prefix"),
    [
        ("microsoft", ""),
        ("microsoft", "old"),
        ("onlyoffice_sample_discovery_proof_key", ""),
        ("onlyoffice_style", ""),
        ("onlyoffice_style", "old"),
    ],
)
def test_blob_equals_modulus_exponent(section: str, prefix: str) -> None:
    data = vectors()[section]
    attrs = data.get("discovery", data)
    from_blob = public_key_from_blob(attrs[f"{prefix}value"])
    from_numbers = public_key_from_modulus_exponent(
        attrs[f"{prefix}modulus"], attrs[f"{prefix}exponent"]
    )
    assert _numbers(from_blob) == _numbers(from_numbers)
    assert from_blob.key_size == 2048
    assert _numbers(from_blob)[1] == 65537
    # and back: serializing gives the discovery value again
    assert base64.b64encode(public_key_to_blob(from_numbers)).decode() == attrs[f"{prefix}value"]


def test_from_discovery_attributes_falls_back_to_blob() -> None:
    ms = vectors()["microsoft"]["discovery"]
    preferred = ProofKeys.from_discovery_attributes(ms)
    blob_only = ProofKeys.from_discovery_attributes(
        {"value": ms["value"], "oldvalue": ms["oldvalue"]}
    )
    assert preferred is not None
    assert blob_only is not None
    assert _numbers(blob_only.current) == _numbers(preferred.current)
    assert _numbers(blob_only.old) == _numbers(preferred.old)
    # exponent missing: modulus alone is unusable, so the blob is used
    partial = ProofKeys.from_discovery_attributes({"modulus": ms["modulus"], "value": ms["value"]})
    assert partial is not None
    assert _numbers(partial.current) == _numbers(preferred.current)
    assert partial.old is None


def test_onlyoffice_sample_discovery_value_equals_oldvalue() -> None:
    sample = vectors()["onlyoffice_sample_discovery_proof_key"]
    attrs = {
        "value": sample["value"],
        "oldvalue": sample["value"],
        "modulus": sample["modulus"],
        "exponent": sample["exponent"],
    }
    keys = ProofKeys.from_discovery_attributes(attrs)
    assert keys is not None
    assert _numbers(keys.current) == _numbers(keys.old)


@pytest.mark.parametrize(
    "attrs",
    [
        {},
        {"value": "", "modulus": "", "exponent": "", "oldvalue": ""},
        {"unrelated": "x"},
        {"modulus": "  ", "exponent": "AQAB"},
    ],
)
def test_from_discovery_attributes_absent(attrs: dict[str, str]) -> None:
    assert ProofKeys.from_discovery_attributes(attrs) is None


def test_from_discovery_attributes_old_only() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    attrs = discovery_proof_key_attributes(key, key)
    old_only = {k: v for k, v in attrs.items() if k.startswith("old")}
    keys = ProofKeys.from_discovery_attributes(old_only)
    assert keys is not None
    assert keys.current is None
    assert _numbers(keys.old) == _numbers(key.public_key())


@pytest.mark.parametrize(
    "blob",
    [
        "not base64!",
        "",
        base64.b64encode(b"\x06\x02").decode(),
        # PRIVATEKEYBLOB type
        base64.b64encode(b"\x07\x02\x00\x00\x00\xa4\x00\x00RSA2" + b"\x00" * 300).decode(),
        # right header, wrong magic
        base64.b64encode(
            b"\x06\x02\x00\x00\x00\xa4\x00\x00RSA2\x00\x08\x00\x00\x01\x00\x01\x00" + b"\x01" * 256
        ).decode(),
        # modulus truncated
        base64.b64encode(
            b"\x06\x02\x00\x00\x00\xa4\x00\x00RSA1\x00\x08\x00\x00\x01\x00\x01\x00" + b"\x01" * 255
        ).decode(),
        # DSA algorithm id
        base64.b64encode(
            b"\x06\x02\x00\x00\x00\x22\x00\x00RSA1\x00\x08\x00\x00\x01\x00\x01\x00" + b"\x01" * 256
        ).decode(),
    ],
)
def test_malformed_blob_raises_value_error(blob: str) -> None:
    with pytest.raises(ValueError):
        public_key_from_blob(blob)


@pytest.mark.parametrize(
    ("modulus", "exponent"),
    [("@@@", "AQAB"), ("AQAB", "???"), ("AA==", "AQAB"), ("0HOWUPFFgmSYHbLZ", "AA==")],
)
def test_malformed_modulus_exponent_raises_value_error(modulus: str, exponent: str) -> None:
    with pytest.raises(ValueError):
        public_key_from_modulus_exponent(modulus, exponent)


def test_from_discovery_attributes_malformed_raises_value_error() -> None:
    with pytest.raises(ValueError):
        ProofKeys.from_discovery_attributes({"modulus": "%%%", "exponent": "AQAB"})


# --------------------------------------------------------------------------- timestamps


def test_ticks_conversion() -> None:
    assert ticks_from_unix_ms(0) == TICKS_AT_UNIX_EPOCH
    assert unix_seconds_from_ticks(TICKS_AT_UNIX_EPOCH) == 0.0
    ms = int(datetime(2026, 1, 15, 12, 0, tzinfo=timezone.utc).timestamp() * 1000)
    assert ticks_from_unix_ms(ms) == 639040752000000000
    assert unix_seconds_from_ticks(ticks_from_unix_ms(1_700_000_000_123)) == 1_700_000_000.123


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("639040752000000000", 639040752000000000),
        (" 639040752000000000 ", 639040752000000000),
        (None, None),
        ("", None),
        ("-1", None),
        ("+5", None),
        ("1_000", None),
        ("12.5", None),
        ("\u0661\u0662", None),  # Arabic-Indic digits
        (str(2**64), None),
        (str(2**64 - 1), 2**64 - 1),
    ],
)
def test_parse_timestamp(header: str | None, expected: int | None) -> None:
    assert parse_timestamp(header) == expected


def test_timestamp_freshness() -> None:
    now = 1_768_478_400.0  # 2026-01-15T12:00:00Z
    ts = ticks_from_unix_ms(int(now * 1000))
    assert timestamp_is_fresh(ts, now)
    assert timestamp_is_fresh(ts, now + 19 * 60)
    assert timestamp_is_fresh(ts, now + 20 * 60)
    assert not timestamp_is_fresh(ts, now + 20 * 60 + 1)  # stale: older than 20 minutes
    assert timestamp_is_fresh(ts, now - 4 * 60)  # small clock skew tolerated
    assert not timestamp_is_fresh(ts, now - 6 * 60)  # too far in the future
    assert timestamp_is_fresh(ts, now, max_age_s=10, max_skew_s=0)
    assert not timestamp_is_fresh(ts, now + 11, max_age_s=10)


def test_microsoft_vector_timestamps_are_stale() -> None:
    for case in vectors()["microsoft"]["cases"]:
        assert not timestamp_is_fresh(case["timestamp"], time.time())


# --------------------------------------------------------------------------- garbage input


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "!!!not-base64!!!",
        "QUJD",  # valid base64, wrong length for a signature
        "QUJD=",  # bad padding
        "\u00e9\u00e8",  # non-ASCII
        "A" * 343 + "=",  # right length, garbage signature
        " ",
    ],
)
def test_garbage_proofs_rejected_without_exceptions(garbage: str) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    keys = ProofKeys(current=key.public_key(), old=key.public_key())
    ts = ticks_from_unix_ms(int(time.time() * 1000))
    assert verify_proof(keys, "tok", "https://h/wopi/files/1", ts, garbage, garbage) is (
        ProofResult.INVALID
    )
    assert verify_proof(keys, "tok", "https://h/wopi/files/1", ts, garbage, None) is (
        ProofResult.INVALID
    )


def test_unencodable_or_out_of_range_input_rejected_without_exceptions() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    keys = ProofKeys(current=key.public_key(), old=None)
    proof = sign_proof(key, "tok", "https://h/x", 1)
    assert verify_proof(keys, "tok\ud800", "https://h/x", 1, proof, None) is ProofResult.INVALID
    assert verify_proof(keys, "tok", "https://h/x", -1, proof, None) is ProofResult.INVALID
    assert verify_proof(keys, "tok", "https://h/x", 2**64, proof, None) is ProofResult.INVALID
    assert verify_proof(ProofKeys(None, None), "tok", "https://h/x", 1, proof, proof) is (
        ProofResult.INVALID
    )
    with pytest.raises(ValueError):
        proof_message("tok", "https://h/x", -1)


def test_no_proof_headers_is_invalid() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    keys = ProofKeys(current=key.public_key(), old=key.public_key())
    assert verify_proof(keys, "tok", "https://h/x", 1, None, None) is ProofResult.INVALID


# --------------------------------------------------------------------------- round trips


@pytest.fixture(scope="module")
def key_chain() -> list[RSAPrivateKey]:
    """Four successive generations of DS proof keys: K0 (oldest) .. K3 (newest)."""
    return [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(4)]


def _host_keys(current: RSAPrivateKey, old: RSAPrivateKey) -> ProofKeys:
    keys = ProofKeys.from_discovery_attributes(discovery_proof_key_attributes(current, old))
    assert keys is not None
    return keys


def _ds_headers(
    current: RSAPrivateKey, old: RSAPrivateKey, token: str, url: str, ts: int
) -> tuple[str, str]:
    """What the ONLYOFFICE double sends: Proof with privateKey, ProofOld with privateKeyOld."""
    return sign_proof(current, token, url, ts), sign_proof(old, token, url, ts)


TOKEN = "tok/with+reserved=chars"
URL = "http://jupyter.example:8888/wopi/files/3f2a9c1e?access_token=tok%2Fwith%2Breserved%3Dchars"


def test_round_trip(key_chain: list[RSAPrivateKey]) -> None:
    k0, k1 = key_chain[0], key_chain[1]
    ts = ticks_from_unix_ms(int(time.time() * 1000))
    proof, proof_old = _ds_headers(k1, k0, TOKEN, URL, ts)
    keys = _host_keys(k1, k0)
    assert verify_proof(keys, TOKEN, URL, ts, proof, proof_old) is ProofResult.VALID_CURRENT
    assert verify_proof(keys, TOKEN, URL, ts, proof, None) is ProofResult.VALID_CURRENT
    assert verify_proof(keys, TOKEN, URL.lower(), ts, proof, None) is ProofResult.VALID_CURRENT
    assert timestamp_is_fresh(ts, time.time())
    # any changed byte (other than letter case in the URL) breaks the proof (spec §4.4 pitfalls)
    assert verify_proof(keys, TOKEN, URL.replace(":8888", ""), ts, proof, None) is (
        ProofResult.INVALID
    )
    encoded = "tok%2Fwith%2Breserved%3Dchars"
    assert verify_proof(keys, encoded, URL, ts, proof, None) is ProofResult.INVALID
    assert verify_proof(keys, TOKEN, URL, ts + 1, proof, proof_old) is ProofResult.INVALID


def test_round_trip_same_key_in_both_slots(key_chain: list[RSAPrivateKey]) -> None:
    # ONLYOFFICE Docker images write the same key as current and old (value == oldvalue).
    k = key_chain[0]
    ts = ticks_from_unix_ms(int(time.time() * 1000))
    proof, proof_old = _ds_headers(k, k, TOKEN, URL, ts)
    keys = _host_keys(k, k)
    assert verify_proof(keys, TOKEN, URL, ts, proof, proof_old) is ProofResult.VALID_CURRENT


def test_rotation_host_discovery_behind(key_chain: list[RSAPrivateKey]) -> None:
    # DS rotated K1 -> K2; host still has discovery (current=K1, old=K0):
    # ProofOld (K1) verifies with the current key.
    k0, k1, k2 = key_chain[:3]
    ts = ticks_from_unix_ms(int(time.time() * 1000))
    proof, proof_old = _ds_headers(k2, k1, TOKEN, URL, ts)
    assert verify_proof(_host_keys(k1, k0), TOKEN, URL, ts, proof, proof_old) is (
        ProofResult.VALID_CURRENT
    )


def test_rotation_ds_behind_host(key_chain: list[RSAPrivateKey]) -> None:
    # Host already has discovery (current=K2, old=K1) while DS still signs Proof with K1:
    # Proof verifies only with the old key -> accepted, but the caller should refetch discovery.
    k0, k1, k2 = key_chain[:3]
    ts = ticks_from_unix_ms(int(time.time() * 1000))
    proof, proof_old = _ds_headers(k1, k0, TOKEN, URL, ts)
    result = verify_proof(_host_keys(k2, k1), TOKEN, URL, ts, proof, proof_old)
    assert result is ProofResult.VALID_OLD_ONLY
    assert result.accepted


def test_rotation_proofold_with_old_key_rejected(key_chain: list[RSAPrivateKey]) -> None:
    # Host (current=K2, old=K1); request whose only valid signature is ProofOld by K1.
    k1, k2, k3 = key_chain[1:]
    ts = ticks_from_unix_ms(int(time.time() * 1000))
    proof, proof_old = _ds_headers(k3, k1, TOKEN, URL, ts)
    assert verify_proof(_host_keys(k2, k1), TOKEN, URL, ts, proof, proof_old) is (
        ProofResult.INVALID
    )


def test_rotation_two_generations_apart(key_chain: list[RSAPrivateKey]) -> None:
    # Host (current=K1, old=K0) but DS is at (K3, K2): nothing validates until rediscovery.
    k0, k1, k2, k3 = key_chain
    ts = ticks_from_unix_ms(int(time.time() * 1000))
    proof, proof_old = _ds_headers(k3, k2, TOKEN, URL, ts)
    assert verify_proof(_host_keys(k1, k0), TOKEN, URL, ts, proof, proof_old) is (
        ProofResult.INVALID
    )
    # after refetching discovery (spec §4.4 step 4)
    assert verify_proof(_host_keys(k3, k2), TOKEN, URL, ts, proof, proof_old) is (
        ProofResult.VALID_CURRENT
    )


def test_discovery_attributes_round_trip(key_chain: list[RSAPrivateKey]) -> None:
    k0, k1 = key_chain[:2]
    attrs = discovery_proof_key_attributes(k1, k0.public_key())
    assert set(attrs) == {"value", "modulus", "exponent", "oldvalue", "oldmodulus", "oldexponent"}
    assert attrs["exponent"] == attrs["oldexponent"] == "AQAB"
    keys = ProofKeys.from_discovery_attributes(attrs)
    assert keys is not None
    assert _numbers(keys.current) == _numbers(k1.public_key())
    assert _numbers(keys.old) == _numbers(k0.public_key())
    assert _numbers(public_key_from_blob(attrs["value"])) == _numbers(k1.public_key())
    assert _numbers(public_key_from_blob(attrs["oldvalue"])) == _numbers(k0.public_key())


def test_proof_message_layout() -> None:
    msg = proof_message("t\u00e9", "http://h/\u00dfx?a=b", 0x0102030405060708)
    token = "t\u00e9".encode()
    url = b"HTTP://H/SSX?A=B"  # str.upper() like JS toUpperCase ("ß" -> "SS")
    assert msg == (
        len(token).to_bytes(4, "big")
        + token
        + len(url).to_bytes(4, "big")
        + url
        + (8).to_bytes(4, "big")
        + bytes.fromhex("0102030405060708")
    )


# --------------------------------------------------------------------------- exact rules


def _blob(
    key: RSAPublicKey,
    *,
    b_type: int = 0x06,
    version: int = 0x02,
    alg: int = 0xA400,
    bitlen: int | None = None,
    modulus: bytes | None = None,
) -> str:
    """A PUBLICKEYBLOB of `key` with any header field replaced."""
    numbers = key.public_numbers()
    size = numbers.n.bit_length() if bitlen is None else bitlen
    header = struct.pack("<BBHI4sII", b_type, version, 0, alg, b"RSA1", size, numbers.e)
    body = numbers.n.to_bytes(256, "little") if modulus is None else modulus
    return base64.b64encode(header + body).decode()


@cache
def _key() -> RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def test_both_rsa_algorithm_ids_are_accepted_and_nothing_else() -> None:
    public = _key().public_key()
    for alg in (0xA400, 0x2400):  # CALG_RSA_KEYX (openssl, .NET), CALG_RSA_SIGN
        assert _numbers(public_key_from_blob(_blob(public, alg=alg))) == _numbers(public)
    for alg in (0xA401, 0x2401, 0):
        with pytest.raises(ValueError, match="not an RSA key blob"):
            public_key_from_blob(_blob(public, alg=alg))


@pytest.mark.parametrize(("b_type", "version"), [(0x07, 0x02), (0x06, 0x03), (0x06, 0x00)])
def test_blob_type_and_version_must_both_match(b_type: int, version: int) -> None:
    with pytest.raises(ValueError, match="not a PUBLICKEYBLOB"):
        public_key_from_blob(_blob(_key().public_key(), b_type=b_type, version=version))


def test_blob_length_rules() -> None:
    public = _key().public_key()
    header_only = _blob(public, modulus=b"")
    with pytest.raises(ValueError, match="0 modulus bytes for bitlen 2048"):
        public_key_from_blob(header_only)  # a complete header: its fields are read
    with pytest.raises(ValueError, match="too short"):
        public_key_from_blob(base64.b64encode(base64.b64decode(header_only)[:-1]).decode())
    with pytest.raises(ValueError, match="0 modulus bytes for bitlen 0"):
        public_key_from_blob(_blob(public, bitlen=0, modulus=b""))


def test_an_odd_sized_key_round_trips_through_a_blob() -> None:
    odd = rsa.generate_private_key(public_exponent=65537, key_size=2047).public_key()
    blob = public_key_to_blob(odd)
    assert len(blob) == 20 + 256  # (2047 + 7) // 8 modulus bytes
    assert _numbers(public_key_from_blob(base64.b64encode(blob).decode())) == _numbers(odd)


def test_the_largest_32_bit_exponent_fits_a_blob_and_a_larger_one_does_not() -> None:
    n = _key().public_key().public_numbers().n
    fits = rsa.RSAPublicNumbers(0xFFFFFFFF, n).public_key()
    assert public_key_to_blob(fits)[16:20] == b"\xff\xff\xff\xff"
    with pytest.raises(ValueError, match="32-bit"):
        public_key_to_blob(rsa.RSAPublicNumbers(0x1_0000_0001, n).public_key())


@pytest.mark.parametrize(("n", "e"), [(0, 65537), (3233, 0)])
def test_modulus_and_exponent_must_be_positive(n: int, e: int) -> None:
    def b64(value: int) -> str:
        return base64.b64encode(value.to_bytes(4, "big")).decode()

    with pytest.raises(ValueError, match="must be positive"):
        public_key_from_modulus_exponent(b64(n), b64(e))


def test_base64_is_strict() -> None:
    with pytest.raises(ValueError, match="invalid base64"):
        public_key_from_modulus_exponent("AQ*AB", "AQAB")


def test_the_timestamp_range_is_exactly_unsigned_64_bit() -> None:
    assert proof_message("t", "u", 0).endswith(b"\x00\x00\x00\x08" + b"\x00" * 8)
    assert proof_message("t", "u", 2**64 - 1).endswith(b"\xff" * 8)
    for outside in (-1, 2**64):
        with pytest.raises(ValueError, match="64-bit"):
            proof_message("t", "u", outside)
