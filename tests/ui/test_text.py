"""Partner text in markdown: escaped, and nothing GFM would autolink survives."""

from __future__ import annotations

import re

from ui.text import WORD_JOINER, md_escape, md_link

# GFM's extended autolink literals (www., http(s)://, e-mail; mailto:/xmpp:), loosely.
GFM_AUTOLINK = re.compile(r"(?i)\bwww\.|\bhttps?://|[\w.+-]+@[\w-]+\.|\b(mailto|xmpp):")


def test_md_escape_breaks_every_autolink_and_keeps_the_text():
    text = "Zobacz http://a.pl, HTTPS://b.pl, www.c.pl, WWW.d.pl, e@f.pl, mailto:g@h.pl"
    escaped = md_escape(text)
    plain = escaped.replace("\\", "")
    assert not GFM_AUTOLINK.search(plain), plain
    assert plain.replace(WORD_JOINER, "") == text


def test_md_link_shows_the_real_host():
    assert md_link("Strona", "https://www.krasiczyn.pl/zamek") == (
        r"[Strona \(www\.krasiczyn\.pl\)](https://www.krasiczyn.pl/zamek)"
    )
    # The URL as its own label: just the host.
    assert md_link("https://x.pl/a", "https://x.pl/a") == r"[x\.pl](https://x.pl/a)"
    assert md_link("Strona", "https://user:pw@x.pl") == "Strona"
    assert (
        md_link("Strona", "https://аpple.com")
        == r"[Strona \(xn\-\-pple\-43d\.com\)](https://xn--pple-43d.com)"
    )
