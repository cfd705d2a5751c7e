"""A TCP proxy on 127.0.0.1 that a test switches between forwarding, refusing and black-holing,
to put a database (or anything else) behind a network that fails the way real ones do."""

from __future__ import annotations

import asyncio
import contextlib
from enum import Enum

CHUNK = 65536


class Mode(Enum):
    FORWARD = "forward"
    REFUSE = "refuse"  # nothing listens: connections are refused
    BLACKHOLE = "blackhole"  # connections are accepted, nothing ever comes back


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self.mode = Mode.FORWARD
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        self._stop_listening()
        self._cut_connections()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await task

    async def refuse(self) -> None:
        """As a server that went away: live connections are cut and new ones refused."""
        self.mode = Mode.REFUSE
        self._stop_listening()
        self._cut_connections()

    async def blackhole(self) -> None:
        """As a network that swallows packets: nothing passes either way, nothing is refused."""
        self.mode = Mode.BLACKHOLE
        if self._server is None:
            await self.start()

    async def restore(self) -> None:
        """Forward again. Connections that lived through the black hole lost bytes, so they are
        cut, as a peer that timed them out would."""
        was = self.mode
        self.mode = Mode.FORWARD
        if was is Mode.BLACKHOLE:
            self._cut_connections()
        if self._server is None:
            await self.start()

    def _stop_listening(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    def _cut_connections(self) -> None:
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        if self.mode is not Mode.FORWARD:
            await self._swallow(reader)
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers.add(up_writer)
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pump(source, sink))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _swallow(self, reader: asyncio.StreamReader) -> None:
        with contextlib.suppress(OSError):
            while await reader.read(CHUNK):
                pass

    async def _pump(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(CHUNK):
                if self.mode is Mode.FORWARD:
                    sink.write(data)
                    await sink.drain()
                # Black-holed: the bytes are dropped on the floor.
        except OSError:
            pass
        finally:
            sink.transport.abort()
