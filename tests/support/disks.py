"""File systems of their own for the tests that need one: a tmpfs, a ramfs or an ext4 image
mounted in a folder (root only, else the test is skipped saying why)."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def mounted(folder: Path, kind: str, size: str, why: str) -> Iterator[Path]:
    """A file system of its own at `folder` (made here): a tmpfs, a ramfs (no extended
    attributes; `size` is not enforced), or an ext4 image on a loop device. Needs root (CI
    runs as root); skipped, saying `why` it was wanted, where mounting is not permitted."""
    folder.mkdir()
    if kind == "tmpfs":
        command = ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)]
    elif kind == "ramfs":
        command = ["mount", "-t", "ramfs", "-o", "mode=0755", "ramfs", str(folder)]
    else:
        image = folder.with_name(folder.name + ".ext4")
        made = subprocess.run(
            ["sh", "-c", f'truncate -s {size} "$0" && mkfs.ext4 -q "$0"', str(image)],
            capture_output=True,
            text=True,
        )
        if made.returncode != 0:
            pytest.skip(f"cannot make an ext4 image {why}: {made.stderr.strip()}")
        command = ["mount", "-o", "loop", str(image), str(folder)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a {kind} {why}: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=False)


def resize_disk(folder: Path, size: str) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(folder)], check=True)
