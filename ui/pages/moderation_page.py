"""Staff moderation: the inbox of pending submissions and edits, stale entries, archiving,
the partner registry and the audit log.

Access is checked by :func:`ui.staff_auth.require_staff` at the top of every run, so every
button below runs only for a logged-in account that still exists with a staff role.
Everything partners typed is shown through ``md_escape`` or as table cells (plain text).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from catalogue.cells import months_to_text
from catalogue.locale_format import format_datetime
from catalogue.model import Partner
from catalogue.photos import ALLOWED_EXTENSIONS, MAX_BYTES, PhotoError, resolve, store_logo
from catalogue.review import (
    audit_csv,
    check_partner_fields,
    diff_fields,
    new_partner_id,
    stale_products,
)
from catalogue.rows import product_from_content
from catalogue.staff import staff_role
from catalogue.taxonomy import (
    LEGAL_FORM_BY_SLUG,
    Sector,
    Status,
    category_label,
    legal_form_label,
    sector_label,
)
from geodata import district_name, gminy_of_district, load_gminy, locate
from mapview.builder import build_base_map
from publish import rebuild_in_background
from ui import choice, form_state, form_values, form_words, location_picker, mailer
from ui import product_form as form
from ui.i18n import gmina_label, load_strings, page_translator, translate
from ui.staff_auth import require_staff
from ui.state import current_language, get_store, partners, published_products
from ui.text import md_escape

P = "moded"  # widget prefix of the "edit before approving" form
LOCAL_TIME = "Europe/Warsaw"
THUMB_WIDTH = 150
STALE_SHOWN = 50

S = load_strings("moderation_page")

FIELD_LABELS = {
    "id": {"pl": "Identyfikator", "en": "Id", "uk": "Ідентифікатор"},
    "name_pl": form_words.F["name"],
    "description_pl": form_words.F["description"],
    "name_en": form_words.F["name_en"],
    "description_en": form_words.F["description_en"],
    "name_uk": form_words.F["name_uk"],
    "description_uk": form_words.F["description_uk"],
    "category": form_words.F["category"],
    "lat": {"pl": "Szerokość", "en": "Latitude", "uk": "Широта"},
    "lon": {"pl": "Długość", "en": "Longitude", "uk": "Довгота"},
    "district_teryt": {"pl": "Powiat", "en": "District", "uk": "Повіт"},
    "gmina_teryt": form_words.F["gmina"],
    "partner_id": form_words.F["partner"],
    "source_note": form_words.F["source"],
    "source": {"pl": "Pochodzenie", "en": "Origin", "uk": "Походження"},
}

lang = current_language()
store = get_store()
GMINA_ROWS = {str(r.teryt): r for r in load_gminy().itertuples()}
rebuild_in_background(store)  # approvals, archiving, photos: refresh the static site


tr = page_translator(S, lang)


def field_label(name: str) -> str:
    if name in FIELD_LABELS:
        return FIELD_LABELS[name][lang]
    if name in form_words.F:
        return form_words.F[name][lang]
    return name


def show_value(name: str, value) -> str:
    """A field value as plain text for the difference table."""
    if value is None or value == "" or value == []:
        return tr("none_value")
    if name == "months":
        return months_to_text(value)
    if name == "category":
        try:
            return category_label(str(value), lang)
        except ValueError:
            return str(value)
    if name == "district_teryt":
        try:
            return district_name(str(value), lang)
        except ValueError:
            return str(value)
    if name == "gmina_teryt":
        row = GMINA_ROWS.get(str(value))
        return gmina_label(row, lang) if row is not None else str(value)
    if isinstance(value, bool):
        return form_words.tr("yes" if value else "no", lang)
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def when(value) -> str:
    """A stored time (UTC; naive from SQLite) as local time in Poland."""
    if value is None or pd.isna(value):
        return tr("never")
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    return format_datetime(stamp.tz_convert(LOCAL_TIME).to_pydatetime(), lang, "short")


def flash(message: str) -> None:
    st.session_state["mod_flash"] = message


# -- inbox --------------------------------------------------------------------------------


def bulk_approve(ids: list[int], user: str) -> None:
    done = 0
    for revision_id in ids:
        if not st.session_state.get(f"mod_pick_{revision_id}"):
            continue
        try:
            store.approve(revision_id, user)
            mailer.approved(store, revision_id)
            done += 1
        except LookupError:
            continue
        st.session_state.pop(f"mod_pick_{revision_id}", None)
    flash(tr("bulk_done", n=done))


def inbox(user: str, queue: pd.DataFrame) -> None:
    if queue.empty:
        st.success(tr("inbox_empty"), icon=":material/inbox:")
        return
    st.caption(tr("inbox_intro"))
    ids = [int(r) for r in queue["revision_id"]]
    labels = {}
    with st.container(border=True):
        for row in queue.itertuples():
            kind = tr(f"kind_{row.kind}") if row.kind in ("new", "edit") else str(row.kind)
            labels[int(row.revision_id)] = f"{row.name_pl} · {kind} · {when(row.submitted_at)}"
            st.checkbox(md_escape(labels[int(row.revision_id)]), key=f"mod_pick_{row.revision_id}")
        ticked = sum(bool(st.session_state.get(f"mod_pick_{i}")) for i in ids)
        st.button(
            tr("bulk_approve", n=ticked),
            key="mod_bulk_approve",
            on_click=bulk_approve,
            args=(ids, user),
            disabled=ticked == 0,
            icon=":material/done_all:",
        )
    if st.session_state.get("mod_current") not in ids:
        st.session_state["mod_current"] = ids[0]
    choice.selectbox(tr("current"), ids, key="mod_current", format_func=labels.__getitem__)
    review(int(st.session_state["mod_current"]), user)


def small_map(revision_id: int, after: dict, before: dict | None) -> None:
    lat, lon = float(after["lat"]), float(after["lon"])
    base = build_base_map(lang)
    points = folium.FeatureGroup(name="points", control=False)
    if before and (before.get("lat"), before.get("lon")) != (lat, lon):
        old = (float(before["lat"]), float(before["lon"]))
        folium.PolyLine([old, (lat, lon)], color="#555", weight=2, dash_array="4").add_to(points)
        folium.CircleMarker(old, radius=7, color="#555", fill=True, fill_opacity=0.5).add_to(points)
    folium.CircleMarker(
        (lat, lon),
        radius=9,
        color="#fff",
        weight=2,
        fill=True,
        fill_color="#c62828",
        fill_opacity=1,
    ).add_to(points)
    st_folium(
        base,
        key=f"mod_map_{revision_id}",
        feature_group_to_add=points,
        returned_objects=[],
        center=(lat, lon),
        zoom=13,
        height=320,
        use_container_width=True,
    )


def district_check(after: dict) -> None:
    try:
        location = locate(float(after["lat"]), float(after["lon"]))
    except (TypeError, ValueError):
        location = None
    stored = str(after.get("district_teryt") or "")
    if location is None:
        st.error(tr("district_outside"), icon=":material/wrong_location:")
        return
    if stored and location.teryt != stored:
        st.warning(
            tr(
                "district_mismatch",
                stored=district_name(stored, lang),
                located=district_name(location.teryt, lang),
            ),
            icon=":material/wrong_location:",
        )
        return
    gminy = {g["teryt"]: gmina_label(g, lang) for g in gminy_of_district(location.teryt)}
    gmina = gminy.get(str(after.get("gmina_teryt") or ""), tr("none_value"))
    st.success(
        tr("district_ok", district=district_name(location.teryt, lang), gmina=gmina),
        icon=":material/where_to_vote:",
    )


def photo_strip(product_id: str) -> None:
    rows = store.photos_for(product_id)
    st.markdown(f"**{tr('photos')}**")
    if not rows:
        st.caption(tr("no_photos"))
        return
    columns = st.columns(2)
    for i, row in enumerate(rows):
        try:
            columns[i % 2].image(
                str(resolve(row["thumb_path"])),
                width=THUMB_WIDTH,
                alt=translate({}, "photo_alt_plain", lang),
            )
        except (ValueError, OSError):
            columns[i % 2].caption("—")


def review(revision_id: int, user: str) -> None:
    revision = store.get_revision(revision_id)
    if revision is None or revision["state"] != "pending":
        st.info(tr("already_decided"), icon=":material/info:")
        return
    product = store.get_product(revision["product_id"])
    if product is None:
        st.info(tr("already_decided"), icon=":material/info:")
        return
    after = revision["data"]
    published = revision["kind"] == "edit" and product.status == Status.PUBLISHED.value
    before = product.content_dict() if published else None
    with st.container(border=True):
        st.subheader(md_escape(after.get("name_pl") or "…"), anchor=False)
        kind = tr(f"kind_{revision['kind']}") if revision["kind"] in ("new", "edit") else ""
        st.caption(
            md_escape(
                tr(
                    "submitted",
                    kind=kind,
                    at=when(revision["submitted_at"]),
                    who=revision["submitted_by"] or "—",
                )
            )
        )
        changes = diff_fields(before, after)
        st.markdown(f"**{tr('changes')}**")
        if changes:
            table = pd.DataFrame(
                {
                    tr("col_field"): [field_label(f) for f, _, _ in changes],
                    tr("col_before"): [show_value(f, b) for f, b, _ in changes],
                    tr("col_after"): [show_value(f, a) for f, _, a in changes],
                }
            )
            if before is None:
                table = table.drop(columns=tr("col_before"))
            st.dataframe(table, hide_index=True, width="stretch", key=f"mod_diff_{revision_id}")
        else:
            st.caption(tr("no_changes"))
        map_col, info_col = st.columns([3, 2], gap="medium")
        with map_col:
            small_map(revision_id, after, before)
        with info_col:
            district_check(after)
            photo_strip(product.id)
        decide(revision_id, revision, product, user)


def decide(revision_id: int, revision: dict, product, user: str) -> None:
    name = str(revision["data"].get("name_pl") or product.name_pl)
    approve_col, reject_col = st.columns(2, gap="large")
    with approve_col:
        if st.button(tr("approve"), key="mod_approve", type="primary", icon=":material/check:"):
            try:
                store.approve(revision_id, user)
                mailer.approved(store, revision_id)
                flash(tr("approved", name=name))
            except LookupError:
                flash(tr("already_decided"))
            st.rerun()
    with reject_col:
        st.text_area(tr("reason"), key="mod_reason", max_chars=2000, height=90)
        if st.button(tr("reject"), key="mod_reject", icon=":material/block:"):
            reason = str(st.session_state.get("mod_reason") or "").strip()
            if not reason:
                st.error(tr("reason_needed"), icon=":material/error:")
            else:
                try:
                    store.reject(revision_id, user, reason)
                    mailer.rejected(store, revision_id)
                    flash(tr("rejected", name=name))
                except LookupError:
                    flash(tr("already_decided"))
                st.session_state.pop("mod_reason", None)
                st.rerun()
    if st.toggle(tr("edit_toggle"), key="mod_edit_toggle"):
        edit_then_approve(revision_id, revision, product, user)


def edit_then_approve(revision_id: int, revision: dict, product, user: str) -> None:
    partner_frame = partners()
    draft = product_from_content(revision["data"])
    form_state.load_values(P, form_values.product_to_values(draft), revision_id)
    form_state.prepare(P, partner_frame)
    edited, report, _record = form_state.validate(
        P, lang, partner_frame, exclude_id=product.id, require_reachable=False
    )
    issues = form_words.issues_by_column(report)
    left, right = st.columns(2, gap="large")
    with left:
        form.content_fields(P, lang, issues, True)
        form.partner_fields(P, lang, partner_frame, issues, True)
    with right:
        location_picker.location_fields(P, lang, issues, True, height=300)
        form.detail_fields(P, lang, issues, True)
    if report.errors:
        st.error(tr("fix_first", n=len(report.errors)), icon=":material/error:")
    if st.button(
        tr("approve_edited"),
        key="mod_approve_edited",
        type="primary",
        disabled=not report.ok,
        icon=":material/edit_document:",
    ):
        if edited is None:
            return
        edited.source = product.source
        if report.new_partners:
            store.save_partners(report.new_partners, actor=user)
        try:
            store.approve(revision_id, user, edited=edited)
            mailer.approved(store, revision_id)
            flash(tr("approved", name=edited.name_pl))
        except LookupError:
            flash(tr("already_decided"))
        form_state.clear_values(P)
        st.session_state.pop("mod_edit_toggle", None)
        st.rerun()


# -- stale and published --------------------------------------------------------------------


def stale_tab(user: str, stale: pd.DataFrame) -> None:
    st.caption(tr("stale_intro"))
    if stale.empty:
        st.success(tr("stale_none"), icon=":material/verified:")
        return
    if len(stale) > STALE_SHOWN:
        st.caption(tr("stale_more", shown=STALE_SHOWN, n=len(stale)))
    asked = mailer.asked_records()
    for row in stale.head(STALE_SHOWN).itertuples():
        with st.container(border=True):
            text_col, keep_col, drop_col = st.columns([4, 1, 1], vertical_alignment="center")
            text_col.markdown(
                f"**{md_escape(row.name_pl)}** · {md_escape(row.partner_name or '—')}  \n"
                + tr("updated", at=when(row.updated_at))
                + f"  \n{md_escape(mailer.asked_line(asked.get(str(row.id)), lang, when))}"
            )
            if keep_col.button(tr("still_current"), key=f"mod_fresh_{row.id}"):
                store.confirm_current(str(row.id), user)
                flash(tr("confirmed"))
                st.rerun()
            if drop_col.button(tr("archive"), key=f"mod_stale_archive_{row.id}"):
                store.archive(str(row.id), user, note="stale")
                mailer.archived(store, row.id)
                flash(tr("archived", name=row.name_pl))
                st.rerun()


def published_tab(user: str) -> None:
    frame = published_products()
    names = dict(zip(frame["id"], frame["name_pl"], strict=True))
    choice.selectbox(
        tr("archive_pick"),
        sorted(names, key=lambda i: str(names[i]).casefold()),
        key="mod_archive_pick",
        index=None,
        placeholder=form_words.tr("choose", lang),
        format_func=lambda i: f"{names.get(i, i)} ({i})",
    )
    st.text_input(tr("archive_note"), key="mod_archive_note", max_chars=500)
    pick = st.session_state.get("mod_archive_pick")
    if st.button(
        tr("archive"), key="mod_archive", disabled=pick is None, icon=":material/archive:"
    ):
        try:
            store.archive(str(pick), user, note=str(st.session_state.get("mod_archive_note") or ""))
            mailer.archived(store, pick)
            flash(tr("archived", name=names.get(pick, pick)))
        except KeyError:
            pass
        st.session_state.pop("mod_archive_pick", None)
        st.session_state.pop("mod_archive_note", None)
        st.rerun()


# -- partners -------------------------------------------------------------------------------

NEW_PARTNER = ""
PARTNER_KEYS = (
    "name",
    "sector",
    "legal_form",
    "gmina_teryt",
    "website",
    "email",
    "phone",
    "member",
    "description_pl",
    "description_en",
    "description_uk",
)


# Legal identity fields of the registry form; the status is a stable key ("", "yes", "no").
IDENTITY_TEXT_KEYS = ("nip", "regon", "krs", "se_decision_number", "owes")
SE_STATUS: dict[str, bool | None] = {"": None, "yes": True, "no": False}


def load_identity(values: dict) -> None:
    """Put a partner's legal identity into the registry form's widgets."""
    for key in IDENTITY_TEXT_KEYS:
        value = values.get(key)
        st.session_state[f"mod_p_{key}"] = "" if value is None or pd.isna(value) else str(value)
    code = values.get("legal_form_code")
    st.session_state["mod_p_legal_form_code"] = code if code in LEGAL_FORM_BY_SLUG else ""
    flag = values.get("social_enterprise")
    st.session_state["mod_p_se_status"] = (
        "" if flag is None or pd.isna(flag) else ("yes" if bool(flag) else "no")
    )
    day = values.get("se_decision_date")
    st.session_state["mod_p_se_decision_date"] = (
        None if day is None or pd.isna(day) else pd.Timestamp(day).date()
    )


def identity_fields() -> None:
    """Legal form from the list, NIP/REGON/KRS and the social-enterprise listing."""
    with st.expander(tr("p_identity"), icon=":material/badge:"):
        choice.selectbox(
            tr("p_legal_form_code"),
            ["", *LEGAL_FORM_BY_SLUG],
            key="mod_p_legal_form_code",
            format_func=lambda c: legal_form_label(c, lang) if c else tr("none_value"),
        )
        for key, limit in (("nip", 20), ("regon", 20), ("krs", 20)):
            st.text_input(tr(f"p_{key}"), key=f"mod_p_{key}", max_chars=limit)
        choice.radio(
            tr("p_se_status"),
            list(SE_STATUS),
            key="mod_p_se_status",
            format_func=lambda v: tr({"": "se_unknown", "yes": "se_yes", "no": "se_no"}[v]),
            horizontal=True,
        )
        st.text_input(tr("p_se_decision_number"), key="mod_p_se_decision_number", max_chars=100)
        st.date_input(tr("p_se_decision_date"), key="mod_p_se_decision_date", format="DD.MM.YYYY")
        st.text_input(tr("p_owes"), key="mod_p_owes", max_chars=200)


def identity_values() -> dict:
    """The registry form's identity widgets as :func:`check_partner_fields` takes them."""
    values = {key: st.session_state.get(f"mod_p_{key}") or "" for key in IDENTITY_TEXT_KEYS}
    values["legal_form_code"] = st.session_state.get("mod_p_legal_form_code") or ""
    values["social_enterprise"] = SE_STATUS.get(st.session_state.get("mod_p_se_status") or "")
    values["se_decision_date"] = st.session_state.get("mod_p_se_decision_date")
    return values


