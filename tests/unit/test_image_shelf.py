"""The image shelf (host/images.py): capabilities for ONLYOFFICE's Image from Storage,
with a clock the tests move: expiry, the download budget, what is held in memory, the
formats told by their bytes, refusals with sentences."""

from __future__ import annotations

import pytest
from support.images import BMP, GIF, JPEG, png
from traitlets import TraitError

from jupyter_wopi.errors import Refused
from jupyter_wopi.host.images import (
    SECRET_RE,
    ImageLimits,
    ImageShelf,
    file_name,
    sniff,
)
from jupyter_wopi.settings import WopiHostConfig


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def shelf(clock: Clock, **limits: int | float) -> ImageShelf:
    return ImageShelf(ImageLimits(**limits), clock)  # type: ignore[arg-type]


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


def test_an_issued_capability_says_what_it_serves(clock: Clock) -> None:
    images = shelf(clock, ttl=300, downloads=3)
    data = png()
    issued = images.hold_bytes(data, "Figure 1.jpeg")
    assert SECRET_RE.fullmatch(issued.secret)
    assert (issued.expires_at, issued.downloads) == (clock.now + 300, 3)
    assert (issued.content_type, issued.size) == ("image/png", len(data))
    taken = images.take(issued.secret)
    assert taken is not None and taken.data == data
    assert taken.name == "Figure 1.png"  # the extension the bytes have, not the one sent


def test_secrets_differ_each_time(clock: Clock) -> None:
    images = shelf(clock)
    assert len({images.hold_bytes(GIF).secret for _ in range(20)}) == 20


def test_a_capability_expires(clock: Clock) -> None:
    images = shelf(clock, ttl=60)
    issued = images.hold_bytes(GIF)
    clock.now += 59.9
    assert images.peek(issued.secret) is not None
    clock.now += 0.1
    assert images.take(issued.secret) is None
    assert len(images) == 0 and images.held_bytes == 0  # purged: its bytes are gone


def test_a_capability_is_used_up_after_its_budget(clock: Clock) -> None:
    images = shelf(clock, downloads=3)
    issued = images.hold_bytes(JPEG)
    assert [images.take(issued.secret) is not None for _ in range(4)] == [True] * 3 + [False]
    assert images.held_bytes == 0


def test_peek_counts_no_download(clock: Clock) -> None:
    images = shelf(clock, downloads=1)
    issued = images.hold_bytes(JPEG)
    for _ in range(3):
        assert images.peek(issued.secret) is not None
    assert images.take(issued.secret) is not None
    assert images.peek(issued.secret) is None


@pytest.mark.parametrize(
    "secret",
    ["", "short", "a" * 42, "a" * 44, "../../files/x", "a/b", "é" * 43, "a%2Fb" + "a" * 38],
)
def test_anything_but_a_secret_finds_nothing(clock: Clock, secret: str) -> None:
    images = shelf(clock)
    images.hold_bytes(GIF)
    assert images.take(secret) is None and images.peek(secret) is None


def test_a_prefix_or_a_neighbour_of_a_secret_finds_nothing(clock: Clock) -> None:
    images = shelf(clock)
    issued = images.hold_bytes(GIF)
    neighbour = issued.secret[:-1] + ("A" if issued.secret[-1] != "A" else "B")
    assert images.take(issued.secret[:-1]) is None
    assert images.take(neighbour) is None
    assert images.take(issued.secret + "A") is None
    assert images.take(issued.secret) is not None


def test_expired_capabilities_are_purged_when_another_is_issued(clock: Clock) -> None:
    images = shelf(clock, ttl=10)
    for _ in range(5):
        images.hold_bytes(png(b"x" * 100))
    clock.now += 11
    images.hold_bytes(GIF)
    assert len(images) == 1 and images.held_bytes == len(GIF)


def test_bytes_held_are_capped_the_oldest_dropped(clock: Clock) -> None:
    image = png(b"x" * 1000)
    images = shelf(clock, max_bytes=len(image))  # holds 10 such images at most
    issued = [images.hold_bytes(image) for _ in range(12)]
    assert images.held_bytes == 10 * len(image)
    assert [images.peek(i.secret) is not None for i in issued] == [False] * 2 + [True] * 10


def test_file_capabilities_hold_no_bytes_and_are_not_dropped_for_bytes(clock: Clock) -> None:
    image = png(b"x" * 1000)
    images = shelf(clock, max_bytes=len(image))
    on_disk = images.hold_file("plots/a.png", "image/png", 10 * len(image))
    for _ in range(11):
        images.hold_bytes(image)
    assert images.peek(on_disk.secret) is not None
    assert images.held_bytes == 10 * len(image)


def test_the_number_of_capabilities_is_capped(clock: Clock) -> None:
    images = ImageShelf(ImageLimits(max_count=3), clock)
    issued = [images.hold_file(f"{n}.png", "image/png", 1) for n in range(5)]
    assert len(images) == 3
    assert images.peek(issued[0].secret) is None and images.peek(issued[4].secret) is not None


def test_oversized_bytes_are_refused_naming_the_setting(clock: Clock) -> None:
    images = shelf(clock, max_bytes=100)
    with pytest.raises(Refused) as err:
        images.hold_bytes(png(b"x" * 200))
    assert err.value.status == 413
    assert "image_max_bytes" in err.value.message
    assert "JUPYTER_WOPI_IMAGE_MAX_BYTES" in err.value.message
    assert len(images) == 0


def test_a_refused_format_holds_nothing(clock: Clock) -> None:
    images = shelf(clock)
    with pytest.raises(Refused):
        images.hold_bytes(b"<svg></svg>")
    assert len(images) == 0 and images.held_bytes == 0


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
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JUPYTER_WOPI_IMAGE_URL_TTL", "60")
    monkeypatch.setenv("JUPYTER_WOPI_IMAGE_URL_DOWNLOADS", "5")
    monkeypatch.setenv("JUPYTER_WOPI_IMAGE_MAX_BYTES", "1000")
    config = WopiHostConfig()
    config.read_environment()
    assert config.image_shelf().limits == ImageLimits(ttl=60, downloads=5, max_bytes=1000)
    assert WopiHostConfig().image_shelf().limits == ImageLimits()  # 300 s, 3, 20 MiB


def test_a_limit_under_one_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTER_WOPI_IMAGE_URL_DOWNLOADS", "0")
    with pytest.raises(TraitError, match="JUPYTER_WOPI_IMAGE_URL_DOWNLOADS"):
        WopiHostConfig().read_environment()
