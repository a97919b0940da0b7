"""The double signs every WOPI call as ONLYOFFICE Docs does (checked with the host's proof
verification against the stub host's record), across a key rotation, and its tamper knobs
break the signatures on purpose."""

from __future__ import annotations

import uuid

from onlyoffice_double import OnlyOfficeDouble
from support.stub_host import Factory, Seen, StubHost

from jupyter_wopi.wopi.proof_keys import (
    ProofKeys,
    ProofResult,
    parse_timestamp,
    timestamp_is_fresh,
    unix_seconds_from_ticks,
    verify_proof,
)

pytest_plugins = ("onlyoffice_double.fixtures",)


def host_keys(double: OnlyOfficeDouble) -> ProofKeys:
    attrs = double.proof_key_attributes()
    assert attrs is not None
    keys = ProofKeys.from_discovery_attributes(attrs)
    assert keys is not None
    return keys


def check_proof(keys: ProofKeys, seen: Seen) -> ProofResult:
    ts = parse_timestamp(seen.headers.get("X-Wopi-Timestamp"))
    assert ts is not None
    return verify_proof(
        keys,
        seen.token,
        seen.url,
        ts,
        seen.headers.get("X-Wopi-Proof"),
        seen.headers.get("X-Wopi-Proofold"),
    )


async def test_every_request_is_signed_like_ds(
    onlyoffice: OnlyOfficeDouble, stub: StubHost
) -> None:
    stub.files["abc"] = ("report.docx", b"hello")
    token = "tok/en+with=special é"  # percent-encoded in the URL, raw in the proof
    page = await onlyoffice.open(stub.wopi_src("abc"), token, 4102444800000, sc="ctx-1")
    assert page.ok and page.session is not None
    await page.session.load()
    keys = host_keys(onlyoffice)
    assert stub.ops() == ["CheckFileInfo", "Lock", "GetFile"]
    for seen in stub.seen:
        assert seen.token == token
        assert "access_token=tok%2Fen%2Bwith%3Dspecial%20%C3%A9" in seen.url
        assert check_proof(keys, seen) is ProofResult.VALID_CURRENT, seen.op
        ts = parse_timestamp(seen.headers["X-Wopi-Timestamp"])
        assert ts is not None and timestamp_is_fresh(ts, unix_seconds_from_ticks(ts) + 1)
        assert seen.headers["User-Agent"] == "Node.js/6.13"
        assert seen.headers["X-Wopi-Clientversion"] == "9.3.1.1"
        uuid.UUID(seen.headers["X-Wopi-Correlationid"])
    # X-WOPI-SessionId on the page-time CheckFileInfo and Lock, not on GetFile (§17)
    usid = page.user.user_session_id  # type: ignore[union-attr]
    assert [s.headers.get("X-Wopi-Sessionid") for s in stub.seen] == [usid, usid, None]
    assert stub.seen[0].headers["X-Wopi-Sessioncontext"] == "ctx-1"
    assert "X-Wopi-Sessioncontext" not in stub.seen[1].headers
    assert stub.seen[2].headers["X-Wopi-Maxexpectedsize"] == "104857600"
    # the double's own record matches what arrived
    assert [c.operation for c in onlyoffice.calls] == stub.ops()
    assert onlyoffice.calls[0].url == stub.wopi_src("abc")
    assert "access_token" not in onlyoffice.calls[0].url


async def test_proofs_after_rotate_keys(onlyoffice: OnlyOfficeDouble, stub: StubHost) -> None:
    stub.files["abc"] = ("report.docx", b"hello")
    before = host_keys(onlyoffice)
    onlyoffice.rotate_keys()
    after = host_keys(onlyoffice)
    attrs = onlyoffice.proof_key_attributes()
    assert attrs is not None and attrs["value"] != attrs["oldvalue"]
    page = await onlyoffice.open(stub.wopi_src("abc"), "token", 4102444800000, mode="view")
    assert page.ok
    seen = stub.seen[-1]
    assert seen.headers["X-Wopi-Proof"] != seen.headers["X-Wopi-Proofold"]
    assert check_proof(after, seen) is ProofResult.VALID_CURRENT
    # a host with the pre-rotation discovery: ProofOld verifies with its "current" key
    assert check_proof(before, seen) is ProofResult.VALID_CURRENT
    # and a key only known as "old": Proof verifies with the old key
    only_old = ProofKeys(current=before.current, old=after.current)
    stale_view = ProofKeys(current=None, old=after.current)
    assert check_proof(only_old, seen) is ProofResult.VALID_CURRENT
    assert check_proof(stale_view, seen) is ProofResult.VALID_OLD_ONLY


async def test_tamper_knobs_break_proofs(onlyoffice_factory: Factory, stub: StubHost) -> None:
    stub.files["abc"] = ("report.docx", b"hello")
    double = onlyoffice_factory()
    keys = host_keys(double)
    double.tamper.forge_proof = double.tamper.forge_proof_old = True
    await double.open(stub.wopi_src("abc"), "token", 4102444800000, mode="view")
    assert check_proof(keys, stub.seen[-1]) is ProofResult.INVALID

    double.tamper.forge_proof = double.tamper.forge_proof_old = False
    double.tamper.timestamp_offset_s = -21 * 60
    await double.open(stub.wopi_src("abc"), "token", 4102444800000, mode="view")
    ts = parse_timestamp(stub.seen[-1].headers["X-Wopi-Timestamp"])
    assert ts is not None and not timestamp_is_fresh(ts, unix_seconds_from_ticks(ts) + 21 * 60)
    assert check_proof(keys, stub.seen[-1]) is ProofResult.VALID_CURRENT  # signed, but stale

    unsigned = onlyoffice_factory(proof_keys=False)
    await unsigned.open(stub.wopi_src("abc"), "token", 4102444800000, mode="view")
    headers = stub.seen[-1].headers
    assert "X-Wopi-Proof" not in headers and "X-Wopi-Proofold" not in headers
    assert "X-Wopi-Timestamp" in headers