def load_partner(pick: str, frame: pd.DataFrame) -> None:
    if st.session_state.get("mod_p_loaded") == pick:
        return
    row = frame[frame["id"] == pick]
    values = row.iloc[0].to_dict() if len(row) else {}
    load_identity(values)
    for key in PARTNER_KEYS:
        value = values.get(key)
        if key == "member":
            value = bool(value) if value is not None and not pd.isna(value) else False
        elif key == "sector":
            value = value if value in {s.value for s in Sector} else None
        else:
            value = "" if value is None or (isinstance(value, float) and pd.isna(value)) else value
        st.session_state[f"mod_p_{key}"] = value
    st.session_state["mod_p_logo_remove"] = False
    st.session_state["mod_p_loaded"] = pick


def partners_tab(user: str) -> None:
    frame = store.partners_frame()
    shown = frame[["name", "sector", "legal_form", "member", "published_count"]].copy()
    shown["sector"] = [sector_label(s, lang) if s else "" for s in shown["sector"]]
    shown.columns = [
        tr("p_name"),
        tr("p_sector"),
        tr("p_legal_form"),
        tr("p_member"),
        tr("col_offerings"),
    ]
    st.dataframe(shown, hide_index=True, width="stretch", key="mod_partner_table", height=240)
    names = dict(zip(frame["id"], frame["name"], strict=True))
    options = [NEW_PARTNER, *sorted(names, key=lambda i: str(names[i]).casefold())]
    if "mod_p_pick_next" in st.session_state:
        # Set by a save in the previous run, before this widget exists.
        st.session_state["mod_p_pick"] = st.session_state.pop("mod_p_pick_next")
    if st.session_state.get("mod_p_pick") not in options:
        st.session_state["mod_p_pick"] = NEW_PARTNER
    choice.selectbox(
        tr("partner_pick"),
        options,
        key="mod_p_pick",
        format_func=lambda i: tr("partner_new") if i == NEW_PARTNER else str(names.get(i, i)),
    )
    pick = st.session_state["mod_p_pick"]
    load_partner(pick, frame)
    gminy = load_gminy()
    gmina_names = {str(r.teryt): gmina_label(r, lang) for r in gminy.itertuples()}
    with st.container(border=True):
        left, right = st.columns(2, gap="large")
        with left:
            st.text_input(tr("p_name"), key="mod_p_name", max_chars=200)
            choice.selectbox(
                tr("p_sector"),
                [s.value for s in Sector],
                key="mod_p_sector",
                index=None,
                placeholder=form_words.tr("choose", lang),
                format_func=lambda s: sector_label(s, lang),
            )
            st.text_input(tr("p_legal_form"), key="mod_p_legal_form", max_chars=200)
            if st.session_state.get("mod_p_gmina_teryt") not in ("", *gmina_names):
                st.session_state["mod_p_gmina_teryt"] = ""
            choice.selectbox(
                tr("p_gmina"),
                ["", *gmina_names],
                key="mod_p_gmina_teryt",
                format_func=lambda g: gmina_names.get(g, tr("none_value")),
            )
            st.text_input(tr("p_website"), key="mod_p_website", max_chars=500)
            st.text_input(tr("p_email"), key="mod_p_email", max_chars=254)
            st.text_input(tr("p_phone"), key="mod_p_phone", max_chars=100)
            st.checkbox(tr("p_member"), key="mod_p_member")
            identity_fields()
        with right:
            for code in ("pl", "en", "uk"):
                st.text_area(
                    tr(f"p_description_{code}"), key=f"mod_p_description_{code}", max_chars=5000
                )
            current_logo = ""
            if pick != NEW_PARTNER:
                current_logo = str(frame[frame["id"] == pick].iloc[0].get("logo_path") or "")
            if current_logo:
                try:
                    st.image(
                        current_logo,
                        width=120,
                        alt=translate(
                            {}, "logo_alt", lang, name=frame[frame["id"] == pick].iloc[0]["name"]
                        ),
                    )
                except (OSError, ValueError, RuntimeError):
                    st.caption(md_escape(current_logo))
                st.checkbox(tr("p_logo_remove"), key="mod_p_logo_remove")
            generation = st.session_state.get("mod_p_logo_gen", 0)
            st.file_uploader(
                tr("p_logo"),
                type=list(ALLOWED_EXTENSIONS),
                key=f"mod_p_logo_{generation}",
                max_upload_size=MAX_BYTES // (1024 * 1024),  # refused in the browser already
            )
        if st.button(tr("p_save"), key="mod_p_save", type="primary", icon=":material/save:"):
            save_partner(user, pick, frame, current_logo, generation)


