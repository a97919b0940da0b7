"""WOPI proof keys: build, sign and verify the ``X-WOPI-Proof`` headers sent by ONLYOFFICE Docs.

Pure functions over bytes and strings (no I/O, no Tornado); see spec §4 (onlyoffice-wopi.md) and
onlyoffice-client-behavior.md §8. Typical host-side use::

    keys = ProofKeys.from_discovery_attributes(proof_key_element.attrib)
    ts = parse_timestamp(headers.get("X-WOPI-TimeStamp"))
    if ts is None or not timestamp_is_fresh(ts, time.time()):
        ...  # reject (spec §4.4 step 1)
    result = verify_proof(keys, token, public_url, ts, proof_header, proof_old_header)
    if result is ProofResult.VALID_OLD_ONLY or result is ProofResult.INVALID:
        ...  # refetch discovery once, retry (spec §4.4 step 4)
"""

from __future__ import annotations

import base64
import binascii
import enum
import struct
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import (
    RSAPrivateKey,
    RSAPublicKey,
    RSAPublicNumbers,
)

__all__ = [
    "DEFAULT_MAX_AGE_S",
    "DEFAULT_MAX_SKEW_S",
    "TICKS_AT_UNIX_EPOCH",
    "ProofKeys",
    "ProofResult",
    "discovery_proof_key_attributes",
    "parse_timestamp",
    "proof_message",
    "public_key_from_blob",
    "public_key_from_modulus_exponent",
    "public_key_to_blob",
    "sign_proof",
    "ticks_from_unix_ms",
    "timestamp_is_fresh",
    "unix_seconds_from_ticks",
    "verify_proof",
]

# spec §4.1: .NET ticks (100 ns units since 0001-01-01T00:00:00Z) at 1970-01-01T00:00:00Z.
TICKS_AT_UNIX_EPOCH = 621355968000000000
_TICKS_PER_MS = 10_000
_TICKS_PER_S = 10_000_000
_U64_MAX = 2**64 - 1

# spec §4.4 step 1: Microsoft rejects proofs older than 20 minutes; allow small clock skew only.
DEFAULT_MAX_AGE_S = 20 * 60.0
DEFAULT_MAX_SKEW_S = 5 * 60.0

# spec §4.3: CryptoAPI PUBLICKEYBLOB layout (BLOBHEADER + RSAPUBKEY, little-endian).
_BLOB_HEADER = struct.Struct("<BBHI4sII")
_PUBLICKEYBLOB = 0x06
_CUR_BLOB_VERSION = 0x02
_CALG_RSA_KEYX = 0x0000A400  # what openssl / .NET ExportCspBlob write
_CALG_RSA_SIGN = 0x00002400  # also a valid RSA public key blob; accepted when parsing
_RSA1 = b"RSA1"


# --------------------------------------------------------------------------- timestamps


def ticks_from_unix_ms(ms: int) -> int:
    """Convert Unix milliseconds to .NET ticks, as DS does (spec §4.1)."""
    return ms * _TICKS_PER_MS + TICKS_AT_UNIX_EPOCH


def unix_seconds_from_ticks(ticks: int) -> float:
    """Convert .NET ticks to Unix seconds."""
    return (ticks - TICKS_AT_UNIX_EPOCH) / _TICKS_PER_S


def parse_timestamp(value: str | None) -> int | None:
    """Parse an ``X-WOPI-TimeStamp`` header (plain decimal ticks); None if absent or malformed."""
    if value is None:
        return None
    text = value.strip()
    # int() alone would also accept "+1", "1_0" and non-ASCII digits.
    if not (text.isascii() and text.isdigit()):
        return None
    ticks = int(text)
    return ticks if ticks <= _U64_MAX else None


def timestamp_is_fresh(
    timestamp: int,
    now_unix_s: float,
    max_age_s: float = DEFAULT_MAX_AGE_S,
    max_skew_s: float = DEFAULT_MAX_SKEW_S,
) -> bool:
    """Return True unless the ticks are older than ``max_age_s`` or ahead by more than
    ``max_skew_s`` (spec §4.4 step 1)."""
    age = now_unix_s - unix_seconds_from_ticks(timestamp)
    return -max_skew_s <= age <= max_age_s


