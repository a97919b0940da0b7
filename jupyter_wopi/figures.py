"""What a kernel hands `Document.insert_image`: a matplotlib figure (anything with
`savefig`), an object that renders itself as PNG (`_repr_png_`: IPython's Image, PIL
images), PNG/JPEG/GIF/BMP bytes, or the path of an image file. Runs in kernels: the
standard library only, and matplotlib only through the figure it is given."""

from __future__ import annotations

import base64
import io
import os
from dataclasses import dataclass
from typing import Any

FIGURE_DPI = 200  # for print: a 6.4 × 4.8 in figure becomes 1280 × 960 pixels
MAX_BYTES = 20 * 1024 * 1024  # the server's default image_max_bytes; it has the last word


@dataclass(frozen=True)
class ImageToInsert:
    """The body of `POST api/wopi/images` for this image (without `document`)."""

    body: dict[str, str]
    name: str


def image_to_insert(image: Any, served_path: str | None = None) -> ImageToInsert:
    """`image` as the server takes it: a file the server serves is named by its path there
    (`served_path`, so its bytes never pass through the kernel), anything else is sent as
    base64. TypeError for what is no image, FileNotFoundError for a missing file."""
    if isinstance(image, (str, os.PathLike)):
        path = os.fspath(image)
        name = os.path.basename(path)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"{path}: no such image file, so it cannot be inserted.")
        if served_path is not None:
            return ImageToInsert({"path": served_path, "name": name}, name)
        with open(path, "rb") as file:
            return _bytes(file.read(MAX_BYTES + 1), name)
    if isinstance(image, (bytes, bytearray, memoryview)):
        return _bytes(bytes(image), "image")
    if callable(getattr(image, "savefig", None)):
        buffer = io.BytesIO()
        image.savefig(buffer, format="png", dpi=FIGURE_DPI, bbox_inches="tight")
        return _bytes(buffer.getvalue(), _figure_name(image))
    if callable(getattr(image, "_repr_png_", None)):
        data = image._repr_png_()
        if isinstance(data, (bytes, bytearray)):
            return _bytes(bytes(data), "image")
    raise TypeError(
        "insert_image takes a matplotlib figure, PNG (or JPEG, GIF, BMP) bytes or the path "
        f"of an image file, not {type(image).__name__}."
    )


def _bytes(data: bytes, name: str) -> ImageToInsert:
    return ImageToInsert({"data": base64.b64encode(data).decode("ascii"), "name": name}, name)


def _figure_name(figure: Any) -> str:
    """The figure's label or number, as matplotlib's window title names it."""
    label = getattr(figure, "get_label", lambda: "")()
    number = getattr(figure, "number", None)
    if isinstance(label, str) and label:
        return label
    return f"Figure {number}" if isinstance(number, int) else "figure"
