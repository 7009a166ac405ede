"""Public addresses of the app: the one owner of ``PUBLIC_BASE_URL`` and of the links built
on it (printed QR codes, cards, e-mails to partners)."""

from __future__ import annotations

import os
import re
from urllib.parse import urlencode, urlsplit

from catalogue.filters import ProductFilter
from catalogue.taxonomy import DEFAULT_LANGUAGE, check_language

DEFAULT_BASE_URL = "http://localhost:8501"
BASE_URL_ENV = "PUBLIC_BASE_URL"
EDIT_URL_PATH = "moja-oferta"
# The static site's address (see ``publish``); when set, QR codes open its offering pages.
SITE_URL_ENV = "PUBLIC_SITE_URL"
SITE_PAGE_KINDS: tuple[str, ...] = ("offer", "partner", "district")
_SITE_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def public_base_url(value: str | None = None) -> str:
    """The base URL of the public app for printed links, without a trailing slash.

    ``value`` if given, else ``PUBLIC_BASE_URL``, else ``http://localhost:8501``. Raises
    ``ValueError`` for anything but an absolute http(s) URL.
    """
    url = (value or os.environ.get(BASE_URL_ENV, "") or DEFAULT_BASE_URL).strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or " " in url:
        raise ValueError(f"the public base URL must be an absolute http(s) URL, got {url!r}")
    return url.rstrip("/")


def public_site_url(value: str | None = None) -> str | None:
    """The base URL of the static site (``publish``) for printed links, or None if unset.

    ``value`` if given, else ``PUBLIC_SITE_URL``. Raises ``ValueError`` for anything but an
    absolute http(s) URL.
    """
    url = (value or os.environ.get(SITE_URL_ENV, "")).strip()
    return public_base_url(url) if url else None


def site_page_path(kind: str, key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """Path of a static-site page relative to the site root, e.g. ``pl/offer/<id>.html``.

    ``kind`` is one of :data:`SITE_PAGE_KINDS`; ``key`` a product/partner id or a TERYT code
    (ids are checked slugs, so they are safe as file names and URL paths).
    """
    if kind not in SITE_PAGE_KINDS:
        raise ValueError(f"unknown site page kind {kind!r}; expected one of {SITE_PAGE_KINDS}")
    if not _SITE_KEY_RE.match(str(key)):
        raise ValueError(f"not a safe page key: {key!r}")
    return f"{check_language(lang)}/{kind}/{key}.html"


def app_product_link(
    product_id: str,
    base_url: str | None = None,
    flt: ProductFilter | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> str:
    """The interactive map link ``<base>/?product=<id>`` plus the filter's params and language.

    The filter travels along so that the map opens with the same selection as the print.
    """
    params: dict[str, str] = {"product": str(product_id)}
    if flt is not None:
        params.update(flt.to_query_params())
    if check_language(lang) != DEFAULT_LANGUAGE:
        params["lang"] = lang
    return f"{public_base_url(base_url)}/?{urlencode(params)}"


def product_link(
    product_id: str,
    base_url: str | None = None,
    flt: ProductFilter | None = None,
    lang: str = DEFAULT_LANGUAGE,
    site_url: str | None = None,
) -> str:
    """The public link of an offering (QR codes, e-mails): its static page when the static
    site is configured (``site_url`` or ``PUBLIC_SITE_URL``; the page links to the live map),
    else :func:`app_product_link`. A fair's QR wave then never reaches the Streamlit process.
    """
    site = public_site_url(site_url)
    if site is not None and _SITE_KEY_RE.match(str(product_id)):
        return f"{site}/{site_page_path('offer', str(product_id), lang)}"
    return app_product_link(product_id, base_url, flt, lang)


def edit_link(
    token: str, base_url: str | None = None, lang: str = DEFAULT_LANGUAGE, action: str = ""
) -> str:
    """The partner's private page ``<base>/moja-oferta?token=…`` (``action``: "" | "confirm"
    | "close" opens that step of the page)."""
    if action not in EDIT_ACTIONS:
        raise ValueError(f"unknown edit action {action!r}; expected one of {EDIT_ACTIONS}")
    params: dict[str, str] = {"token": token}
    if action:
        params["do"] = action
    if check_language(lang) != DEFAULT_LANGUAGE:
        params["lang"] = lang
    return f"{public_base_url(base_url)}/{EDIT_URL_PATH}?{urlencode(params)}"


EDIT_ACTIONS: tuple[str, ...] = ("", "confirm", "close")
