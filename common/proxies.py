"""Whose address a request comes from, for the sign-in lockout (django-axes).

X-Forwarded-For is written by whoever sends the request. Behind nginx it is the only place
the client's address is (REMOTE_ADDR is nginx's), so django-axes must read it there; but a
client that reaches an app server directly could then pick a fresh address for every guess
and never be locked out. So the header is believed only on a request whose REMOTE_ADDR is
one of HIM_PROXY_ADDRESSES, the reverse proxies that connect to the app servers (`unix`: a
Unix socket, whose REMOTE_ADDR is empty). Anyone else is counted by REMOTE_ADDR, the one
address a client cannot choose. `AXES_CLIENT_IP_CALLABLE` points here; the system checks
below refuse a proxy count with no proxy addresses. docs/operations.md, "nginx".
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.core import checks
from ipware.ip import get_client_ip

UNIX_SOCKET = "unix"


def _networks(entries: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for entry in entries:
        if entry == UNIX_SOCKET:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            continue  # reported by check_proxy_settings; never a reason to trust
    return networks


def from_a_proxy(remote_addr: str) -> bool:
    """Did this connection come from one of HIM_PROXY_ADDRESSES?"""
    entries = list(getattr(settings, "HIM_PROXY_ADDRESSES", []))
    if not remote_addr:
        return UNIX_SOCKET in entries
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return False
    return any(address in network for network in _networks(entries))


def client_ip_address(request: Any) -> str | None:
    """The client's address: from X-Forwarded-For (through django-ipware, with the proxy
    count) when a listed proxy sent the request, else REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR", "")
    if settings.AXES_IPWARE_PROXY_COUNT is None or not from_a_proxy(remote):
        return remote or None
    address, _routable = get_client_ip(
        request,
        proxy_count=settings.AXES_IPWARE_PROXY_COUNT,
        request_header_order=settings.AXES_IPWARE_META_PRECEDENCE_ORDER,
    )
    return address or remote or None


@checks.register(checks.Tags.security)
def check_proxy_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A proxy count needs the proxies' addresses, and those must be real and narrow."""
    entries = list(getattr(settings, "HIM_PROXY_ADDRESSES", []))
    count = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None)
    found: list[checks.CheckMessage] = []
    if count is not None and not entries:
        found.append(
            checks.Error(
                "AXES_IPWARE_PROXY_COUNT is set but HIM_PROXY_ADDRESSES is empty: sign-in "
                "lockouts would count every client at the proxy's address.",
                hint="Set HIM_PROXY_ADDRESSES to the reverse proxies' addresses (or 'unix' "
                "for a Unix socket) and bind gunicorn to them only (docs/operations.md).",
                id="him.E001",
            )
        )
    for entry in entries:
        if entry == UNIX_SOCKET:
            continue
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            found.append(
                checks.Error(
                    f"HIM_PROXY_ADDRESSES holds {entry!r}, which is not an address or network.",
                    hint="List IP addresses, CIDR networks or 'unix', separated by commas.",
                    id="him.E002",
                )
            )
            continue
        if network.prefixlen == 0:
            found.append(
                checks.Error(
                    f"HIM_PROXY_ADDRESSES holds {entry!r}: every client would be believed.",
                    hint="List only the reverse proxies' own addresses.",
                    id="him.E003",
                )
            )
    if entries and count is None:
        found.append(
            checks.Warning(
                "HIM_PROXY_ADDRESSES is set but AXES_IPWARE_PROXY_COUNT is not: "
                "X-Forwarded-For is ignored and every client shares the proxy's address.",
                hint="Set AXES_IPWARE_PROXY_COUNT (0 when nginx alone faces the clients).",
                id="him.W001",
            )
        )
    return found
