"""A hand-driven HTTP/1.1 client, for what ordinary clients cannot do: send part of a body,
chunks, or nothing after the headers, and see exactly what the server answers and when."""

from __future__ import annotations

import asyncio
import json
from typing import Any


class RawConnection:
    """One HTTP/1.1 connection driven by hand: send part of a body or chunks, then see
    exactly what the server answers and whether it closes the connection."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        # Read the answer as soon as it comes: a later write to the closed connection fails,
        # and asyncio then drops what the reader had not consumed yet.
        self.answer = asyncio.ensure_future(self._read_answer())

    @classmethod
    async def open(cls, port: int) -> RawConnection:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def send(self, data: bytes) -> bool:
        """False once the server has answered (and so stopped reading)."""
        if self.answer.done():
            return False
        try:
            self.writer.write(data)
            await self.writer.drain()
            return True
        except (ConnectionError, OSError):
            return False

    async def head(self, method: str, target: str, headers: dict[str, str]) -> None:
        lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        await self.send(("\r\n".join(lines) + "\r\n\r\n").encode())

    async def send_chunks(self, size: int, count: int) -> None:
        for _ in range(count):
            if not await self.send(b"%x\r\n%s\r\n" % (size, b"x" * size)):
                return
            await asyncio.sleep(0.01)

    async def response(self, timeout: float = 10) -> tuple[int, dict[str, str], dict[str, Any]]:
        return await asyncio.wait_for(asyncio.shield(self.answer), timeout)

    async def _read_answer(self) -> tuple[int, dict[str, str], dict[str, Any]]:
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode().split("\r\n")
        headers = {
            name.lower(): value.strip()
            for name, _, value in (line.partition(":") for line in header_lines if line)
        }
        body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        return int(status_line.split()[1]), headers, json.loads(body)

    async def closed_by_server(self, timeout: float = 10) -> bool:
        try:
            return await asyncio.wait_for(self.reader.read(), timeout) == b""
        except (ConnectionError, OSError):
            return True

    def close(self) -> None:
        self.writer.close()


def target(jp_base_url: str, doc: dict[str, Any], suffix: str = "") -> str:
    return f"{jp_base_url}wopi/files/{doc['file_id']}{suffix}?access_token={doc['access_token']}"
