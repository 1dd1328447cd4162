"""Who counts as one client for the public pages' and the API's limits."""

import ipaddress


def client_of_address(address: str) -> str:
    """The IPv4 address, or the /64 network of an IPv6 one (one subscriber's range)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
