"""The tourist map: filters, the map, a results list and the details of one product."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from catalogue.columns import LINK_FIELDS, link_label
from catalogue.events import calendar_bytes
from catalogue.filters import (
    SORT_ORDERS,
    WHEELCHAIR_FILTER_LABELS,
    WHEELCHAIR_FILTERS,
    ProductFilter,
    apply_filter,
    local_now,
    nearby_products,
    query_point,
    sort_products,
    wheelchair_filter_value,
)
from catalogue.locale_format import format_date, format_distance_km, price_for_reader
from catalogue.localise import field_with_flag
from catalogue.model import ACCESS_FACTS, months_from_mask
from catalogue.opening_hours import describe, is_open_at
from catalogue.photos import resolve as resolve_photo
from catalogue.taxonomy import (
    ACCESS_LABELS,
    BADGE_BY_SLUG,
    BADGES,
    CATEGORIES,
    DETAIL_LABELS,
    SECTOR_EXPLANATIONS,
    Sector,
    category_label,
    credit_line,
    sector_label,
    wheelchair_label,
)
from fairkit.qr import qr_png
from geodata import DISTRICT_TERYTS, REGION_BOUNDS, district_name
from mapview.builder import render_product_map
from mapview.tiles import basemap_label, load_tile_config
from ui import choice
from ui.i18n import gmina_label, load_strings, month_name, page_translator, t
from ui.map_component import MAP_IFRAME_SELECTOR, st_folium
from ui.state import (
    app_base_url,
    current_language,
    get_store,
    published_products,
    shared_calendar,
    shared_markers,
    shared_results,
)
from ui.state import gminy as shared_gminy
from ui.text import md_escape, md_link, safe_url
from ui.trip_state import add_to_trip, in_trip, remove_from_trip, trip_ids

S = {
    **load_strings("map_page"),
    **ACCESS_LABELS,
    **DETAIL_LABELS,
}
for _flag in ("wheelchair", "family", "pets", *ACCESS_FACTS):
    S[f"acc_{_flag}"] = S[_flag]

FILTER_DEFAULTS: dict[str, object] = {
    "f_q": "",
    "f_cat": [],
    "f_district": [],
    "f_gmina": [],
    "f_sector": [],
    "f_month": None,
    "f_from": None,
    "f_to": None,
    "f_free": False,
    "f_wheelchair": "",
    "f_family": False,
    "f_pets": False,
    **{f"f_{fact}": False for fact in ACCESS_FACTS},
    **{f"f_badge_{badge.slug}": False for badge in BADGES},
    "f_weekend": False,
    "f_30days": False,
    "f_open_now": False,
    "f_open_on": None,
}

lang = current_language()
# The base maps the operator configured (mapview.tiles); a stale choice falls back to the default.
TILES = load_tile_config()
if st.session_state.get("basemap") not in (None, *TILES.basemaps):
    del st.session_state["basemap"]


tr = page_translator(S, lang)


def reset_filters() -> None:
    for key, value in FILTER_DEFAULTS.items():
        st.session_state[key] = list(value) if isinstance(value, list) else value


def apply_url(frame: pd.DataFrame) -> None:
    """Load filters and the selected product from a URL this page did not write itself.

    That is a shared link or QR code, or a link from another page; an empty query string
    (plain navigation) keeps the session's filters.
    """
    params = {k: st.query_params.get(k) for k in st.query_params}
    first_run = not st.session_state.get("_url_applied")
    st.session_state["_url_applied"] = True
    if not first_run and (not params or params == st.session_state.get("_map_params")):
        return
    flt = ProductFilter.from_query_params(params)
    st.session_state.update(
        f_q=flt.text,
        f_cat=list(flt.categories),
        f_district=list(flt.districts),
        f_gmina=list(flt.gminy),
        f_sector=list(flt.sectors),
        f_month=flt.month,
        f_from=flt.date_from,
        f_to=flt.date_to,
        f_free=flt.free_only,
        f_wheelchair=flt.wheelchair,
        f_family=flt.family,
        f_pets=flt.pets,
        **{f"f_{fact}": fact in flt.access for fact in ACCESS_FACTS},
        **{f"f_badge_{b.slug}": b.slug in flt.badges for b in BADGES},
        f_weekend=flt.upcoming == "weekend",
        f_30days=flt.upcoming == "30days",
        f_open_now=flt.open_now,
        f_open_on=flt.open_on,
    )
    product = params.get("product")
    st.session_state["product"] = product if product and product in set(frame["id"]) else None
    if params.get("sort") in SORT_ORDERS:
        st.session_state["sort"] = params["sort"]
    if (near := query_point(params.get("near"))) is not None:
        st.session_state["origin"] = near
    if params.get("basemap") in TILES.basemaps:
        st.session_state["basemap"] = params["basemap"]


def sidebar_filters() -> ProductFilter:
    gminy = shared_gminy()
    with st.sidebar:
        st.subheader(tr("filters"))
        choice.multiselect(
            tr("categories"),
            [c.slug for c in CATEGORIES],
            key="f_cat",
            placeholder=t("choose", lang),
            format_func=lambda slug: category_label(slug, lang),
        )
        choice.multiselect(
            tr("districts"),
            list(DISTRICT_TERYTS),
            key="f_district",
            placeholder=t("choose", lang),
            format_func=lambda teryt: district_name(teryt, lang),
        )
        chosen = st.session_state.get("f_district") or list(DISTRICT_TERYTS)
        gmina_rows = gminy[gminy["powiat_teryt"].isin(chosen)]
        gmina_names = {row.teryt: gmina_label(row, lang) for row in gmina_rows.itertuples()}
        st.session_state["f_gmina"] = [
            g for g in st.session_state.get("f_gmina", []) if g in gmina_names
        ]
        choice.multiselect(
            tr("gminy"),
            list(gmina_names),
            key="f_gmina",
            format_func=gmina_names.__getitem__,
            placeholder=t("choose", lang),
        )
        choice.multiselect(
            tr("sectors"),
            [s.value for s in Sector],
            key="f_sector",
            placeholder=t("choose", lang),
            format_func=lambda s: ("★ " if s == "social_economy" else "") + sector_label(s, lang),
        )
        choice.selectbox(
            tr("month"),
            [None, *range(1, 13)],
            key="f_month",
            placeholder=tr("any"),
            format_func=lambda m: tr("any") if m is None else month_name(m, lang),
        )
        c1, c2 = st.columns(2)
        c1.date_input(tr("date_from"), key="f_from", format="DD.MM.YYYY")
        c2.date_input(tr("date_to"), key="f_to", format="DD.MM.YYYY")
        st.checkbox(tr("weekend"), key="f_weekend")
        st.checkbox(tr("30days"), key="f_30days")
        st.checkbox(tr("open_now"), key="f_open_now", help=tr("open_help"))
        # A date input left without state would show (and filter by) today: the state is
        # dropped while another page is open, so "not set" is restored explicitly.
        st.session_state.setdefault("f_open_on", None)
        st.date_input(tr("open_on"), key="f_open_on", format="DD.MM.YYYY", help=tr("open_help"))
        st.checkbox(tr("free"), key="f_free")
        choice.selectbox(
            tr("wheelchair_filter"),
            list(WHEELCHAIR_FILTERS),
            key="f_wheelchair",
            format_func=lambda v: WHEELCHAIR_FILTER_LABELS[v][lang],
        )
        st.checkbox(tr("family"), key="f_family")
        st.checkbox(tr("pets"), key="f_pets")
        with st.expander(tr("more_access")):
            for fact in ACCESS_FACTS:
                st.checkbox(tr(fact), key=f"f_{fact}")
        with st.expander(tr("badges")):
            for badge in BADGES:
                st.checkbox(badge.label(lang), key=f"f_badge_{badge.slug}")
        st.button(tr("reset"), key="f_reset", on_click=reset_filters, icon=":material/restart_alt:")
        st.divider()
        choice.radio(
            tr("basemap"),
            list(TILES.basemaps),
            key="basemap",
            format_func=lambda b: basemap_label(b, lang),
            horizontal=True,
        )
    date_from, date_to = st.session_state.get("f_from"), st.session_state.get("f_to")
    if date_from and date_to and date_to < date_from:
        date_from, date_to = date_to, date_from
    return ProductFilter(
        categories=tuple(st.session_state.get("f_cat", [])),
        districts=tuple(st.session_state.get("f_district", [])),
        gminy=tuple(st.session_state.get("f_gmina", [])),
        sectors=tuple(st.session_state.get("f_sector", [])),
        month=st.session_state.get("f_month"),
        date_from=date_from,
        date_to=date_to,
        free_only=bool(st.session_state.get("f_free")),
        wheelchair=wheelchair_filter_value(st.session_state.get("f_wheelchair")),
        family=bool(st.session_state.get("f_family")),
        pets=bool(st.session_state.get("f_pets")),
        access=tuple(f for f in ACCESS_FACTS if st.session_state.get(f"f_{f}")),
        badges=tuple(b.slug for b in BADGES if st.session_state.get(f"f_badge_{b.slug}")),
        upcoming="30days"
        if st.session_state.get("f_30days")
        else ("weekend" if st.session_state.get("f_weekend") else None),
        open_now=bool(st.session_state.get("f_open_now")),
        open_on=st.session_state.get("f_open_on"),
        text=st.session_state.get("f_q", ""),
    )


def display_name(row: pd.Series) -> tuple[str, bool]:
    return field_with_flag(row, "name", lang)


def share_params(flt: ProductFilter) -> dict[str, str]:
    params = flt.to_query_params()
    if st.session_state.get("product"):
        params["product"] = st.session_state["product"]
    if lang != "pl":
        params["lang"] = lang
    if st.session_state.get("sort", "name") != "name":
        params["sort"] = st.session_state["sort"]
    origin = st.session_state.get("origin")
    if origin and st.session_state.get("sort") == "distance":
        params["near"] = f"{origin[0]:.5f},{origin[1]:.5f}"
    if st.session_state.get("basemap", TILES.default) != TILES.default:
        params["basemap"] = st.session_state["basemap"]
    return params


def handle_map_event(event: dict | None, shown: pd.DataFrame) -> bool:
    """Select a clicked marker or take a clicked point as origin; True if state changed."""
    if not event:
        return False
    changed = False
    click = event.get("last_object_clicked")
    stamp = (event.get("last_object_clicked_count"), str(click))
    if click and stamp != st.session_state.get("_last_marker_click"):
        st.session_state["_last_marker_click"] = stamp
        product_id = product_at(
            shown, click.get("lat"), click.get("lng"), event.get("last_object_clicked_tooltip")
        )
        if product_id and product_id != st.session_state.get("product"):
            st.session_state["product"] = product_id
            changed = True
    point = event.get("last_clicked")
    if point and str(point) != st.session_state.get("_last_map_click"):
        st.session_state["_last_map_click"] = str(point)
        st.session_state["origin"] = (float(point["lat"]), float(point["lng"]))
        changed = True
    return changed


def queue_map_event() -> None:
    """The map's ``on_change``: keep its new value for this run, which applies it before the
    map and the list are drawn (one run per click, no second ``st.rerun``)."""
    st.session_state["_map_event"] = st.session_state.get("product_map")


def product_at(shown: pd.DataFrame, lat, lon, tooltip: str | None) -> str | None:
    """The product whose marker is at (``lat``, ``lon``); the tooltip name breaks ties."""
    if lat is None or lon is None or shown.empty:
        return None
    hits = shown[((shown["lat"] - lat).abs() < 1e-6) & ((shown["lon"] - lon).abs() < 1e-6)]
    if len(hits) > 1 and tooltip:
        named = hits[[display_name(r)[0] == tooltip for _, r in hits.iterrows()]]
        hits = named if len(named) else hits
    return str(hits.iloc[0]["id"]) if len(hits) else None


def select_product(product_id: str | None) -> None:
    st.session_state["product"] = product_id


PAGE_SIZE = 12

JUMP_TO_RESULTS = """<script>
(function(mapFrame){
  var close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (close && window.innerWidth < 768) { close.click(); }
  setTimeout(function(){
    var map = document.querySelector(mapFrame);
    if (!map) { return; }
    // Below the fixed top bar, which would cover the map's zoom buttons.
    var bar = document.querySelector('[data-testid="stHeader"]');
    map.style.scrollMarginTop = ((bar ? bar.getBoundingClientRect().bottom : 0) + 8) + "px";
    map.scrollIntoView({block: "start", behavior: "smooth"});
  }, 350);
})(MAP_FRAME);
</script>""".replace("MAP_FRAME", json.dumps(MAP_IFRAME_SELECTOR))


def change_list_page(step: int) -> None:
    st.session_state["list_page"] = max(0, st.session_state.get("list_page", 0) + step)


def results_list(shown: pd.DataFrame) -> None:
    """The filtered products as buttons (accessible, readable by screen readers), paged."""
    st.caption(tr("list_help"))
    pages = max(1, -(-len(shown) // PAGE_SIZE))
    page_no = min(st.session_state.get("list_page", 0), pages - 1)
    st.session_state["list_page"] = page_no
    chunk = shown.iloc[page_no * PAGE_SIZE : (page_no + 1) * PAGE_SIZE]
    for _, row in chunk.iterrows():
        star = "★ " if row["partner_sector"] == "social_economy" else ""
        place = district_name(row["district_teryt"], lang) if row["district_teryt"] else ""
        distance = (
            f" · {format_distance_km(row['distance_km'], lang)}" if "distance_km" in row else ""
        )
        label = f"{star}{display_name(row)[0]} · {category_label(row['category'], lang)} · {place}{distance}"
        st.button(
            md_escape(label),
            key=f"pick_{row['id']}",
            on_click=select_product,
            args=(str(row["id"]),),
            width="stretch",
        )
    if pages > 1:
        prev, info, nxt = st.columns([1, 2, 1], vertical_alignment="center")
        prev.button(
            "‹",
            key="list_prev",
            on_click=change_list_page,
            args=(-1,),
            disabled=page_no == 0,
            width="stretch",
        )
        info.caption(tr("page", n=page_no + 1, total=pages))
        nxt.button(
            "›",
            key="list_next",
            on_click=change_list_page,
            args=(1,),
            disabled=page_no >= pages - 1,
            width="stretch",
        )


def details_panel(row: pd.Series, everything: pd.DataFrame, share_url: str) -> None:
    name, name_fallback = display_name(row)
    st.subheader(md_escape(name), anchor=False)
    cat = category_label(row["category"], lang)
    district = district_name(row["district_teryt"], lang) if row["district_teryt"] else ""
    st.markdown(f"**{md_escape(cat)}** · {md_escape(district)}")
    photos = product_photos(str(row["id"]))
    if photos:
        paths = [path for path, _credit in photos]
        st.image(paths[0], width="stretch", alt=t("photo_alt", lang, name=name))
        if len(paths) > 1:
            st.image(paths[1:], width=96, alt=[t("photo_alt", lang, name=name)] * (len(paths) - 1))
        credits = list(dict.fromkeys(credit for _path, credit in photos if credit))
        if credits:
            st.caption(md_escape(" · ".join(credits)))
    description, fallback = field_with_flag(row, "description", lang)
    if description:
        st.markdown(md_escape(description))
        text_credit = credit_line(
            "text", str(row.get("text_author") or ""), str(row.get("text_licence") or ""), lang
        )
        if text_credit:
            st.caption(md_escape(text_credit))
    if (fallback or name_fallback) and tr("fallback"):
        st.caption(tr("fallback"))

    partner_name = str(row.get("partner_name") or "")
    sector = str(row.get("partner_sector") or "")
    if partner_name:
        badge = ""
        if sector:
            badge = f" · {'★ ' if sector == 'social_economy' else ''}{md_escape(sector_label(sector, lang))}"
        st.markdown(f"**{tr('partner')}:** {md_escape(partner_name)}{badge}")
        if sector == "social_economy":
            st.caption(SECTOR_EXPLANATIONS["social_economy"][lang])
        if row.get("partner_id"):
            st.page_link(
                "ui/pages/partners_page.py",
                label=tr("partner_profile"),
                icon=":material/groups:",
                query_params={"partner": str(row["partner_id"])},
            )
    facts = []
    if row.get("address"):
        facts.append(f"**{tr('address')}:** {md_escape(row['address'])}")
    contact = []
    if safe_url(row.get("website")):
        contact.append(md_link(tr("website"), row["website"]))
    for name in LINK_FIELDS:
        if safe_url(row.get(name)):
            contact.append(md_link(link_label(name, lang), row[name]))
    if row.get("email"):
        contact.append(md_escape(row["email"]))
    if row.get("phone"):
        contact.append(md_escape(row["phone"]))
    if contact:
        facts.append(f"**{tr('contact')}:** " + " · ".join(contact))
    price = price_for_reader(str(row.get("price") or ""), row.get("free") is True, lang)
    if price:
        facts.append(f"**{tr('price')}:** {md_escape(price)}")
    facts.append(f"**{tr('availability')}:** {md_escape(availability_text(row))}")
    if row.get("event_time"):
        facts.append(f"**{tr('event_time')}:** {md_escape(str(row['event_time']))}")
    rule = str(row.get("opening_hours") or "")
    if rule:
        state = is_open_at(rule, local_now())
        now_text = "" if state is None else f" ({tr('is_open' if state else 'is_closed')})"
        facts.append(f"**{tr('opening_hours')}:** {md_escape(describe(rule, lang))}{now_text}")
    wheelchair = str(row.get("wheelchair") or "")
    access = [wheelchair_label(wheelchair, lang)] if wheelchair else []
    access += [tr(f"acc_{f}") for f in ("family", "pets", *ACCESS_FACTS) if row.get(f) is True]
    if access:
        facts.append(f"**{tr('accessibility')}:** " + ", ".join(access))
    held = [BADGE_BY_SLUG[b] for b in str(row.get("badges") or "").split(";") if b in BADGE_BY_SLUG]
    if held:
        facts.append(
            f"**{tr('badges')}:** " + ", ".join(md_link(b.label(lang), b.source) for b in held)
        )
    if row.get("languages"):
        facts.append(
            f"**{tr('languages')}:** {md_escape(str(row['languages']).replace(';', ', '))}"
        )
    if row.get("tags"):
        facts.append(f"**{tr('tags')}:** {md_escape(str(row['tags']).replace(';', ', '))}")
    st.markdown("  \n".join(facts))
    lat, lon = float(row["lat"]), float(row["lon"])
    osm = f"https://www.openstreetmap.org/directions?route=%3B{lat:.6f}%2C{lon:.6f}#map=15/{lat:.5f}/{lon:.5f}"
    google = f"https://www.google.com/maps/dir/?api=1&destination={lat:.6f},{lon:.6f}"
    st.markdown(f"**{tr('directions')}:** [OpenStreetMap]({osm}) · [Google Maps]({google})")

    st.markdown(f"**{tr('nearby')}**")
    near = nearby_products(everything, lat, lon, 5.0, exclude_id=str(row["id"])).head(8)
    if near.empty:
        st.caption(tr("nothing_nearby"))
    for _, other in near.iterrows():
        st.button(
            md_escape(
                f"{display_name(other)[0]} · {format_distance_km(other['distance_km'], lang)}"
            ),
            key=f"near_{other['id']}",
            on_click=select_product,
            args=(str(other["id"]),),
            width="stretch",
        )
    pid = str(row["id"])
    if in_trip(pid):
        st.button(
            tr("trip_remove"),
            key="trip_toggle",
            on_click=remove_from_trip,
            args=(pid,),
            icon=":material/remove_circle:",
        )
    else:
        st.button(
            tr("trip_add"),
            key="trip_toggle",
            on_click=add_to_trip,
            args=(pid,),
            icon=":material/add_circle:",
            type="primary",
        )
    with st.expander(tr("share"), icon=":material/share:"):
        st.code(share_url, language=None)
        st.image(qr_png(share_url, scale=4), width=160, alt=t("qr_alt", lang, url=share_url))
    if pd.notna(row.get("event_start")):
        st.download_button(
            tr("ics_one"),
            calendar_bytes([row.to_dict()], share_url.split("?")[0]),
            file_name=f"{row['id']}.ics",
            mime="text/calendar",
            key="ics_one",
            icon=":material/event:",
        )
    st.button(tr("close"), key="close_details", on_click=select_product, args=(None,))


def product_photos(product_id: str) -> list[tuple[str, str]]:
    """(path, credit line) of a product's checked photos that exist on disk (re-encoded,
    EXIF-free); the credit is "" where neither author nor licence is known."""
    found = []
    for photo in get_store().photos_for(product_id, reviewed_only=True):
        try:
            path = resolve_photo(photo["path"])
        except ValueError:
            continue
        if path.is_file():
            credit = credit_line(
                "photo", str(photo.get("author") or ""), str(photo.get("licence") or ""), lang
            )
            found.append((str(path), credit))
    return found


def availability_text(row: pd.Series) -> str:
    start, end = row.get("event_start"), row.get("event_end")
    if pd.notna(start) or pd.notna(end):
        parts = [format_date(pd.Timestamp(d).date(), lang) for d in (start, end) if pd.notna(d)]
        return " – ".join(dict.fromkeys(parts))
    months = months_from_mask(int(row.get("months_mask") or 0))
    if not months:
        return tr("not_stated")
    if len(months) == 12:
        return tr("all_year")
    return ", ".join(month_name(m, lang) for m in months)


# -- page --------------------------------------------------------------------------------

everything = published_products()
apply_url(everything)
flt = sidebar_filters()

st.title(t("app_title", lang), anchor=False)
# Folded, so that on a phone the first screen is the search box, the count and the map.
with st.expander(tr("about"), icon=":material/info:"):
    st.caption(f"{tr('intro')}  \n{t('sample_note', lang)}")

map_event = st.session_state.pop("_map_event", None)
if map_event:
    handle_map_event(map_event, apply_filter(everything, flt))
sort_options = list(SORT_ORDERS)
sort_order = st.session_state.get("sort", "name")
origin = st.session_state.get("origin") if sort_order == "distance" else None
# Results that depend on neither the clock nor a point are shared by every session.
shared = sort_order != "distance" and not flt.upcoming and not flt.open_now
if shared:
    shown = shared_results(flt, sort_order, lang)
else:
    shown = sort_products(
        apply_filter(everything, flt),
        "name" if sort_order == "distance" and origin is None else sort_order,
        origin,
        lang,
        query=flt.text,
    )
selected_id = st.session_state.get("product")
if selected_id and selected_id not in set(everything["id"]):
    selected_id = st.session_state["product"] = None

search_col, sort_col = st.columns([3, 2], vertical_alignment="bottom")
search_col.text_input(tr("search"), key="f_q", help=tr("search_help"), max_chars=200)
st.markdown(tr("results", n=len(shown), total=len(everything)))
with st.sidebar:
    # The filters sit in a drawer on a phone: say what they give and lead back to it.
    st.markdown(tr("results", n=len(shown), total=len(everything)))
    if st.button(
        tr("show_results", n=len(shown)),
        key="f_show_results",
        type="primary",
        icon=":material/list:",
        width="stretch",
    ):
        st.session_state["_jump_to_results"] = True
choice.selectbox(
    tr("sort"), sort_options, key="sort", format_func=lambda o: tr(f"sort_{o}"), where=sort_col
)
if sort_order == "distance":
    if origin is None:
        st.info(tr("pick_origin"), icon=":material/touch_app:")
    else:
        st.caption(tr("origin", lat=origin[0], lon=origin[1]))

stops = trip_ids()
map_col, side_col = st.columns([3, 2], gap="medium")
with map_col:
    product_map = render_product_map(
        shown,
        lang=lang,
        basemap=st.session_state.get("basemap", TILES.default),
        tiles=TILES,
        selected_id=selected_id,
        trip_ids=stops,
        markers=shared_markers(flt, sort_order, lang)
        if shared and not (selected_id or stops)
        else None,
        legend_title=tr("legend"),
        social_economy_label="★ " + sector_label("social_economy", lang),
        fit_to_results=not selected_id,
        # With no filter the whole region is the natural view, not the markers' bounds.
        fit_bounds=[list(REGION_BOUNDS[0]), list(REGION_BOUNDS[1])] if flt.is_empty() else None,
    )
    returned = ["last_object_clicked", "last_object_clicked_count", "last_object_clicked_tooltip"]
    if sort_order == "distance":
        returned.append("last_clicked")
    st_folium(
        product_map.base,
        key="product_map",
        feature_group_to_add=product_map.products,
        returned_objects=returned,
        height=560,
        use_container_width=True,
        on_change=queue_map_event,
    )
    if shown.empty:
        st.warning(tr("no_results"), icon=":material/filter_alt_off:")

if st.session_state.pop("_jump_to_results", False):
    # Static script (no catalogue text): close the phone's filter drawer, show the results.
    st.html(JUMP_TO_RESULTS, unsafe_allow_javascript=True)

base_url = app_base_url("mapa") + "/"
share_url = base_url + ("?" + urlencode(share_params(flt)) if share_params(flt) else "")
with side_col:
    if selected_id:
        details_panel(everything[everything["id"] == selected_id].iloc[0], everything, share_url)
    else:
        results_list(shown)
        st.caption(f"{tr('share')}: " + md_escape(share_url))
        events = shown[shown["event_start"].notna()] if "event_start" in shown else shown.iloc[0:0]
        if not events.empty:
            st.download_button(
                tr("ics_all"),
                shared_calendar(flt, sort_order, lang, base_url)
                if shared
                else calendar_bytes(events.to_dict("records"), base_url),
                file_name="events.ics",
                mime="text/calendar",
                key="ics_all",
                icon=":material/calendar_month:",
            )

wanted = share_params(flt)
st.session_state["_map_params"] = wanted
if {k: st.query_params.get(k) for k in st.query_params} != wanted:
    st.query_params.from_dict(wanted)

# The callbacks above (on_change, on_click) keep this page's globals alive while the session is
# open, until its next run: the map's objects (the whole result's marker script, about 4 MiB
# at 10,000 offerings, bench.bench_sessions --tracemalloc) and the session's result rows must
# not stay with them.
for _name in ("product_map", "shown", "events"):  # events exists only without a selection
    globals().pop(_name, None)