# --------------------------------------------------------------------------- public keys


def _b64decode(text: str) -> bytes:
    """Strict standard-alphabet base64; raises ValueError on anything else."""
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:  # ValueError: non-ASCII str
        raise ValueError(f"invalid base64: {exc}") from exc


def _public_key(n: int, e: int) -> RSAPublicKey:
    if n <= 0 or e <= 0:
        raise ValueError("RSA modulus and exponent must be positive")
    # RSAPublicNumbers.public_key() raises ValueError for other invalid numbers.
    return RSAPublicNumbers(e, n).public_key()


def public_key_from_modulus_exponent(modulus_b64: str, exponent_b64: str) -> RSAPublicKey:
    """Build a key from the discovery ``modulus``/``exponent`` attributes: base64 of big-endian
    unsigned integers (spec §4.3). Raises ValueError if malformed."""
    n = int.from_bytes(_b64decode(modulus_b64), "big")
    e = int.from_bytes(_b64decode(exponent_b64), "big")
    return _public_key(n, e)


def public_key_from_blob(blob_b64: str) -> RSAPublicKey:
    """Build a key from a discovery ``value``/``oldvalue`` attribute: base64 of a CryptoAPI
    PUBLICKEYBLOB with a little-endian modulus, not SPKI/DER (spec §4.3). Raises ValueError."""
    data = _b64decode(blob_b64)
    if len(data) < _BLOB_HEADER.size:
        raise ValueError("PUBLICKEYBLOB too short")
    b_type, version, _reserved, alg, magic, bitlen, pubexp = _BLOB_HEADER.unpack_from(data)
    if b_type != _PUBLICKEYBLOB or version != _CUR_BLOB_VERSION:
        raise ValueError(f"not a PUBLICKEYBLOB (bType={b_type:#x}, bVersion={version:#x})")
    if alg not in (_CALG_RSA_KEYX, _CALG_RSA_SIGN):
        raise ValueError(f"not an RSA key blob (aiKeyAlg={alg:#x})")
    if magic != _RSA1:
        raise ValueError(f"bad RSAPUBKEY magic {magic!r}")
    modulus = data[_BLOB_HEADER.size :]
    if bitlen == 0 or len(modulus) != (bitlen + 7) // 8:
        raise ValueError(f"PUBLICKEYBLOB: {len(modulus)} modulus bytes for bitlen {bitlen}")
    return _public_key(int.from_bytes(modulus, "little"), pubexp)


