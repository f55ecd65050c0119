"""The SMTP conversation: one connection per run, and what the server's answers mean for the email and the run."""

import logging
import smtplib
import ssl
from collections.abc import Callable, Mapping
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from dashboard.config import Settings

log = logging.getLogger(__name__)

Sender = Callable[[EmailMessage], str | None]
"""Hands one message to the mail server; raises on failure; may return a note on a part of it that failed (some
recipients refused), kept in `last_error` of the sent email. Tests inject their own."""


class MailServerUnavailable(Exception):
    """The server cannot be reached or refuses us (connection, TLS, log-in, 421, our sender refused, a drop before
    it accepted the message): no point trying the next email now, and no email is charged an attempt for it."""


class PermanentlyRejected(Exception):
    """The server refused this email for good (every recipient refused with a 5xx code): retrying cannot help."""


class SmtpSender:
    """One SMTP connection, opened at the first message and kept for the next ones of the same run."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.connection: smtplib.SMTP | None = None

    def __call__(self, message: EmailMessage) -> str | None:
        """Sends it; returns what the server refused of it, if it accepted it for some recipients only."""
        recipients = [address for _name, address in getaddresses([message['To']]) if address]
        sender = parseaddr(self.settings.mail_from)[1]
        connection = self.connection or self._connect()
        try:
            refused = connection.send_message(message, from_addr=sender, to_addrs=recipients)
        except smtplib.SMTPRecipientsRefused as error:
            self.close()  # a fresh connection for the next message: smtplib leaves this one mid-transaction
            if any(code == 421 for code, _text in error.recipients.values()):
                raise MailServerUnavailable(f'every recipient deferred: {_refusals(error.recipients)}') from error
            if all(500 <= code < 600 for code, _text in error.recipients.values()):
                raise PermanentlyRejected(f'every recipient refused: {_refusals(error.recipients)}') from error
            raise
        except smtplib.SMTPServerDisconnected as error:
            self.connection = None
            raise MailServerUnavailable(f'the mail server closed the connection: {error}') from error
        except smtplib.SMTPSenderRefused as error:  # MAIL FROM refused: every email would be, whatever its recipient
            self.close()
            raise MailServerUnavailable(f'the mail server refused the sender {error.sender}: '
                                        f'{error.smtp_code} {_text(error.smtp_error)}') from error
        except smtplib.SMTPResponseException as error:
            self.close()
            if error.smtp_code == 421:  # 'service not available', at any step
                raise MailServerUnavailable(f'{error.smtp_code} {_text(error.smtp_error)}') from error
            if error.smtp_code == 552:  # too big, or over a quota: this message, for good
                raise PermanentlyRejected(f'{error.smtp_code} {_text(error.smtp_error)}') from error
            raise
        except smtplib.SMTPException:  # smtplib's errors are OSErrors too, but these are about this message
            self.close()
            raise
        except OSError as error:  # the connection broke or timed out mid-transaction
            self.close()
            raise MailServerUnavailable(f'the connection to the mail server failed: {type(error).__name__}: '
                                        f'{error}') from error
        except Exception:
            self.close()
            raise
        if refused:
            log.warning('%s accepted, but not for %s', message['Message-ID'], _refusals(refused))
            return f'Refused by the server: {_refusals(refused)}'
        return None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            connection = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout)
            try:
                if s.smtp_starttls:
                    connection.starttls(context=ssl.create_default_context())
                if s.smtp_username:
                    connection.login(s.smtp_username, s.smtp_password)
            except BaseException:
                connection.close()
                raise
        except (OSError, smtplib.SMTPException) as error:
            raise MailServerUnavailable(f'cannot use the mail server {s.smtp_host}:{s.smtp_port}: '
                                        f'{type(error).__name__}: {error}') from error
        self.connection = connection
        return connection

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.quit()
            except (OSError, smtplib.SMTPException):
                connection.close()


def _refusals(refused: Mapping[str, tuple[int, bytes | str]]) -> str:
    return '; '.join(f'{address} ({code} {_text(text)})' for address, (code, text) in refused.items())


def _text(text: bytes | str) -> str:
    return text.decode(errors='replace') if isinstance(text, bytes) else str(text)
