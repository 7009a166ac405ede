"""Public addresses of the app: the one owner of ``PUBLIC_BASE_URL`` and of the links built
on it (printed QR codes, cards, e-mails to partners)."""

from __future__ import annotations

import os
from urllib.parse import urlencode, urlsplit

from catalogue.filters import ProductFilter
from catalogue.taxonomy import DEFAULT_LANGUAGE, check_language

DEFAULT_BASE_URL = "http://localhost:8501"
BASE_URL_ENV = "PUBLIC_BASE_URL"
EDIT_URL_PATH = "moja-oferta"


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


def product_link(
    product_id: str,
    base_url: str | None = None,
    flt: ProductFilter | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> str:
    """The shareable map link ``<base>/?product=<id>`` plus the filter's params and language.

    The filter travels along so that the map opens with the same selection as the print.
    """
    params: dict[str, str] = {"product": str(product_id)}
    if flt is not None:
        params.update(flt.to_query_params())
    if check_language(lang) != DEFAULT_LANGUAGE:
        params["lang"] = lang
    return f"{public_base_url(base_url)}/?{urlencode(params)}"


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