def save_partner(user: str, pick: str, frame: pd.DataFrame, logo: str, generation: int) -> None:
    raw = {key: st.session_state.get(f"mod_p_{key}") for key in PARTNER_KEYS}
    raw.update(identity_values())
    values, problems = check_partner_fields(raw, lang)
    upload = st.session_state.get(f"mod_p_logo_{generation}")
    logo_path = "" if st.session_state.get("mod_p_logo_remove") else logo
    if upload is not None and not problems:
        try:
            logo_path = str(store_logo(upload, upload.name))
        except PhotoError as exc:
            problems["logo"] = exc.message(lang)
    if problems:
        # Nothing is saved: each message names its field; what was typed stays in the form.
        for key, message in problems.items():
            label = tr(f"p_{key}") if f"p_{key}" in S else ""
            text = f"{label}: {message}" if label else message
            st.error(md_escape(text), icon=":material/error:")
        return
    partner_id = pick or new_partner_id(values["name"], frame["id"])
    edited = dict(
        name=values["name"],
        sector=values["sector"],
        legal_form=values["legal_form"],
        gmina_teryt=values.get("gmina_teryt") or "",
        website=values["website"],
        email=values["email"],
        phone=values["phone"],
        member=bool(values.get("member")),
        description_pl=values["description_pl"],
        description_en=values["description_en"],
        description_uk=values["description_uk"],
        logo_path=logo_path,
        **{key: values[key] for key in (*IDENTITY_TEXT_KEYS, "legal_form_code")},
        social_enterprise=values["social_enterprise"],
        se_decision_date=values["se_decision_date"],
    )
    current = store.get_partner(pick) if pick != NEW_PARTNER else None
    if current is None:
        partner = Partner(id=partner_id, source="staff", **edited)
    else:
        # Fields this form does not show (the source, the creation time) keep their values.
        partner = replace(current, source=current.source or "staff", **edited)
    store.save_partners([partner], actor=user)
    st.session_state["mod_p_logo_gen"] = generation + 1
    st.session_state["mod_p_pick_next"] = partner_id
    st.session_state.pop("mod_p_loaded", None)
    flash(tr("p_saved", name=partner.name))
    st.rerun()


