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
from ui import mailer
from ui import product_form as form
from ui.i18n import page_translator, translate
from ui.state import current_language, get_store, partners
from ui.text import md_escape

P = "ed"
MAX_TOKEN_LENGTH = 200

S = {
    "title": {"pl": "Moja oferta", "en": "My offering", "uk": "Моя пропозиція"},
    "intro": {
        "pl": "Otwórz prywatny link, który dostałeś po wysłaniu oferty, albo wklej go poniżej.",
        "en": "Open the private link you got after sending the offering, or paste it below.",
        "uk": "Відкрийте приватне посилання, отримане після надсилання пропозиції, або "
        "вставте його нижче.",
    },
    "paste": {
        "pl": "Link do edycji lub kod",
        "en": "Edit link or code",
        "uk": "Посилання для редагування або код",
    },
    "open": {"pl": "Otwórz", "en": "Open", "uk": "Відкрити"},
    "invalid": {
        "pl": "Ten link nie jest ważny. Sprawdź, czy skopiowano go w całości; jeśli go nie "
        "masz, skontaktuj się z koordynatorem Klastra.",
        "en": "This link is not valid. Check that it was copied in full; if you do not have "
        "it, contact the cluster's coordinator.",
        "uk": "Це посилання недійсне. Перевірте, чи скопійовано його повністю; якщо його "
        "немає, зверніться до координатора кластера.",
    },
    "status": {"pl": "Status", "en": "Status", "uk": "Статус"},
    "status_pending": {
        "pl": "czeka na sprawdzenie — nie jest jeszcze widoczna na mapie",
        "en": "waiting for review — not on the map yet",
        "uk": "чекає на перевірку — ще не видно на мапі",
    },
    "status_published": {
        "pl": "opublikowana — widoczna na mapie",
        "en": "published — on the map",
        "uk": "опублікована — видно на мапі",
    },
    "status_rejected": {
        "pl": "odrzucona — popraw ją i wyślij ponownie",
        "en": "rejected — correct it and send it again",
        "uk": "відхилена — виправте її та надішліть знову",
    },
    "status_archived": {
        "pl": "wycofana — nie jest widoczna na mapie",
        "en": "withdrawn — not on the map",
        "uk": "відкликана — не видно на мапі",
    },
    "status_draft": {"pl": "szkic", "en": "draft", "uk": "чернетка"},
    "reason": {
        "pl": "Uwagi pracowników Klastra",
        "en": "Notes from cluster staff",
        "uk": "Зауваження працівників кластера",
    },
    "edit_rejected": {
        "pl": "Ostatnia zmiana została odrzucona; na mapie jest nadal poprzednia wersja.",
        "en": "The last change was rejected; the map still shows the previous version.",
        "uk": "Останню зміну відхилено; на мапі досі попередня версія.",
    },
    "edit_pending": {
        "pl": "Twoja zmiana czeka na sprawdzenie. Do tego czasu na mapie jest poprzednia wersja.",
        "en": "Your change is waiting for review. Until then the map shows the previous version.",
        "uk": "Ваша зміна чекає на перевірку. До того часу на мапі попередня версія.",
    },
    "edit_title": {
        "pl": "Popraw ofertę",
        "en": "Correct the offering",
        "uk": "Виправити пропозицію",
    },
    "send_edit": {
        "pl": "Wyślij zmiany do sprawdzenia",
        "en": "Send the changes for review",
        "uk": "Надіслати зміни на перевірку",
    },
    "edit_sent": {
        "pl": "Zmiany wysłane do sprawdzenia.",
        "en": "Changes sent for review.",
        "uk": "Зміни надіслано на перевірку.",
    },
    "fix_first": {
        "pl": "Popraw zaznaczone pola ({n}); nic z tego, co wpisano, nie zginie.",
        "en": "Correct the marked fields ({n}); nothing you typed is lost.",
        "uk": "Виправте позначені поля ({n}); нічого з введеного не зникне.",
    },
    "photos": {"pl": "Zdjęcia", "en": "Photos", "uk": "Фото"},
    "remove_photo": {"pl": "Usuń zdjęcie", "en": "Remove photo", "uk": "Видалити фото"},
    "add_photos": {
        "pl": "Dodaj zdjęcia (razem najwyżej {max}; JPEG, PNG lub WebP do 5 MB)",
        "en": "Add photos (at most {max} in all; JPEG, PNG or WebP up to 5 MB)",
        "uk": "Додати фото (загалом щонайбільше {max}; JPEG, PNG або WebP до 5 МБ)",
    },
    "save_photos": {"pl": "Zapisz zdjęcia", "en": "Save photos", "uk": "Зберегти фото"},
    "photos_saved": {
        "pl": "Zapisane zdjęcia: {n}.",
        "en": "Photos saved: {n}.",
        "uk": "Збережено фото: {n}.",
    },
    "withdraw_title": {
        "pl": "Wycofaj ofertę",
        "en": "Withdraw the offering",
        "uk": "Відкликати пропозицію",
    },
    "withdraw_confirm": {
        "pl": "Tak, chcę zdjąć tę ofertę z mapy",
        "en": "Yes, take this offering off the map",
        "uk": "Так, зняти цю пропозицію з мапи",
    },
    "withdraw": {"pl": "Wycofaj", "en": "Withdraw", "uk": "Відкликати"},
    "withdrawn": {
        "pl": "Oferta została wycofana.",
        "en": "The offering has been withdrawn.",
        "uk": "Пропозицію відкликано.",
    },
    "lost_title": {
        "pl": "Nie mam linku",
        "en": "I do not have the link",
        "uk": "У мене немає посилання",
    },
    "lost_intro": {
        "pl": "Podaj adres e-mail, który wpisano w ofercie. Wyślemy na niego nowy link do "
        "każdej oferty z tym adresem; dotychczasowe linki przestaną działać.",
        "en": "Enter the e-mail address given in the offering. We send a new link to every "
        "offering with that address to it; the earlier links stop working.",
        "uk": "Вкажіть адресу e-mail, зазначену в пропозиції. Ми надішлемо на неї нове "
        "посилання до кожної пропозиції з цією адресою; попередні посилання перестануть діяти.",
    },
    "lost_email": {"pl": "Adres e-mail", "en": "E-mail address", "uk": "Адреса e-mail"},
    "lost_send": {"pl": "Wyślij nowy link", "en": "Send a new link", "uk": "Надіслати посилання"},
    "lost_done": {
        "pl": "Jeśli ten adres jest podany w którejś ofercie, za chwilę przyjdzie na niego "
        "wiadomość z nowym linkiem. Sprawdź też folder spam.",
        "en": "If this address is given in an offering, a message with a new link will "
        "arrive there shortly. Check the spam folder too.",
        "uk": "Якщо цю адресу вказано в якійсь пропозиції, незабаром на неї надійде лист із "
        "новим посиланням. Перевірте також папку «Спам».",
    },
    "lost_limited": {
        "pl": "Zbyt wiele próśb o link. Spróbuj ponownie za godzinę.",
        "en": "Too many link requests. Try again in an hour.",
        "uk": "Забагато запитів на посилання. Спробуйте знову за годину.",
    },
    "confirm_title": {
        "pl": "Czy oferta jest nadal aktualna?",
        "en": "Is the offering still correct?",
        "uk": "Чи пропозиція досі актуальна?",
    },
    "confirm_button": {
        "pl": "Tak, wszystko jest aktualne",
        "en": "Yes, everything is still correct",
        "uk": "Так, усе актуально",
    },
    "confirm_done": {
        "pl": "Dziękujemy! Potwierdziliśmy, że oferta jest aktualna.",
        "en": "Thank you! The offering is confirmed as still correct.",
        "uk": "Дякуємо! Актуальність пропозиції підтверджено.",
    },
    "resubmit_hint": {
        "pl": "Możesz ją poprawić i wysłać ponownie do sprawdzenia.",
        "en": "You can correct it and send it for review again.",
        "uk": "Ви можете виправити її та знову надіслати на перевірку.",
    },
}

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
    form.load_values(P, form.product_to_values(source), marker)
    form.prepare(P, partner_frame)
    edited, report, record = form.validate(P, lang, partner_frame, exclude_id=product.id)
    issues = form.issues_by_column(report)
    tried = bool(st.session_state.get("ed_tried"))
    st.subheader(tr("edit_title"), anchor=False)
    left, right = st.columns([1, 1], gap="large")
    with left:
        form.content_fields(P, lang, issues, tried)
        form.partner_fields(P, lang, partner_frame, issues, tried)
        form.detail_fields(P, lang, issues, tried)
        form.credit_fields(P, lang, issues, tried)
    with right:
        form.location_fields(P, lang, issues, tried)
        with st.container(border=True):
            st.caption(form.tr("preview", lang))
            form.preview(edited, record, lang, form.partner_label(P, partner_frame))
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
                st.markdown("- " + md_escape(form.issue_line(issue, lang)))
        if clicked and report.ok and edited is not None:
            edited.source = product.source
            if report.new_partners:
                # Saved directly, as on the submit page: not public until an offering of
                # theirs is published. Legal form, numbers and contact: form.validate.
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
            st.session_state.pop(form.k(P, "_loaded"), None)
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
        st.checkbox(form.tr("consent", lang), key="ed_photo_consent")
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