def public_key_to_blob(key: RSAPublicKey) -> bytes:
    """Serialize a public key as a CryptoAPI PUBLICKEYBLOB, byte-identical to
    ``openssl rsa -RSAPublicKey_out -outform "MS PUBLICKEYBLOB"`` (spec §4.3)."""
    numbers = key.public_numbers()
    bitlen = numbers.n.bit_length()
    if numbers.e > 0xFFFFFFFF:
        raise ValueError("exponent does not fit the 32-bit RSAPUBKEY.pubexp field")
    header = _BLOB_HEADER.pack(
        _PUBLICKEYBLOB, _CUR_BLOB_VERSION, 0, _CALG_RSA_KEYX, _RSA1, bitlen, numbers.e
    )
    return header + numbers.n.to_bytes((bitlen + 7) // 8, "little")


def _int_b64(value: int) -> str:
    return base64.b64encode(value.to_bytes((value.bit_length() + 7) // 8, "big")).decode()


def _key_from_attributes(attrs: Mapping[str, str], prefix: str) -> RSAPublicKey | None:
    # spec §4.3: modulus/exponent is the recommended path; value (PUBLICKEYBLOB) is the fallback.
    modulus = attrs.get(f"{prefix}modulus", "").strip()
    exponent = attrs.get(f"{prefix}exponent", "").strip()
    if modulus and exponent:
        return public_key_from_modulus_exponent(modulus, exponent)
    blob = attrs.get(f"{prefix}value", "").strip()
    if blob:
        return public_key_from_blob(blob)
    return None


@dataclass(frozen=True)
class ProofKeys:
    """Current and old proof public keys from discovery's ``<proof-key>`` element (spec §2.2)."""

    current: RSAPublicKey | None
    old: RSAPublicKey | None

    @classmethod
    def from_discovery_attributes(cls, attrs: Mapping[str, str]) -> ProofKeys | None:
        """Parse the ``<proof-key>`` attributes; None if no key is present. Raises ValueError
        when a present key is malformed."""
        current = _key_from_attributes(attrs, "")
        old = _key_from_attributes(attrs, "old")
        if current is None and old is None:
            return None
        return cls(current=current, old=old)


def discovery_proof_key_attributes(
    current: RSAPrivateKey | RSAPublicKey, old: RSAPrivateKey | RSAPublicKey
) -> dict[str, str]:
    """Build ``<proof-key>`` attributes as DS's discovery emits them (for test doubles)."""
    attrs: dict[str, str] = {}
    for prefix, key in (("", current), ("old", old)):
        public = key.public_key() if isinstance(key, RSAPrivateKey) else key
        numbers = public.public_numbers()
        attrs[f"{prefix}value"] = base64.b64encode(public_key_to_blob(public)).decode()
        attrs[f"{prefix}modulus"] = _int_b64(numbers.n)
        attrs[f"{prefix}exponent"] = _int_b64(numbers.e)
    return attrs


# --------------------------------------------------------------------------- proofs


class ProofResult(enum.Enum):
    """Outcome of :func:`verify_proof` (spec §4.4 step 3)."""

    VALID_CURRENT = "valid_current"  # Proof/current or ProofOld/current
    VALID_OLD_ONLY = "valid_old_only"  # only Proof/old: accept, but refetch discovery (step 4)
    INVALID = "invalid"

    @property
    def accepted(self) -> bool:
        """True for both valid outcomes."""
        return self is not ProofResult.INVALID


def proof_message(access_token: str, url: str, timestamp: int) -> bytes:
    """Return the signed bytes: be32 len || token (UTF-8) || be32 len || UPPER(url) (UTF-8)
    || be32(8) || be64 ticks (spec §4.2). Raises ValueError for unencodable input."""
    token_bytes = access_token.encode("utf-8")  # the raw (decoded) token, spec §4.2
    url_bytes = url.upper().encode("utf-8")  # like JS String.toUpperCase
    if not 0 <= timestamp <= _U64_MAX:
        raise ValueError("timestamp out of unsigned 64-bit range")
    return b"".join(
        (
            struct.pack(">I", len(token_bytes)),
            token_bytes,
            struct.pack(">I", len(url_bytes)),
            url_bytes,
            struct.pack(">IQ", 8, timestamp),
        )
    )


def sign_proof(private_key: RSAPrivateKey, access_token: str, url: str, timestamp: int) -> str:
    """Sign like DS (RSA PKCS#1 v1.5 over SHA-256, base64; spec §4.2, client-behavior §8)."""
    message = proof_message(access_token, url, timestamp)
    signature = private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")


_PADDING, _HASH = padding.PKCS1v15(), hashes.SHA256()


def _verifies(key: RSAPublicKey | None, signature_b64: str | None, message: bytes) -> bool:
    if key is None or not signature_b64:
        return False
    try:
        signature = _b64decode(signature_b64)
        key.verify(signature, message, _PADDING, _HASH)
    except (InvalidSignature, ValueError):
        return False
    return True


def verify_proof(
    keys: ProofKeys,
    access_token: str,
    url: str,
    timestamp: int,
    proof: str | None,
    proof_old: str | None,
) -> ProofResult:
    """Check ``X-WOPI-Proof``/``X-WOPI-ProofOld`` (spec §4.4 step 3); never raises.

    ``access_token`` is the decoded token value, ``url`` the full public request URL including the
    query string, ``timestamp`` the ``X-WOPI-TimeStamp`` ticks. Freshness is checked separately
    with :func:`timestamp_is_fresh`. ProofOld verified with the old key is never accepted.
    """
    try:
        message = proof_message(access_token, url, timestamp)
    except ValueError:  # includes UnicodeEncodeError (lone surrogates)
        return ProofResult.INVALID
    if _verifies(keys.current, proof, message) or _verifies(keys.current, proof_old, message):
        return ProofResult.VALID_CURRENT
    if _verifies(keys.old, proof, message):
        return ProofResult.VALID_OLD_ONLY
    return ProofResult.INVALID
