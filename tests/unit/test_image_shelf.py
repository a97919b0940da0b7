"""The image shelf (host/images.py): capabilities for ONLYOFFICE's Image from Storage,
with a clock the tests move: expiry, the download budget, what is held, the formats told by
their bytes, refusals with sentences; each in memory and in the state database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.images import BMP, GIF, JPEG, png
from traitlets import TraitError

from jupyter_wopi.errors import Refused
from jupyter_wopi.host.images import (
    SECRET_RE,
    ImageLedger,
    ImageLimits,
    ImageShelf,
    MemoryLedger,
    StateLedger,
    file_name,
    sniff,
)
from jupyter_wopi.settings import WopiHostConfig
from jupyter_wopi.state import State, open_database


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ImageLedger]:
    """Each test runs on both ledgers: this process's memory, and the state database (on
    PostgreSQL, where hosts use it, and on SQLite: the same queries)."""
    if request.param == "memory":
        yield MemoryLedger()
        return
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    state = State(open_database(str(tmp_path / "state"), url, scope="/srv/root"))
    yield StateLedger(state)
    state.close()


@pytest.fixture
def shelf(ledger: ImageLedger) -> Callable[..., ImageShelf]:
    def made(clock: Clock, **limits: int | float) -> ImageShelf:
        return ImageShelf(ImageLimits(**limits), clock, ledger)  # type: ignore[arg-type]

    return made


async def held(images: ImageShelf) -> tuple[int, int]:
    """How many capabilities are kept, and the bytes they hold."""
    ledger = images.ledger
    if isinstance(ledger, MemoryLedger):
        return len(ledger), ledger.held_bytes
    assert isinstance(ledger, StateLedger)
    rows = await ledger.state.read(
        lambda store: store.sql.execute(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN data IS NULL THEN 0 ELSE size END), 0)"
            " FROM image_urls"
        )
    )
    return int(rows[0][0]), int(rows[0][1])


@pytest.mark.parametrize(
    ("data", "content_type"),
    [(png(), "image/png"), (JPEG, "image/jpeg"), (GIF, "image/gif"), (BMP, "image/bmp")],
)
def test_the_content_type_is_told_by_the_bytes(data: bytes, content_type: str) -> None:
    assert sniff(data)[0] == content_type


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<html><script>alert(1)</script></html>",
        b"BM but not a bitmap at all, only text",
        b"%PDF-1.7\n",
        b"\x89PNG",  # cut before its signature ends
    ],
)
def test_anything_but_png_jpeg_gif_bmp_is_refused_with_a_sentence(data: bytes) -> None:
    with pytest.raises(Refused) as err:
        sniff(data)
    assert err.value.status == 415
    assert "Only PNG, JPEG, GIF and BMP images" in err.value.message


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"></svg>',
        b'\xef\xbb\xbf<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "x">\n<svg></svg>',
    ],
)
def test_svg_is_refused_saying_to_export_png(data: bytes) -> None:
    with pytest.raises(Refused) as err:
        sniff(data)
    assert err.value.status == 415
    assert "SVG" in err.value.message and 'format="png"' in err.value.message


async def test_an_issued_capability_says_what_it_serves(
    clock: Clock, shelf: Callable[..., ImageShelf]
) -> None:
    images = shelf(clock, ttl=300, downloads=3)
    data = png()
    issued = await images.hold_bytes(data, "Figure 1.jpeg")
    assert SECRET_RE.fullmatch(issued.secret)
    assert (issued.expires_at, issued.downloads) == (clock.now + 300, 3)
    assert (issued.content_type, issued.size) == ("image/png", len(data))
    taken = await images.take(issued.secret)
    assert taken is not None and taken.data == data
    assert taken.name == "Figure 1.png"  # the extension the bytes have, not the one sent


async def test_secrets_differ_each_time(clock: Clock, shelf: Callable[..., ImageShelf]) -> None:
    images = shelf(clock)
    assert len({(await images.hold_bytes(GIF)).secret for _ in range(20)}) == 20


async def test_a_capability_expires(clock: Clock, shelf: Callable[..., ImageShelf]) -> None:
    images = shelf(clock, ttl=60)
    issued = await images.hold_bytes(GIF)
    clock.now += 59.9
    assert await images.peek(issued.secret) is not None
    clock.now += 0.1
    assert await images.take(issued.secret) is None
    assert await held(images) == (0, 0)  # purged: its bytes are gone


async def test_a_capability_is_used_up_after_its_budget(
    clock: Clock, shelf: Callable[..., ImageShelf]
) -> None:
    images = shelf(clock, downloads=3)
    issued = await images.hold_bytes(JPEG)
    assert [await images.take(issued.secret) is not None for _ in range(4)] == [True] * 3 + [False]
    assert (await held(images))[1] == 0


async def test_peek_counts_no_download(clock: Clock, shelf: Callable[..., ImageShelf]) -> None:
    images = shelf(clock, downloads=1)
    issued = await images.hold_bytes(JPEG)
    for _ in range(3):
        assert await images.peek(issued.secret) is not None
    assert await images.take(issued.secret) is not None
    assert await images.peek(issued.secret) is None


@pytest.mark.parametrize(
    "secret",
    ["", "short", "a" * 42, "a" * 44, "../../files/x", "a/b", "é" * 43, "a%2Fb" + "a" * 38],
)
async def test_anything_but_a_secret_finds_nothing(
    clock: Clock, shelf: Callable[..., ImageShelf], secret: str
) -> None:
    images = shelf(clock)
    await images.hold_bytes(GIF)
    assert await images.take(secret) is None and await images.peek(secret) is None


async def test_a_prefix_or_a_neighbour_of_a_secret_finds_nothing(
    clock: Clock, shelf: Callable[..., ImageShelf]
) -> None:
    images = shelf(clock)
    issued = await images.hold_bytes(GIF)
    neighbour = issued.secret[:-1] + ("A" if issued.secret[-1] != "A" else "B")
    assert await images.take(issued.secret[:-1]) is None
    assert await images.take(neighbour) is None
    assert await images.take(issued.secret + "A") is None
    assert await images.take(issued.secret) is not None


async def test_expired_capabilities_are_purged_when_another_is_issued(
    clock: Clock, shelf: Callable[..., ImageShelf]
) -> None:
    images = shelf(clock, ttl=10)
    for _ in range(5):
        await images.hold_bytes(png(b"x" * 100))
    clock.now += 11
    await images.hold_bytes(GIF)
    assert await held(images) == (1, len(GIF))


async def test_bytes_held_are_capped_the_oldest_dropped(
    clock: Clock, shelf: Callable[..., ImageShelf]
) -> None:
    image = png(b"x" * 1000)
    images = shelf(clock, max_bytes=len(image))  # holds 10 such images at most
    issued = [await images.hold_bytes(image) for _ in range(12)]
    assert (await held(images))[1] == 10 * len(image)
    assert [await images.peek(i.secret) is not None for i in issued] == [False] * 2 + [True] * 10


async def test_file_capabilities_hold_no_bytes_and_are_not_dropped_for_bytes(
    clock: Clock, shelf: Callable[..., ImageShelf]
) -> None:
    image = png(b"x" * 1000)
    images = shelf(clock, max_bytes=len(image))
    on_disk = await images.hold_file("plots/a.png", "image/png", 10 * len(image))
    for _ in range(11):
        await images.hold_bytes(image)
    assert await images.peek(on_disk.secret) is not None
    assert (await held(images))[1] == 10 * len(image)


async def test_the_number_of_capabilities_is_capped(
    clock: Clock, shelf: Callable[..., ImageShelf]
) -> None:
    images = shelf(clock, max_count=3)
    issued = [await images.hold_file(f"{n}.png", "image/png", 1) for n in range(5)]
    assert (await held(images))[0] == 3
    assert (
        await images.peek(issued[0].secret) is None
        and await images.peek(issued[4].secret) is not None
    )


async def test_oversized_bytes_are_refused_naming_the_setting(
    clock: Clock, shelf: Callable[..., ImageShelf]
) -> None:
    images = shelf(clock, max_bytes=100)
    with pytest.raises(Refused) as err:
        await images.hold_bytes(png(b"x" * 200))
    assert err.value.status == 413
    assert "image_max_bytes" in err.value.message
    assert "JUPYTER_WOPI_IMAGE_MAX_BYTES" in err.value.message
    assert (await held(images))[0] == 0


async def test_a_refused_format_holds_nothing(
    clock: Clock, shelf: Callable[..., ImageShelf]
) -> None:
    images = shelf(clock)
    with pytest.raises(Refused):
        await images.hold_bytes(b"<svg></svg>")
    assert await held(images) == (0, 0)


@pytest.mark.parametrize(
    ("sent", "extension", "name"),
    [
        ("", "png", "image.png"),
        ("Figure 3", "png", "Figure 3.png"),
        ("../../etc/passwd", "gif", "passwd.gif"),
        ('a"b;c\r\nd.png', "jpg", "a_b_c_d.jpg"),
        ("....", "bmp", "image.bmp"),
    ],
)
def test_download_names_are_plain(sent: str, extension: str, name: str) -> None:
    assert file_name(sent, extension) == name


def test_the_limits_come_from_the_settings_and_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("JUPYTER_WOPI_IMAGE_URL_TTL", "60")
    monkeypatch.setenv("JUPYTER_WOPI_IMAGE_URL_DOWNLOADS", "5")
    monkeypatch.setenv("JUPYTER_WOPI_IMAGE_MAX_BYTES", "1000")
    config = WopiHostConfig()
    config.read_environment()
    state = State(open_database(str(tmp_path), None, scope="/srv/root"))
    try:
        shelf = config.image_shelf(state)
        assert shelf.limits == ImageLimits(ttl=60, downloads=5, max_bytes=1000)
        assert isinstance(shelf.ledger, MemoryLedger)  # SQLite: one server, its memory
        assert WopiHostConfig().image_shelf(state).limits == ImageLimits()  # 300 s, 3, 20 MiB
    finally:
        state.close()


def test_a_limit_under_one_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTER_WOPI_IMAGE_URL_DOWNLOADS", "0")
    with pytest.raises(TraitError, match="JUPYTER_WOPI_IMAGE_URL_DOWNLOADS"):
        WopiHostConfig().read_environment()
