"""Showing untrusted text safely in Streamlit.

Streamlit's markdown does not render raw HTML unless asked to, but markdown itself would
still turn a partner's ``[x](javascript:…)`` or ``![](http://tracker)`` into a link or an
image, and GitHub-flavoured markdown links bare ``http://…``, ``www.…`` and ``x@y.pl`` even
when escaped; every partner-supplied string therefore goes through :func:`md_escape` first.
The only links come from :func:`md_link` with a validated website.
"""

from __future__ import annotations

import re

from catalogue.contacts import display_url, url_host

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")
# GFM autolink literals need "www.", "scheme:" or "@" unbroken; a WORD JOINER (U+2060,
# invisible, no line break) inside each keeps the text as it reads and never a link.
_AUTOLINK = re.compile(r"(?i)(?<=www)(?=\.)|(?=[:@])")
WORD_JOINER = "\u2060"


def md_escape(text: object) -> str:
    """``text`` with every markdown, HTML-entity and LaTeX ($) metacharacter escaped and
    every would-be autolink (``http://``, ``www.``, ``x@y``) broken by an invisible joiner."""
    if text is None:
        return ""
    return _MD_SPECIAL.sub(r"\\\1", _AUTOLINK.sub(WORD_JOINER, str(text)))


def safe_url(url: object) -> str | None:
    """``url`` as a link target (see :func:`catalogue.contacts.display_url`), else None."""
    return display_url(url)


def md_link(label: str, url: object) -> str:
    """A markdown link ``label (host)`` showing the real host (punycode for IDN), or the
    escaped label alone for a bad URL. A label that is the URL itself shows just the host."""
    target = display_url(url)
    if target is None:
        return md_escape(label)
    host = url_host(target) or ""
    text = host if str(label).strip() in (str(url).strip(), target) else f"{label} ({host})"
    # Inside link text nothing autolinks, so the host keeps no joiner (copies cleanly).
    label_md = _MD_SPECIAL.sub(r"\\\1", text)
    return f"[{label_md}]({target.replace('(', '%28').replace(')', '%29')})"