def merge_section(user: str, role: str) -> None:
    st.subheader(tr("merge_title"), anchor=False)
    st.caption(tr("merge_intro"))
    # Every staff role may merge (the audit log records who did it): duplicates from
    # uploads are the moderators' daily work.
    frame = store.partners_frame()
    names = dict(zip(frame["id"], frame["name"], strict=True))
    ordered = sorted(names, key=lambda i: str(names[i]).casefold())
    label = lambda i: f"{names.get(i, i)} ({i})"  # noqa: E731 - a one-line format function
    a_col, b_col = st.columns(2)
    choice.selectbox(
        tr("merge_from"), ordered, key="mod_merge_from", index=None, format_func=label, where=a_col
    )
    choice.selectbox(
        tr("merge_into"), ordered, key="mod_merge_into", index=None, format_func=label, where=b_col
    )
    st.checkbox(tr("merge_confirm"), key="mod_merge_confirm")
    source, target = st.session_state.get("mod_merge_from"), st.session_state.get("mod_merge_into")
    ready = bool(
        source and target and source != target and st.session_state.get("mod_merge_confirm")
    )
    if st.button(tr("merge"), key="mod_merge", disabled=not ready, icon=":material/merge:"):
        moved = store.merge_partners(str(source), str(target), user)
        for key in ("mod_merge_from", "mod_merge_into", "mod_merge_confirm", "mod_p_loaded"):
            st.session_state.pop(key, None)
        flash(tr("merged", n=len(moved)))
        st.rerun()


