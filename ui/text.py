"""Showing untrusted text safely in Streamlit.

Streamlit's markdown does not render raw HTML unless asked to, but markdown itself would
still turn a partner's ``[x](javascript:…)`` or ``![](http://tracker)`` into a link or an
image; every partner-supplied string therefore goes through :func:`md_escape` first.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def md_escape(text: object) -> str:
    """``text`` with every markdown, HTML-entity and LaTeX ($) metacharacter escaped."""
    if text is None:
        return ""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def safe_url(url: object) -> str | None:
    """``url`` if it is an absolute http(s) URL without spaces or quotes, else None."""
    if not isinstance(url, str) or not url:
        return None
    url = url.strip()
    if any(c in url for c in " \t\r\n\"'<>`\\"):
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return url


def md_link(label: str, url: object) -> str:
    """A markdown link with an escaped label, or the escaped label alone for a bad URL."""
    target = safe_url(url)
    if target is None:
        return md_escape(label)
    return f"[{md_escape(label)}]({target.replace('(', '%28').replace(')', '%29')})"
