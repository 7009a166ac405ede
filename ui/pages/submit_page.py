"""Partners add offerings without an account: one by the form, many by a spreadsheet.

Everything sent here is ``pending``: it reaches the public map only after staff approve it.
A form submission returns a private edit link (shown once; only its hash is stored).

A partner not yet in the registry is typed in with its sector, legal form, registry
numbers (NIP, REGON, KRS) and public contact, checked like a file's, and saved directly
with the offering, in the same transaction. It is not public by itself: the
partner directory lists only partners with a published offering (or cluster members), so
it appears when staff approve its first offering; staff can merge a duplicate partner in
the moderation page.
"""

from __future__ import annotations

import io
from dataclasses import replace
from urllib.parse import urlencode, urlsplit

import pandas as pd
import streamlit as st

from catalogue.cells import fold
from catalogue.columns import canonical_column
from catalogue.file_reading import DEFAULT_BUDGET, read_table, refusal_text
from catalogue.importing import import_records
from catalogue.photos import (
    ALLOWED_EXTENSIONS,
    MAX_BYTES,
    MAX_PHOTOS,
    PhotoError,
    delete_files,
    inspect_image,
    read_limited,
    store_photos,
)
from catalogue.taxonomy import Source, Status
from catalogue.template import write_template
from catalogue.validation.rows import validate_records
from fairkit.qr import qr_png
from publish import rebuild_in_background
from ui import choice, form_state, form_words, location_picker, mailer
from ui import product_form as form
from ui.i18n import load_strings, page_translator, translate
from ui.state import current_language, get_store, partners
from ui.text import md_escape

P = "sub"
BULK_MAX_ROWS = 300  # anonymous uploads; bigger catalogues go through the coordinator
# Reading stops well past the row limit (its own message below), never at 20,000 rows.
PUBLIC_BUDGET = replace(
    DEFAULT_BUDGET, max_rows=BULK_MAX_ROWS * 4, max_cells=BULK_MAX_ROWS * 4 * 64
)
SUBMITTED_BY = "partner-form"
EDIT_PAGE = "ui/pages/edit_page.py"
EDIT_URL_PATH = "moja-oferta"

S = load_strings("submit_page")

lang = current_language()
store = get_store()
rebuild_in_background(store)  # bulk files and submissions: refresh the static site


tr = page_translator(S, lang)


def edit_link(token: str) -> str:
    """The absolute edit link (relative if the page URL is unknown, e.g. in tests)."""
    query = urlencode({"token": token})
    url = st.context.url or ""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if path.endswith("/dodaj"):
        path = path[: -len("dodaj")] + EDIT_URL_PATH
    else:
        path = f"{path}/{EDIT_URL_PATH}"
    if parts.scheme and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}{path}?{query}"
    return f"{path}?{query}"


def start_again() -> None:
    form_state.clear_values(P)
    for key in ("sub_token", "sub_sent_name", "sub_photo_count"):
        st.session_state.pop(key, None)


def mark_tried() -> None:
    st.session_state["sub_tried"] = True


def token_box() -> None:
    token = st.session_state["sub_token"]
    st.success(
        tr("sent", name=md_escape(st.session_state.get("sub_sent_name", ""))),
        icon=":material/task_alt:",
    )
    link = edit_link(token)
    st.markdown(tr("link_intro"))
    st.code(link, language=None)
    if link.startswith("http"):
        st.image(qr_png(link, scale=4), width=180, alt=translate({}, "qr_alt", lang, url=link))
    st.page_link(
        EDIT_PAGE, label=tr("open_link"), icon=":material/edit_note:", query_params={"token": token}
    )
    if st.session_state.get("sub_photo_count"):
        st.caption(tr("photos_saved", n=st.session_state["sub_photo_count"]))
    st.button(tr("another"), key="sub_another", on_click=start_again, icon=":material/add:")


def photo_uploads() -> list:
    uploads = st.session_state.get("sub_photos") or []
    return list(uploads)


def check_uploads(uploads: list) -> list[PhotoError]:
    """Header checks of the chosen photos (no decoding), for immediate feedback."""
    errors = []
    if len(uploads) > MAX_PHOTOS:
        errors.append(PhotoError("too_many_photos", max=MAX_PHOTOS, existing=0, added=len(uploads)))
    for upload in uploads:
        try:
            inspect_image(read_limited(upload, upload.name), upload.name)
        except PhotoError as exc:
            errors.append(exc)
        finally:
            upload.seek(0)
    return errors


