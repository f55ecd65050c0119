"""The client address the throttle counts: X-Forwarded-For only when the direct peer is a trusted proxy."""

import pytest

from dashboard.domain.auth.client_address import client_address


@pytest.mark.parametrize('peer, forwarded, proxies, expected', [
    ('203.0.113.9', None, [], '203.0.113.9'),
    ('203.0.113.9', '198.51.100.1', [], '203.0.113.9'),  # no trusted proxy: a forged header is ignored
    ('203.0.113.9', '198.51.100.1', ['10.0.0.2'], '203.0.113.9'),  # the peer is not our proxy
    ('10.0.0.2', '198.51.100.1', ['10.0.0.2'], '198.51.100.1'),
    ('10.0.0.2', '1.2.3.4, 198.51.100.1', ['10.0.0.2'], '198.51.100.1'),  # the client wrote 1.2.3.4 itself
    ('10.0.0.2', '198.51.100.1, 10.0.1.5', ['10.0.0.0/16'], '198.51.100.1'),  # past our own proxies
    ('10.0.0.2', 'not an address', ['10.0.0.2'], '10.0.0.2'),
    ('10.0.0.2', '', ['10.0.0.2'], '10.0.0.2'),
    ('::1', None, [], '::1'),
    ('testclient', None, [], 'testclient'),
    (None, '198.51.100.1', [], ''),
])
def test_the_client_address(peer, forwarded, proxies, expected) -> None:
    assert client_address(peer=peer, forwarded_for=forwarded, trusted_proxies=proxies) == expected
