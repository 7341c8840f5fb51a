"""A real SMTP server for tests (aiosmtpd) on 127.0.0.1 and a port the system picks; it
refuses the first ``refuse`` deliveries with a temporary error (451), then accepts."""

from __future__ import annotations

import asyncio
import threading
from email import message_from_bytes, policy

from aiosmtpd.smtp import SMTP


class RefusingThenAccepting:
    def __init__(self, refuse: int):
        self.refuse = refuse
        self.attempts = 0
        self.messages = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.attempts += 1
            if self.refuse > 0:
                self.refuse -= 1
                return "451 4.3.0 Docasne nedostupne, zkuste pozdeji"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, handler):
        self.handler = handler
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def start(self) -> "SmtpServer":
        self.thread.start()
        future = asyncio.run_coroutine_threadsafe(
            self.loop.create_server(lambda: SMTP(self.handler, hostname="osv-test"), "127.0.0.1", 0), self.loop)
        self.server = future.result(10)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        async def close():
            self.server.close()
            await self.server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
