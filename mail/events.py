"""What partners hear, one function per event; the ui calls each with one line.

Every function renders the message in the partner's language, queues it under an
idempotency key and wakes the sender; none of them talks to a mail server, so no page ever
waits for one. A message needs the offering's contact e-mail: without a valid one nothing
is queued (and None returned).

The partner's language is the one the submission (or the lost-link request) was made in;
it is kept in the queue's records, so a later decision by staff reaches the partner in it.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import pandas as pd

from catalogue.links import edit_link, product_link, public_base_url
from catalogue.localise import localised_field
from catalogue.model import Product
from catalogue.moderation import hash_token
from catalogue.review import STALE_DAYS, stale_products
from catalogue.storage import CatalogueStore
from catalogue.taxonomy import DEFAULT_LANGUAGE, LANGUAGES, Status
from mail import sender
from mail.compose import build_message
from mail.config import MailConfigError, MailSettings, check_address, load_settings
from mail.queue import MailQueue
from mail.templates import render

STILL_CORRECT_ACTIONS = ("confirm", "", "close")  # the order of the labels in the template


def _settings(settings: MailSettings | None) -> MailSettings:
    return settings or load_settings()


def recipient(product: Product | None) -> str | None:
    """The offering's contact e-mail if it is one plain address, else None."""
    if product is None:
        return None
    try:
        return check_address(product.email or "", "contact e-mail")
    except MailConfigError:
        return None


def token_generation(token: str) -> str:
    """A short, non-secret name for one token (part of idempotency keys)."""
    return hash_token(token)[:16]


def partner_language(product_id: str, settings: MailSettings | None = None) -> str:
    """The language of the newest message queued for ``product_id`` (Polish if none)."""
    for record in MailQueue(_settings(settings).queue_dir).records():
        if product_id in record.get("product_ids", ()) and record.get("lang") in LANGUAGES:
            return record["lang"]
    return DEFAULT_LANGUAGE


def queue_message(
    key: str,
    event: str,
    to: str,
    lang: str,
    product_ids: list[str],
    values: dict[str, str],
    links: list[tuple[str | None, str]] = (),
    quote: str = "",
    settings: MailSettings | None = None,
) -> dict | None:
    """Render and queue one message under ``key``; None if ``key`` was already queued."""
    settings = _settings(settings)
    queue = MailQueue(settings.queue_dir)
    if queue.has(key):
        return None
    rendered = render(
        event,
        lang,
        values,
        links=list(links),
        quote=quote,
        contact=settings.contact,
        review_days=settings.review_days,
    )
    message = build_message(settings, to, rendered, key)
    record = queue.enqueue(
        key,
        message,
        {
            "event": event,
            "to": message["To"],
            "lang": rendered.lang,
            "subject": rendered.subject,
            "product_ids": product_ids,
        },
    )
    if record is not None:
        sender.wake()
    return record


def _name(product: Product, lang: str) -> str:
    return product.name(lang)[0] or product.name_pl or product.id


def _edit_page(base_url: str | None, lang: str) -> str:
    params = "" if lang == DEFAULT_LANGUAGE else f"?lang={lang}"
    return f"{public_base_url(base_url)}/moja-oferta{params}"


# -- events -------------------------------------------------------------------------------


def _about_offering(
    event: str,
    key: str,
    product: Product | None,
    lang: str | None,
    link: str,
    settings: MailSettings | None,
    name: str = "",
    quote: str = "",
) -> dict | None:
    """Queue one message about one offering to its contact (nothing without a valid
    address); ``lang`` None means the partner's own language."""
    to = recipient(product)
    if to is None:
        return None
    lang = lang or partner_language(product.id, settings)
    return queue_message(
        key,
        event,
        to,
        lang,
        [product.id],
        {"name": name or _name(product, lang)},
        [(None, link)],
        quote=quote,
        settings=settings,
    )


def _revision_and_product(store: CatalogueStore, revision_id: int):
    revision = store.get_revision(revision_id)
    product = store.get_product(revision["product_id"]) if revision else None
    return revision, product


def submission_received(
    product: Product,
    token: str,
    lang: str,
    base_url: str | None = None,
    settings: MailSettings | None = None,
) -> dict | None:
    """A new offering was sent (form or file row): its private edit link and what next."""
    if product is None:
        return None  # the key below needs its id
    return _about_offering(
        "received",
        f"received:{product.id}:{token_generation(token)}",
        product,
        lang,
        edit_link(token, base_url, lang),
        settings,
    )


def bulk_received(
    store: CatalogueStore,
    product_ids: list[str],
    lang: str,
    base_url: str | None = None,
    settings: MailSettings | None = None,
) -> int:
    """Each uploaded offering with a contact e-mail gets its own new link; returns how many
    messages were queued (rows without an e-mail keep no working link, as before)."""
    products = {p.id: p for p in (store.get_product(i) for i in product_ids) if p}
    with_mail = [i for i, p in products.items() if recipient(p)]
    sent = 0
    for product, token in store.reissue_tokens(with_mail, actor="partner-upload"):
        if submission_received(product, token, lang, base_url, settings) is not None:
            sent += 1
    return sent