def send(product, report, partner_frame: pd.DataFrame) -> None:
    uploads = photo_uploads()
    stored, errors = store_photos([(u.name, u) for u in uploads])
    if errors:
        # Only decoding finds some damage (a cut-off JPEG has a valid header): show it
        # next to the uploader, where the header checks are shown.
        delete_files(stored)
        st.session_state["sub_photo_errors"] = [e.message(lang) for e in errors]
        st.rerun()
    # A new organisation comes with what the form checked: legal form (list and free text),
    # NIP, REGON, KRS, e-mail and phone (form_state.validate).
    new_partners = list(report.new_partners)
    for partner in new_partners:
        partner.source = Source.PARTNER_FORM.value
    product.source = Source.PARTNER_FORM.value
    try:
        token = store.submit_new(product, SUBMITTED_BY, partners=new_partners)
        # The photos carry the credit the partner gave the texts (author, licence, consent).
        store.add_photos(
            product.id,
            stored,
            actor=SUBMITTED_BY,
            author=product.text_author,
            licence=product.text_licence,
        )
    except BaseException:  # also a stop or rerun: no photo file without its row
        delete_files(stored)
        raise
    mailer.submitted(product, token, lang)
    start_again()
    st.session_state.update(
        sub_token=token, sub_sent_name=product.name_pl, sub_photo_count=len(stored)
    )
    st.rerun()


def single_form() -> None:
    partner_frame = partners()
    form_state.prepare(P, partner_frame)
    product, report, record = form_state.validate(P, lang, partner_frame)
    issues = form_words.issues_by_column(report)
    tried = bool(st.session_state.get("sub_tried"))
    left, right = st.columns([1, 1], gap="large")
    with left:
        form.left_column_fields(P, lang, partner_frame, issues, tried)
    with right:
        duplicates = [i for i in report.issues if i.code.startswith("likely_duplicate")]
        if duplicates:
            with st.container(border=True):
                st.warning(form_words.tr("duplicate_title", lang), icon=":material/content_copy:")
                for issue in duplicates:
                    st.markdown(md_escape(issue.detail(lang)))
                st.checkbox(tr("confirm_different"), key="sub_duplicate_ok")
        location_picker.location_fields(P, lang, issues, tried)
        st.file_uploader(
            tr("photos", max=MAX_PHOTOS),
            type=list(ALLOWED_EXTENSIONS),
            max_upload_size=MAX_BYTES // (1024 * 1024),  # refused in the browser already
            accept_multiple_files=True,
            key="sub_photos",
            help=tr("photos_help"),
        )
        for error in check_uploads(photo_uploads()):
            st.error(md_escape(error.message(lang)), icon=":material/broken_image:")
        for message in st.session_state.pop("sub_photo_errors", []):
            st.error(md_escape(message), icon=":material/broken_image:")
        with st.container(border=True):
            st.caption(form_words.tr("preview", lang))
            form.preview(product, record, lang, form_state.partner_label(P, partner_frame))
        other = [i for i in report.warnings if not i.code.startswith("likely_duplicate")]
        if other:
            with st.expander(form_words.tr("warnings_title", lang), icon=":material/warning:"):
                for issue in other:
                    st.markdown(md_escape(form_words.issue_line(issue, lang)))
        clicked = st.button(
            tr("send"), key="sub_send", type="primary", on_click=mark_tried, icon=":material/send:"
        )
        errors = report.errors
        if tried and errors:
            st.error(tr("fix_first", n=len(errors)), icon=":material/error:")
            for issue in errors:
                st.markdown("- " + md_escape(form_words.issue_line(issue, lang)))
        if not clicked or errors or product is None:
            return
        if duplicates and not st.session_state.get("sub_duplicate_ok"):
            st.error(tr("confirm_duplicate_first"), icon=":material/content_copy:")
            return
        if check_uploads(photo_uploads()):
            return
        send(product, report, partner_frame)


def issues_table(report) -> pd.DataFrame:
    return pd.DataFrame(
        {
            tr("col_where"): [i.location(lang) for i in report.issues],
            tr("col_kind"): [tr(i.severity) for i in report.issues],
            tr("col_message"): [i.detail(lang) for i in report.issues],
        }
    )