# -- audit ----------------------------------------------------------------------------------


def audit_tab() -> None:
    frame = store.audit_frame(limit=2000)
    st.caption(tr("audit_intro", n=len(frame)))
    st.download_button(
        tr("audit_csv"),
        # Polish staff get what Polish Excel opens in columns (";", decimal comma).
        data=audit_csv(frame, "excel-pl" if lang == "pl" else "standard"),
        file_name="dziennik-zmian.csv",
        mime="text/csv",
        key="mod_audit_csv",
        icon=":material/download:",
    )
    # The screen shows a readable digest; the CSV keeps the full before/after JSON.
    shown = pd.DataFrame(
        {
            tr("col_when"): [when(v) for v in frame["at"]],
            tr("col_actor"): frame["actor"].astype(str),
            tr("col_action"): frame["action"].astype(str),
            tr("col_object"): (frame["object_type"] + " " + frame["object_id"]).astype(str),
            tr("col_note"): frame["note"].fillna("").astype(str),
            tr("col_after"): [_digest(v) for v in frame["after"]],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch", key="mod_audit_table", height=420)


def _digest(value, limit: int = 160) -> str:
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- page ---------------------------------------------------------------------------------

st.title(tr("title"), anchor=False)
user = require_staff(lang)
if user is None:
    st.stop()
role = staff_role(store, user) or ""
if message := st.session_state.pop("mod_flash", None):
    st.success(md_escape(message), icon=":material/task_alt:")
queue = store.moderation_queue()
# The cached published frame (per catalogue version) keeps updated_at and status.
stale = stale_products(published_products())
tab_inbox, tab_stale, tab_published, tab_partners, tab_audit = st.tabs(
    [
        tr("tab_inbox", n=len(queue)),
        tr("tab_stale", n=len(stale)),
        tr("tab_published"),
        tr("tab_partners"),
        tr("tab_audit"),
    ]
)
with tab_inbox:
    inbox(user, queue)
with tab_stale:
    stale_tab(user, stale)
with tab_published:
    published_tab(user)
with tab_partners:
    partners_tab(user)
    merge_section(user, role)
with tab_audit:
    audit_tab()
    mailer.staff_section(lang, when)