def approved(
    store: CatalogueStore,
    revision_id: int,
    base_url: str | None = None,
    settings: MailSettings | None = None,
) -> dict | None:
    """Staff approved a revision: the link to the offering's public page."""
    _, product = _revision_and_product(store, revision_id)
    if recipient(product) is None:
        return None
    lang = partner_language(product.id, settings)
    return _about_offering(
        "approved",
        f"approved:{product.id}:{revision_id}",
        product,
        lang,
        product_link(product.id, base_url, lang=lang),
        settings,
    )


def rejected(
    store: CatalogueStore,
    revision_id: int,
    base_url: str | None = None,
    settings: MailSettings | None = None,
) -> dict | None:
    """Staff rejected a revision: their reason, quoted."""
    revision, product = _revision_and_product(store, revision_id)
    if recipient(product) is None:
        return None
    lang = partner_language(product.id, settings)
    # The rejected revision's own name: a new offering's name exists only in its revision.
    name = localised_field(revision["data"], "name", lang)
    return _about_offering(
        "rejected",
        f"rejected:{product.id}:{revision_id}",
        product,
        lang,
        _edit_page(base_url, lang),
        settings,
        name=name,
        quote=str(revision.get("reason") or ""),
    )


def edit_held(
    store: CatalogueStore,
    revision_id: int,
    lang: str,
    base_url: str | None = None,
    settings: MailSettings | None = None,
) -> dict | None:
    """A partner's edit is held for review (sent to the offering's current contact)."""
    _, product = _revision_and_product(store, revision_id)
    if product is None:
        return None  # the key below needs its id
    return _about_offering(
        "edit_held",
        f"edit_held:{product.id}:{revision_id}",
        product,
        lang,
        _edit_page(base_url, lang),
        settings,
    )


def archived(
    store: CatalogueStore,
    product_id: str,
    base_url: str | None = None,
    settings: MailSettings | None = None,
) -> dict | None:
    """The offering was taken off the map (by staff or by the partner)."""
    product = store.get_product(product_id)
    if product is None or product.status != Status.ARCHIVED.value:
        return None
    lang = partner_language(product.id, settings)
    return _about_offering(
        "archived",
        f"archived:{product.id}:{pd.Timestamp(product.updated_at).isoformat()}",
        product,
        lang,
        _edit_page(base_url, lang),
        settings,
    )


def recover_links(
    store: CatalogueStore,
    email: str,
    lang: str,
    base_url: str | None = None,
    settings: MailSettings | None = None,
) -> dict | None:
    """Lost link: every offering given with ``email`` gets a new link (old ones stop
    working), all in one message to that address. Nothing happens for an unknown or
    malformed address; the caller answers the same either way."""
    try:
        to = check_address(email, "e-mail")
    except MailConfigError:
        return None
    issued = store.reissue_tokens(email=to, actor="partner-recovery")
    if not issued:
        return None
    links = [(_name(p, lang), edit_link(token, base_url, lang)) for p, token in issued]
    generation = hashlib.sha256("".join(t for _, t in issued).encode()).hexdigest()[:16]
    return queue_message(
        f"recovery:{hash_token(to.lower())[:16]}:{generation}",
        "recovery",
        to,
        lang,
        [p.id for p, _ in issued],
        {},
        links,
        settings=settings,
    )


def still_correct_key(product_id: str, updated_at) -> str:
    """One yearly question per offering and confirmation date."""
    return f"still_correct:{product_id}:{pd.Timestamp(updated_at).isoformat()}"


def still_correct(
    store: CatalogueStore,
    now: datetime | None = None,
    days: int = STALE_DAYS,
    base_url: str | None = None,
    settings: MailSettings | None = None,
) -> list[dict]:
    """Ask the partner of every published offering not confirmed for ``days`` whether it is
    still correct, with confirm / edit / close links; returns the queued records.

    An offering is asked once per confirmation date (:func:`still_correct_key`): running the
    command again (cron) queues nothing new until the partner or staff confirms it and a
    year passes again. The question needs working links, so it issues a new token.
    """
    settings = _settings(settings)
    queue = MailQueue(settings.queue_dir)
    stale = stale_products(store.products_frame(), now=now, days=days)
    queued = []
    for row in stale.itertuples():
        product = store.get_product(str(row.id))
        if recipient(product) is None or queue.has(still_correct_key(product.id, row.updated_at)):
            continue
        lang = partner_language(product.id, settings)
        [(_, token)] = store.reissue_tokens([product.id], actor="still-correct")
        links = [(None, edit_link(token, base_url, lang, a)) for a in STILL_CORRECT_ACTIONS]
        record = queue_message(
            still_correct_key(product.id, row.updated_at),
            "still_correct",
            recipient(product),
            lang,
            [product.id],
            {"name": _name(product, lang)},
            links,
            settings=settings,
        )
        if record is not None:
            queued.append(record)
    return queued


def asked(settings: MailSettings | None = None) -> dict[str, dict]:
    """The newest "still correct?" record per product id (who was asked, when, status)."""
    out: dict[str, dict] = {}
    for record in MailQueue(_settings(settings).queue_dir).records():
        if record.get("event") == "still_correct":
            for pid in record.get("product_ids", ()):
                out.setdefault(pid, record)
    return out