def similar_partner_choices(report, records: list[dict], header: list[str]) -> list[dict]:
    """Ask, for each new partner named like a known one, which to use; rows get the answer.

    Choosing the known partner puts its id into the file's partner cells (the validator
    matches partners by id or name), so no duplicate organisation is created.
    """
    similar: dict[str, tuple[str, str]] = {}
    for issue in report.issues:
        if issue.code == "partner_similar":
            similar.setdefault(
                str(issue.params["partner"]),
                (str(issue.params["existing_id"]), str(issue.params["existing"])),
            )
    if not similar:
        return records
    column = next((h for h in header if canonical_column(h) == "partner"), None)
    if column is None:
        return records
    st.warning(tr("similar_partners"), icon=":material/groups:")
    chosen: dict[str, str] = {}
    for n, (name, (existing_id, existing_name)) in enumerate(sorted(similar.items())):
        answer = choice.radio(
            tr("similar_partner", name=md_escape(name)),
            ["existing", "new"],
            key=f"sub_bulk_partner_{n}_{fold(name)}",
            format_func=lambda o, e=existing_name, m=name: (
                tr("use_existing", name=md_escape(e))
                if o == "existing"
                else tr("create_new", name=md_escape(m))
            ),
        )
        if answer == "existing":
            chosen[fold(name)] = existing_id
    return [
        {**r, column: chosen.get(fold(str(r.get(column) or "").strip()), r.get(column))}
        for r in records
    ]


def bulk_upload() -> None:
    st.markdown(tr("bulk_intro"))
    buffer = io.BytesIO()
    write_template(buffer)
    st.download_button(
        tr("template"),
        data=buffer.getvalue(),
        file_name="szablon-ofert.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="sub_template",
        icon=":material/download:",
    )
    if message := st.session_state.pop("sub_bulk_done", None):
        st.success(message, icon=":material/task_alt:")
    upload = st.file_uploader(tr("upload"), type=["xlsx", "csv"], key="sub_bulk_file")
    if upload is None:
        return
    try:
        records, header = read_table(upload.getvalue(), upload.name, budget=PUBLIC_BUDGET)
    except ValueError as exc:
        st.error(refusal_text(exc, lang), icon=":material/error:")
        return
    if any(canonical_column(h) == "id" for h in header):
        # Anonymous uploads must not update someone else's offering by its id.
        header = [h for h in header if canonical_column(h) != "id"]
        records = [{h: v for h, v in r.items() if canonical_column(h) != "id"} for r in records]
        st.info(tr("id_ignored"), icon=":material/info:")
    if len(records) > BULK_MAX_ROWS:
        st.error(tr("too_many_rows", n=len(records), max=BULK_MAX_ROWS), icon=":material/error:")
        return
    partner_frame = partners()
    existing = form_state.catalogue_products(every_status=True)
    known = partner_frame[["id", "name", "sector"]] if len(partner_frame) else None

    def check(rows: list[dict]):
        return validate_records(
            rows, existing, lang, header=header, partners=known, require_reachable=True
        )[1]

    report = check(records)
    records = similar_partner_choices(report, records, header)
    if any(i.code == "partner_similar" for i in report.issues):
        report = check(records)
    st.markdown(
        tr(
            "bulk_summary",
            valid=len(report.valid_rows),
            checked=len(report.checked_rows),
            errors=len(report.errors),
            warnings=len(report.warnings),
        )
    )
    if report.issues:
        st.dataframe(issues_table(report), hide_index=True, width="stretch", key="sub_bulk_report")
    if st.button(
        tr("bulk_send", n=len(report.valid_rows)),
        key="sub_bulk_send",
        type="primary",
        disabled=not report.valid_rows,
        icon=":material/send:",
    ):
        result = import_records(
            store,
            records,
            header,
            valid_only=True,
            status=Status.PENDING.value,
            actor="partner-upload",
            lang=lang,
            source=Source.IMPORT.value,
            require_reachable=True,
        )
        mailed = mailer.bulk_submitted(store, result.created_ids, lang)
        st.session_state["sub_bulk_done"] = (
            tr("bulk_sent", n=result.imported) + " " + mailer.links_sent_text(mailed, lang)
        )
        del st.session_state["sub_bulk_file"]
        st.rerun()


# -- page --------------------------------------------------------------------------------

st.title(tr("title"), anchor=False)
st.caption(tr("intro"))
tab_one, tab_many = st.tabs([tr("tab_form"), tr("tab_bulk")])
with tab_one:
    if st.session_state.get("sub_token"):
        token_box()
    else:
        single_form()
with tab_many:
    bulk_upload()
