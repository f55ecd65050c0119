"""A real SMTP server in the test process (aiosmtpd on a free loopback port) that keeps what it is given."""

import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from dashboard.config import Settings


@dataclass
class Received:
    mail_from: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class SmtpServer:
    """A mail server that keeps what it is given; `refuse` lists addresses it answers with 550."""

    port: int
    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    mail_reply: str | None = None
    """When set, the answer to every MAIL FROM; `rcpt_reply` to every RCPT TO; `data_reply` to every DATA."""
    rcpt_reply: str | None = None
    data_reply: str | None = None
    data_replies: list[str] = field(default_factory=list)
    """Answers to the next DATA commands, one each, before any are accepted."""
    controller: Controller | None = None

    async def handle_MAIL(self, server, session, envelope, address, options):  # noqa: N802 - aiosmtpd's name
        if self.mail_reply:
            return self.mail_reply
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return '250 OK'

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if self.rcpt_reply:
            return self.rcpt_reply
        if address in self.refuse:
            return '550 5.1.1 No such mailbox'
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.data_reply:
            return self.data_reply
        if self.data_replies:
            return self.data_replies.pop(0)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      message_from_bytes(envelope.original_content, policy=policy.default)))
        return '250 OK'

    def start(self) -> None:
        self.controller = Controller(self, hostname='127.0.0.1', port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def settings(self, **overrides) -> Settings:
        values = {'smtp_host': '127.0.0.1', 'smtp_port': self.port, 'smtp_starttls': False, 'smtp_timeout': 5,
                  'mail_from': '247connect <no-reply@247connect.example>', 'outbox_max_attempts': 10}
        return Settings(**{**values, **overrides})

    def message_ids(self) -> list[str]:
        return [received.message['Message-ID'] for received in self.received]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]
