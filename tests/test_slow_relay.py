"""A relay slow to give its final reply to DATA (RFC 5321 allows it ten minutes) gets each
email once: the client waits `data_timeout` (600 s by default) for it (issue 20). Measured
here with the times scaled down: a relay taking 1.5 s, a client waiting 5 s or 0.5 s."""

from __future__ import annotations

import asyncio

import pytest

from casework.config import SmtpSettings, load_settings
from casework.errors import InvalidInput
from notifications.outbox import deliver
from notifications.transports import SmtpTransport
from tests.conftest import SmtpSink
from tests.test_outbox_delivery import queued, statuses  # noqa: F401 (fixture)


class SlowSink(SmtpSink):
    delay = 1.5

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)  # taken: it will go
        await asyncio.sleep(self.delay)  # and the 250 comes late
        return answer


@pytest.fixture
def slow_sink():
    sink = SlowSink().start()
    yield sink
    sink.stop()


def _smtp(port: int, data_timeout: float) -> SmtpTransport:
    return SmtpTransport(SmtpSettings(host="127.0.0.1", port=port, security="none",
                                      timeout=0.5, data_timeout=data_timeout), {})


def test_a_slow_final_reply_is_waited_for_and_each_email_goes_once(service, queued,  # noqa: F811
                                                                   slow_sink):
    report = deliver(service, _smtp(slow_sink.port, data_timeout=5))
    assert (report.sent, report.retrying) == (3, 0)
    assert len(slow_sink.messages) == 3
    assert statuses(service) == [("sent", 1)] * 3


def test_giving_up_before_the_final_reply_is_what_sends_twice(service, queued,  # noqa: F811
                                                              slow_sink):
    """The duplicate window: a client that stops waiting before the relay's 250 retries an
    email the relay already took. With data_timeout below the relay's delay, every email
    is taken and retried; the default (600 s) closes the window for any relay within RFC
    5321's ten minutes."""
    report = deliver(service, _smtp(slow_sink.port, data_timeout=0.5))
    assert report.sent == 0 and report.retrying == 3
    assert len(slow_sink.messages) == 3  # all taken, none known to be: each will go again


def test_the_default_and_the_config_setting(tmp_path):
    assert SmtpSettings(host="h").data_timeout == 600.0
    config = tmp_path / "casework.toml"
    config.write_text('[email.smtp]\nhost = "relay.example.org"\ndata_timeout = 900\n')
    assert load_settings(f"sqlite:///{tmp_path / 'c.db'}", str(config)).mail.smtp \
        .data_timeout == 900.0
    config.write_text('[email.smtp]\nhost = "relay.example.org"\ndata_timeout = "soon"\n')
    with pytest.raises(InvalidInput, match="data_timeout must be a number of seconds"):
        load_settings(f"sqlite:///{tmp_path / 'c.db'}", str(config))
