"""A partner's private page for one offering, opened by the edit link (``?token=…``).

Shows the status and a rejection reason; edits are held for review while the published
version stays on the map (``CatalogueStore.submit_edit``); the offering can be withdrawn.
A wrong or old token gets one neutral message, whatever is wrong with it, so the page
tells nothing about which tokens exist.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import streamlit as st

from catalogue.moderation import TokenError
from catalogue.photos import (
    ALLOWED_EXTENSIONS,
    MAX_BYTES,
    MAX_PHOTOS,
    delete_files,
    resolve,
    store_photos,
)
from catalogue.rows import product_from_content
from catalogue.taxonomy import DEFAULT_LICENCE, Status, category_label, credit_line
from geodata import district_name
from ui import form_state, form_values, form_words, location_picker, mailer
from ui import product_form as form
from ui.i18n import load_strings, page_translator, translate
from ui.state import current_language, get_store, partners
from ui.text import md_escape

P = "ed"
MAX_TOKEN_LENGTH = 200

S = load_strings("edit_page")

lang = current_language()
store = get_store()


tr = page_translator(S, lang)


def token_from_text(text: str) -> str:
    """The token from a pasted link (``…?token=X``) or a bare code."""
    text = (text or "").strip()
    if "token=" in text:
        values = parse_qs(urlsplit(text).query).get("token") or parse_qs(
            text.split("?", 1)[-1]
        ).get("token")
        text = values[0] if values else ""
    return text[: MAX_TOKEN_LENGTH + 1]


def open_pasted() -> None:
    token = token_from_text(st.session_state.get("ed_paste", ""))
    st.session_state["ed_paste"] = ""
    if token:
        st.query_params["token"] = token


def ask_for_link() -> None:
    st.caption(tr("intro"))
    st.text_input(tr("paste"), key="ed_paste", max_chars=400)
    st.button(tr("open"), key="ed_open", on_click=open_pasted, icon=":material/key:")
    lost_link()


def request_link() -> None:
    email = str(st.session_state.get("ed_lost_email") or "")
    if email.strip():
        allowed = mailer.recover(store, email, lang)
        st.session_state["ed_lost_answer"] = "lost_done" if allowed else "lost_limited"
    st.session_state["ed_lost_email"] = ""


def lost_link() -> None:
    """Lost-link recovery: the same answer whether or not the address is known."""
    with st.expander(tr("lost_title"), icon=":material/mail:", expanded=False):
        st.caption(tr("lost_intro"))
        st.text_input(tr("lost_email"), key="ed_lost_email", max_chars=254)
        st.button(tr("lost_send"), key="ed_lost_send", on_click=request_link)
        if answer := st.session_state.pop("ed_lost_answer", None):
            st.info(tr(answer), icon=":material/mark_email_read:")


def confirm_panel(product) -> None:
    """The yearly "still correct?" mail's confirm link (``?do=confirm``): one button that
    confirms through this token (the page never changes anything on opening a link)."""
    if st.query_params.get("do") != "confirm" or product.status != Status.PUBLISHED.value:
        return
    with st.container(border=True):
        st.markdown(f"**{tr('confirm_title')}**")
        if st.button(
            tr("confirm_button"), key="ed_confirm", type="primary", icon=":material/verified:"
        ):
            store.confirm_current(product.id, "partner", note="confirmed through the edit link")
            del st.query_params["do"]
            st.session_state["ed_flash"] = tr("confirm_done")
            st.rerun()


def status_panel(product, revision, last) -> None:
    status = product.status
    name = md_escape(product.name_pl)
    st.subheader(name or "…", anchor=False)
    place = district_name(product.district_teryt, lang) if product.district_teryt else ""
    st.markdown(f"{md_escape(category_label(product.category, lang))} · {md_escape(place)}")
    key = f"status_{status}" if f"status_{status}" in S else "status_draft"
    st.markdown(f"**{tr('status')}:** {tr(key)}")
    if status == Status.REJECTED.value and product.decision_note:
        st.error(f"**{tr('reason')}:** {md_escape(product.decision_note)}", icon=":material/info:")
        st.caption(tr("resubmit_hint"))
    elif status == Status.PUBLISHED.value and revision is not None:
        st.info(tr("edit_pending"), icon=":material/hourglass_top:")
    elif (
        status == Status.PUBLISHED.value
        and last is not None
        and last.get("state") == "rejected"
        and last.get("reason")
    ):
        st.warning(tr("edit_rejected"), icon=":material/info:")
        st.markdown(f"**{tr('reason')}:** {md_escape(last['reason'])}")
    elif status == Status.ARCHIVED.value:
        st.caption(tr("resubmit_hint"))


def mark_tried() -> None:
    st.session_state["ed_tried"] = True


def edit_form(token: str, product, revision) -> None:
    partner_frame = partners()
    # The pending revision is what the partner last sent; start from it, else the product.
    source = product
    if revision is not None:
        source = product_from_content(revision["data"])
    marker = (product.id, revision["id"] if revision else None, str(product.updated_at))
    form_state.load_values(P, form_values.product_to_values(source), marker)
    form_state.prepare(P, partner_frame)
    edited, report, record = form_state.validate(P, lang, partner_frame, exclude_id=product.id)
    issues = form_words.issues_by_column(report)
    tried = bool(st.session_state.get("ed_tried"))
    st.subheader(tr("edit_title"), anchor=False)
    left, right = st.columns([1, 1], gap="large")
    with left:
        form.left_column_fields(P, lang, partner_frame, issues, tried)
    with right:
        location_picker.location_fields(P, lang, issues, tried)
        with st.container(border=True):
            st.caption(form_words.tr("preview", lang))
            form.preview(edited, record, lang, form_state.partner_label(P, partner_frame))
        clicked = st.button(
            tr("send_edit"),
            key="ed_send",
            type="primary",
            on_click=mark_tried,
            icon=":material/send:",
        )
        if tried and report.errors:
            st.error(tr("fix_first", n=len(report.errors)), icon=":material/error:")
            for issue in report.errors:
                st.markdown("- " + md_escape(form_words.issue_line(issue, lang)))
        if clicked and report.ok and edited is not None:
            edited.source = product.source
            if report.new_partners:
                # Saved directly, as on the submit page: not public until an offering of
                # theirs is published. Legal form, numbers and contact: form_state.validate.
                for partner in report.new_partners:
                    partner.source = "partner_form"
                store.save_partners(report.new_partners, actor="partner-edit")
            try:
                revision_id = store.submit_edit(token, edited)
            except TokenError:
                st.session_state.pop("ed_tried", None)
                st.rerun()
            mailer.edit_held(store, revision_id, lang)
            st.session_state["ed_flash"] = tr("edit_sent")
            st.session_state.pop("ed_tried", None)
            st.session_state.pop(form_values.k(P, "_loaded"), None)
            st.rerun()


def partner_name(product) -> str:
    """The name of the organisation that runs ``product``, "" if none is recorded."""
    partner = store.get_partner(product.partner_id) if product.partner_id else None
    return partner.name if partner else ""


def photo_panel(product) -> None:
    st.subheader(tr("photos"), anchor=False)
    rows = store.photos_for(product.id)
    if rows:
        columns = st.columns(min(len(rows), MAX_PHOTOS))
        for column, row in zip(columns, rows, strict=False):
            with column:
                try:
                    st.image(
                        str(resolve(row["thumb_path"])),
                        width="stretch",
                        alt=translate({}, "photo_alt_plain", lang),
                    )
                except (ValueError, OSError):
                    st.caption("—")
                if st.button(
                    tr("remove_photo"), key=f"ed_rm_{row['id']}", icon=":material/delete:"
                ):
                    removed = store.remove_photo(product.id, row["id"], "partner")
                    if removed:
                        delete_files([removed])
                    st.rerun()
    if len(rows) >= MAX_PHOTOS:
        return
    generation = st.session_state.get("ed_photo_gen", 0)
    uploads = st.file_uploader(
        tr("add_photos", max=MAX_PHOTOS),
        type=list(ALLOWED_EXTENSIONS),
        max_upload_size=MAX_BYTES // (1024 * 1024),  # refused in the browser already
        accept_multiple_files=True,
        key=f"ed_photos_{generation}",
    )
    if uploads:
        # The photos carry the offering's credit; without a licence on record, CC BY 4.0
        # with the organisation as author, once the partner consents here.
        author = product.text_author or partner_name(product)
        licence = product.text_licence or DEFAULT_LICENCE
        st.caption(md_escape(credit_line("photo", author, licence, lang)))
        st.checkbox(form_words.tr("consent", lang), key="ed_photo_consent")
    consented = bool(st.session_state.get("ed_photo_consent"))
    if uploads and st.button(
        tr("save_photos"), key="ed_save_photos", icon=":material/upload:", disabled=not consented
    ):
        stored, errors = store_photos([(u.name, u) for u in uploads], existing=len(rows))
        for error in errors:
            st.error(md_escape(error.message(lang)), icon=":material/broken_image:")
        if stored:
            try:
                store.add_photos(
                    product.id, stored, actor="partner", author=author, licence=licence
                )
            except (ValueError, KeyError):
                delete_files(stored)
                raise
            st.session_state["ed_photo_gen"] = generation + 1
            st.session_state["ed_flash"] = tr("photos_saved", n=len(stored))
            if not errors:
                st.rerun()


def withdraw_panel(token: str, product) -> None:
    if product.status == Status.ARCHIVED.value:
        return
    closing = st.query_params.get("do") == "close"
    with st.expander(tr("withdraw_title"), icon=":material/delete_forever:", expanded=closing):
        st.checkbox(tr("withdraw_confirm"), key="ed_withdraw_confirm")
        if st.button(
            tr("withdraw"),
            key="ed_withdraw",
            disabled=not st.session_state.get("ed_withdraw_confirm"),
        ):
            try:
                store.withdraw(token)
                mailer.archived(store, product.id, "moja-oferta")
            except TokenError:
                pass
            st.session_state["ed_flash"] = tr("withdrawn")
            st.session_state.pop("ed_withdraw_confirm", None)
            st.rerun()


# -- page --------------------------------------------------------------------------------

st.title(tr("title"), anchor=False)
token = str(st.query_params.get("token") or "")
if not token:
    ask_for_link()
    st.stop()
product = store.product_for_token(token) if len(token) <= MAX_TOKEN_LENGTH else None
if product is None:
    st.warning(tr("invalid"), icon=":material/link_off:")
    ask_for_link()
    st.stop()
if message := st.session_state.pop("ed_flash", None):
    st.success(message, icon=":material/task_alt:")
revision = store.pending_revision(product.id)
status_panel(product, revision, store.last_revision(product.id))
confirm_panel(product)
edit_form(token, product, revision)
photo_panel(product)
withdraw_panel(token, product)
