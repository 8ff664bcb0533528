"""The link policy: which URLs a published book may point its readers to.

Sources and catalogues come from outside contributors, and a link in a published book is followed
by readers' devices (and by some reading systems and crawlers without a click). Allowed: ``http`` and
``https`` URLs to public hosts. Refused unless the book sets ``allow_private_links: true``: loopback,
private, link-local (``169.254.169.254``, the cloud metadata address), unspecified, reserved and
multicast addresses, in any spelling ``inet_aton`` accepts (``2852039166``, ``0xA9FEA9FE``,
``[::ffff:169.254.169.254]``), and the names ``localhost``, ``*.localhost``, ``*.local``,
``*.internal``. The same function serves ``publish check`` and every later stage (they load the book
through :func:`publish.sources.load_book`).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit

SCHEMES = ("http", "https")
INLINE_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
"""A Markdown link in prose, as :mod:`publish.render.inline` turns it into ``<a href>``."""
_LOCAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".home.arpa")
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}$", re.IGNORECASE)


def host_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address a host part spells, in any form a resolver accepts without DNS; else None."""
    host = host.strip("[]").rstrip(".")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if not _NUMERIC_HOST.match(host):
            return None
        try:
            address = ipaddress.ip_address(socket.inet_aton(host))
        except OSError:
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def refusal(url: str) -> str | None:
    """Why ``url`` may not be published, or None when it may."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError as exc:
        return f"malformed URL ({exc})"
    if parts.scheme.lower() not in SCHEMES:
        return f"URL scheme '{parts.scheme or '(none)'}' is not allowed (only {', '.join(SCHEMES)})"
    if not host:
        return "URL has no host"
    if host == "localhost" or host.endswith(_LOCAL_NAMES):
        return f"host '{host}' is a local name"
    address = host_address(host)
    if address is None:
        return None
    for what, flag in (("loopback", address.is_loopback), ("link-local", address.is_link_local),
                       ("private", address.is_private), ("unspecified", address.is_unspecified),
                       ("multicast", address.is_multicast), ("reserved", address.is_reserved)):
        if flag:
            return f"host {address} is a {what} address"
    return None
