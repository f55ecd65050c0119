"""Which address a request comes from: the direct peer, unless that peer is a proxy we trust (HAProxy in front of
the app), in which case the nearest address in X-Forwarded-For that is not one of our proxies. A client can write
anything into X-Forwarded-For, so it is read only behind a trusted proxy, and only valid addresses count."""

from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

MAX_ADDRESS = 64


def client_address(*, peer: str | None, forwarded_for: str | None, trusted_proxies: Iterable[str]) -> str:
    """The client's address as text ('' when unknown)."""
    networks = [ip_network(proxy, strict=False) for proxy in trusted_proxies]
    peer_ip = _parse(peer)
    if peer_ip is None:
        return (peer or '')[:MAX_ADDRESS]
    if not _trusted(peer_ip, networks) or not forwarded_for:
        return str(peer_ip)
    # Each proxy appends the address it saw: walk from the right past our own proxies to the first outsider.
    nearest = peer_ip
    for part in reversed(forwarded_for[:2000].split(',')):
        hop = _parse(part)
        if hop is None:
            break
        nearest = hop
        if not _trusted(hop, networks):
            break
    return str(nearest)


def _parse(text: str | None) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address((text or '').strip())
    except ValueError:
        return None


def _trusted(address: IPv4Address | IPv6Address, networks: list[IPv4Network | IPv6Network]) -> bool:
    return any(address in network for network in networks)
