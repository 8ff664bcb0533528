"""The link policy (publish.links): public http(s) hosts only, in every spelling of an address."""

from __future__ import annotations

import pytest

from publish import links
from publish.render import inline


@pytest.mark.parametrize(("url", "reason"), [
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://2852039166/", "link-local"),
    ("http://0xA9FEA9FE/", "link-local"),
    ("http://0251.0376.0251.0376/", "link-local"),
    ("http://[::ffff:169.254.169.254]/", "link-local"),
    ("http://[fe80::1]/", "link-local"),
    ("http://127.0.0.1:8080/", "loopback"),
    ("http://127.1/", "loopback"),
    ("http://[::1]/", "loopback"),
    ("https://10.0.0.8/", "private"),
    ("https://192.168.1.1/", "private"),
    ("https://[fd00::1]/", "private"),
    ("http://0.0.0.0/", "private"),
    ("http://224.0.0.1/", "multicast"),
    ("http://localhost/", "local name"),
    ("http://printer.local/", "local name"),
    ("http://metadata.google.internal/", "local name"),
    ("ftp://example.org/", "scheme"),
    ("javascript:alert(1)", "scheme"),
    ("http:///nohost", "no host"),
    ("http://[::1/", "malformed"),
])
def test_refused(url: str, reason: str) -> None:
    found = links.refusal(url)
    assert found is not None and reason in found, found


@pytest.mark.parametrize("url", ["https://example.org/wang-fang", "http://8.8.8.8/", "https://[2001:4860::8888]/",
                                 "https://www.shanghaidoctor.cn/a?b=1#c", "https://1.2.3.4.nip.io/"])
def test_allowed(url: str) -> None:
    assert links.refusal(url) is None


def test_the_policy_sees_the_links_the_renderer_makes() -> None:
    """The inline renderer turns exactly these into ``<a href>``: the check and the renderer agree."""
    assert links.INLINE_LINK.pattern == inline._LINK.pattern
