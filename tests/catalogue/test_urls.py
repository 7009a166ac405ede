"""Link targets: only absolute http(s), no userinfo, real host in ASCII, quotes encoded."""

from __future__ import annotations

import pytest

from catalogue.contacts import display_url, normalise_url, url_host


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("https://www.krasiczyn.pl/zamek", "https://www.krasiczyn.pl/zamek"),
        ("HTTP://Example.PL/a?b=1#c", "http://example.pl/a?b=1#c"),
        ("https://przykład.pl/", "https://xn--przykad-rjb.pl/"),
        ("https://\u0430pple.com/", "https://xn--pple-43d.com/"),  # Cyrillic а: a homograph
        ('https://x.pl/a"b<c>`d', "https://x.pl/a%22b%3Cc%3E%60d"),
        ("https://x.pl:8443/p", "https://x.pl:8443/p"),
        ("https://user:pass@bank.pl/", None),
        ("https://bank.pl@evil.example/", None),
        ("javascript:alert(1)", None),
        ("ftp://x.pl", None),
        ("https://x.pl/a b", None),
        ("https://x.pl:99999/", None),
        ("//x.pl", None),
        ("", None),
        (None, None),
    ],
)
def test_display_url(url, target):
    assert display_url(url) == target


def test_url_host_is_the_punycode_host():
    assert url_host("https://przykład.pl/x") == "xn--przykad-rjb.pl"
    assert url_host("https://user@x.pl") is None


def test_validation_refuses_userinfo_and_encodes_quotes():
    with pytest.raises(ValueError, match="user name or password"):
        normalise_url("https://www.bank.pl:haslo@evil.example/")
    assert normalise_url('www.x.pl/a"b') == ("https://www.x.pl/a%22b", True)
