"""Whether a webhook may be sent to an address: only to the public internet, unless the settings allow more.

A subscriber names its URL, so without this check a system could make the platform call the services
around it (the database, a cloud's metadata endpoint, an admin page on the local network): server-side
request forgery. ``WEBHOOK_ALLOW_PRIVATE_ADDRESSES`` lifts the check (development, a subscriber on the
same network).
"""

import ipaddress
import socket

# Names that always mean this machine or its network, whatever DNS says.
LOCAL_NAMES = ("localhost", "localhost.localdomain")
LOCAL_SUFFIXES = (".localhost", ".local", ".internal")


def address_is_public(address: str) -> bool:
    """An IP address on the public internet (not private, loopback, link-local, shared, reserved, multicast)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone ("fe80::1%eth0") names a local link
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def host_is_local(host: str) -> bool:
    """A host the URL itself shows to be local: a local name, or an IP literal that is not public."""
    name = host.strip("[]").rstrip(".").lower()
    if name in LOCAL_NAMES or name.endswith(LOCAL_SUFFIXES):
        return True
    try:
        ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False  # a DNS name: its addresses are checked when sending
    return not address_is_public(name)


def host_non_public_addresses(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to that are not public (all of them when it does not resolve)."""
    if host_is_local(host):
        return [host]
    try:
        found = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except OSError:
        return [host]
    return sorted({str(info[4][0]) for info in found if not address_is_public(str(info[4][0]))})
