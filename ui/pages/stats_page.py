"""Statistics for cluster staff and reports: offerings by district, category and sector, the
social economy per district, partners, a choropleth and data quality; CSV and XLSX exports.

The figures come from :mod:`fairkit.stats` over the published catalogue. Staff only
(:func:`ui.staff_auth.require_staff` on every run): the data-quality list names offerings and
partners with gaps, which is internal work material.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from zoneinfo import ZoneInfo

import altair as alt
import pandas as pd
import shapely
import streamlit as st
from shapely.ops import polylabel

from catalogue.backup import last_backup
from catalogue.locale_format import format_date, format_datetime, format_number, format_percent
from catalogue.taxonomy import CATEGORIES
from fairkit.stats import (
    OFFERING_FIELD_LABELS,
    PARTNER_FIELD_LABELS,
    QUALITY_FLAGS,
    STALE_DAYS,
    access_season_by_district,
    completeness_by_field,
    district_category_counts,
    legal_forms_by_district,
    localise_columns,
    partners_by_district,
    products_per_district,
    quality_issues,
    quality_summary,
    sector_counts,
    social_economy_by_district,
    social_enterprise_offerings,
    to_csv_bytes,
    to_xlsx_bytes,
)
from geodata import DISTRICT_TERYTS, district_name, load_districts
from ui import choice
from ui.i18n import load_strings, page_translator
from ui.staff_auth import require_staff
from ui.state import current_language, get_store, partners, published_products, run_version

S = load_strings("stats_page")

lang = current_language()


tr = page_translator(S, lang)


@st.cache_data(show_spinner=False, max_entries=4)
def _photo_counts(url: str, version: int, ids: tuple[str, ...]) -> dict[str, int] | None:
    # url and version are the cache key: a new photo bumps the catalogue version.
    photos_for = getattr(get_store(), "photos_for", None)
    if photos_for is None:
        return None
    return {pid: len(photos_for(pid)) for pid in ids}


def photo_counts(frame: pd.DataFrame) -> dict[str, int] | None:
    """Photos per product id, or None when the catalogue keeps no photos."""
    store = get_store()
    return _photo_counts(store.url, run_version(store), tuple(frame["id"]))


def table(frame: pd.DataFrame, name: str, key: str) -> None:
    """A localised table with its CSV download (UTF-8 with BOM, formulas neutralised)."""
    shown = localise_columns(frame, lang)
    st.dataframe(shown, hide_index=True, width="stretch")
    # Both CSV forms; the first is the reader's default: Polish Excel (";", decimal comma,
    # month ranges kept as text) for Polish staff, plain comma CSV otherwise.
    dialects = ["excel-pl", "standard"] if lang == "pl" else ["standard", "excel-pl"]
    for dialect in dialects:
        suffix = "" if dialect == "excel-pl" else "_std"
        st.download_button(
            f"{tr('csv_' + dialect.replace('-', '_'))}: {name}",
            data=partial(to_csv_bytes, shown, dialect),
            file_name=f"{key}{'-excel' if dialect == 'excel-pl' else ''}.csv",
            mime="text/csv",
            key=f"stats_csv_{key}{suffix}",
            icon=":material/download:",
            on_click="ignore",
        )


def se_chart(se: pd.DataFrame) -> alt.Chart:
    body = se.iloc[:-1]
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "district": body["district"],
                    "series": tr("se_series"),
                    "n": body["social_economy"],
                }
            ),
            pd.DataFrame(
                {
                    "district": body["district"],
                    "series": tr("other_series"),
                    "n": body["products"] - body["social_economy"],
                }
            ),
        ]
    )
    colour = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=[tr("se_series"), tr("other_series")], range=["#f5b800", "#9fb3c8"]),
        legend=alt.Legend(orient="bottom"),
    )
    return _stacked_by_district(
        long,
        body,
        colour,
        ["district:N", "series:N", "n:Q"],
        step=34,
        order=alt.Order("series:N", sort="descending"),
    )


def _stacked_by_district(long, body, colour, tooltip, step: int, order=None) -> alt.Chart:
    """Horizontal bars per district (in the table's order), stacked by ``colour``."""
    encoding = {
        "y": alt.Y(
            "district:N", title=None, sort=list(body["district"]), axis=alt.Axis(labelLimit=240)
        ),
        "x": alt.X("n:Q", title=tr("series"), stack="zero"),
        "color": colour,
        "tooltip": tooltip,
    }
    if order is not None:
        encoding["order"] = order
    return alt.Chart(long).mark_bar().encode(**encoding).properties(height=alt.Step(step))


def matrix_chart(matrix: pd.DataFrame) -> alt.Chart:
    body = matrix.iloc[:-1]
    slugs = [c.slug for c in CATEGORIES]
    long = body.melt(id_vars=["district"], value_vars=slugs, var_name="slug", value_name="n")
    labels = {c.slug: c.label(lang) for c in CATEGORIES}
    long["category"] = long["slug"].map(labels)
    colour = alt.Color(
        "category:N",
        title=None,
        scale=alt.Scale(domain=[labels[s] for s in slugs], range=[c.colour for c in CATEGORIES]),
        legend=alt.Legend(orient="bottom", columns=3),
    )
    return _stacked_by_district(
        long[long["n"] > 0], body, colour, ["district:N", "category:N", "n:Q"], step=38
    )


@st.cache_data(show_spinner=False)
def _district_shapes() -> tuple[list[dict], list[dict]]:
    # The committed layer never changes while the app runs: its GeoJSON once per process.
    features, points = [], []
    for _, row in load_districts().iterrows():
        features.append(
            {
                "type": "Feature",
                "properties": {"teryt": row["teryt"]},
                # d3-geo (Vega) wants clockwise outer rings; GeoJSON's counter-clockwise
                # ones would be read as "the whole globe except the district".
                "geometry": shapely.orient_polygons(
                    row.geometry, exterior_cw=True
                ).__geo_interface__,
            }
        )
        # Pole of inaccessibility: inside, and clear of the city of Przemyśl's enclave.
        point = polylabel(row.geometry, tolerance=0.001)
        points.append({"teryt": row["teryt"], "lat": point.y, "lon": point.x})
    return features, points


def choropleth(counts: dict[str, int]) -> alt.LayerChart:
    """Offerings per district as an Altair geoshape (no tiles, works offline)."""
    features, points = _district_shapes()
    names = {t: district_name(t, lang) for t in DISTRICT_TERYTS}
    shapes = [
        {
            **f,
            "properties": {
                **f["properties"],
                "name": names[f["properties"]["teryt"]],
                "n": counts.get(f["properties"]["teryt"], 0),
            },
        }
        for f in features
    ]
    labels = pd.DataFrame(
        # One word per line keeps neighbouring labels apart.
        [
            {**p, "label": "\n".join([*names[p["teryt"]].split(), str(counts.get(p["teryt"], 0))])}
            for p in points
        ]
    )
    base = (
        alt.Chart(alt.Data(values=shapes))
        .mark_geoshape(stroke="#1b3a57", strokeWidth=1.5)
        .encode(
            color=alt.Color(
                "properties.n:Q",
                title=tr("series"),
                scale=alt.Scale(scheme="greens", zero=True),
            ),
            tooltip=[
                alt.Tooltip("properties.name:N", title=tr("map_title")),
                alt.Tooltip("properties.n:Q", title=tr("series")),
            ],
        )
    )
    text = (
        alt.Chart(labels)
        # A white halo under the text (stroke), then the text itself on top.
        .mark_text(
            fontSize=12,
            fontWeight="bold",
            lineBreak="\n",
            stroke="white",
            strokeWidth=3,
            strokeOpacity=0.8,
        )
        .encode(longitude="lon:Q", latitude="lat:Q", text="label:N")
    )
    text_fill = text.mark_text(fontSize=12, fontWeight="bold", color="#1b3a57", lineBreak="\n")
    return alt.layer(base, text, text_fill).project(type="mercator").properties(height=460)


# -- page --------------------------------------------------------------------------------

st.title(tr("title"), anchor=False)
if require_staff(lang) is None:
    st.stop()

everything = published_products()
all_partners = partners()
st.caption(tr("intro", d=format_date(date.today(), lang)))
backed_up = last_backup(get_store())
if backed_up is None:
    st.warning(tr("backup_never"), icon=":material/backup:")
else:
    local = format_datetime(backed_up.astimezone(ZoneInfo("Europe/Warsaw")), lang, "short")
    st.caption(tr("backup_last", at=local))

se = social_economy_by_district(everything, lang)
matrix = district_category_counts(everything, lang)
sectors = sector_counts(everything, lang)
partner_table = partners_by_district(all_partners, everything, lang)
legal_forms = legal_forms_by_district(all_partners, lang)
se_offer = social_enterprise_offerings(everything, all_partners, lang)
complete_offers = completeness_by_field(everything, OFFERING_FIELD_LABELS, lang)
complete_partners = completeness_by_field(all_partners, PARTNER_FIELD_LABELS, lang)
access = access_season_by_district(everything, lang)
issues = quality_issues(everything, lang, photo_counts=photo_counts(everything))
summary = quality_summary(issues, lang)
flags = [f for f in QUALITY_FLAGS if f in issues.columns]

total = se.iloc[-1]
m1, m2, m3, m4 = st.columns(4)
m1.metric(tr("m_products"), int(total["products"]))
m2.metric(
    tr("m_se"),
    int(total["social_economy"]),
    format_percent(float(total["share_pct"]) / 100, lang),
    delta_color="off",
    delta_arrow="off",
)
m3.metric(tr("m_partners"), len(all_partners))
m4.metric(tr("m_stale"), int(issues["stale"].sum()), help=tr("quality_note", days=STALE_DAYS))

tab_se, tab_districts, tab_partners, tab_quality = st.tabs(
    [tr("tab_se"), tr("tab_districts"), tr("tab_partners"), tr("tab_quality")]
)

with tab_se:
    st.subheader(tr("se_title"), anchor=False)
    body = se.iloc[:-1]
    parts = "; ".join(f"{r.district}: {r.social_economy}" for r in body.itertuples())
    st.markdown(
        tr(
            "se_answer",
            parts=parts,
            total=format_number(int(total["social_economy"]), lang),
            n=int(total["products"]),
            pct=format_percent(float(total["share_pct"]) / 100, lang),
        )
    )
    chart_col, table_col = st.columns([1, 1], gap="large")
    chart_col.altair_chart(se_chart(se), width="stretch")
    with table_col:
        table(se, tr("tab_se"), "social_economy_by_district")

with tab_districts:
    st.subheader(tr("matrix_title"), anchor=False)
    st.altair_chart(matrix_chart(matrix), width="stretch")
    table(matrix, tr("matrix_title"), "districts_categories")
    st.subheader(tr("access_title"), anchor=False)
    st.caption(tr("access_note"))
    table(access, tr("access_title"), "access_season")
    st.subheader(tr("map_title"), anchor=False)
    st.altair_chart(choropleth(products_per_district(everything)), width="stretch")

with tab_partners:
    st.subheader(tr("sector_title"), anchor=False)
    chart_col, table_col = st.columns([1, 1], gap="large")
    sector_body = sectors.iloc[:-1]
    chart_col.altair_chart(
        alt.Chart(sector_body)
        .mark_bar()
        .encode(
            y=alt.Y("sector_label:N", title=None, sort="-x", axis=alt.Axis(labelLimit=240)),
            x=alt.X("products:Q", title=tr("series")),
            color=alt.condition(
                alt.datum.sector == "social_economy", alt.value("#f5b800"), alt.value("#5b7fa6")
            ),
            tooltip=["sector_label:N", "products:Q", "share_pct:Q"],
        )
        .properties(height=alt.Step(34)),
        width="stretch",
    )
    with table_col:
        table(sectors, tr("sector_title"), "sectors")
    st.subheader(tr("partners_title"), anchor=False)
    st.caption(tr("partners_note"))
    table(partner_table, tr("partners_title"), "partners_by_district")
    st.subheader(tr("legal_title"), anchor=False)
    st.caption(tr("legal_note"))
    table(legal_forms, tr("legal_title"), "partners_by_legal_form")
    st.subheader(tr("se_offer_title"), anchor=False)
    table(se_offer, tr("se_offer_title"), "social_enterprise_offerings")

with tab_quality:
    st.subheader(tr("quality_title"), anchor=False)
    st.caption(tr("quality_note", days=STALE_DAYS))
    table(summary, tr("quality_title"), "data_quality")
    offers_col, partners_col = st.columns(2, gap="large")
    with offers_col:
        st.subheader(tr("complete_offers"), anchor=False)
        table(complete_offers, tr("complete_offers"), "completeness_offerings")
    with partners_col:
        st.subheader(tr("complete_partners"), anchor=False)
        table(complete_partners, tr("complete_partners"), "completeness_partners")
    st.subheader(tr("issues_title"), anchor=False)
    chosen = choice.multiselect(
        tr("issue_filter"),
        flags,
        default=flags,
        key="stats_issue_filter",
        format_func=lambda f: localise_columns(pd.DataFrame(columns=[f]), lang).columns[0],
    )
    listed = issues[issues[chosen].any(axis=1)] if chosen else issues.iloc[0:0]
    if listed.empty:
        st.info(tr("no_issues"), icon=":material/task_alt:")
    else:
        table(listed.drop(columns=["teryt"]), tr("issues_title"), "offerings_with_gaps")

sheets = {
    tr("sheet_se"): se,
    tr("sheet_matrix"): matrix,
    tr("sheet_sectors"): sectors,
    tr("sheet_partners"): partner_table,
    tr("sheet_legal_forms"): legal_forms.drop(columns=["teryt"]),
    tr("sheet_se_offer"): se_offer.drop(columns=["teryt"]),
    tr("sheet_access"): access,
    tr("sheet_quality"): summary,
    tr("sheet_complete_offers"): complete_offers,
    tr("sheet_complete_partners"): complete_partners,
    tr("sheet_issues"): issues[issues["issues"] > 0].drop(columns=["teryt"]),
}
st.download_button(
    tr("xlsx"),
    data=partial(to_xlsx_bytes, {k: localise_columns(v, lang) for k, v in sheets.items()}),
    file_name=f"statystyki-{date.today().isoformat()}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="stats_xlsx",
    icon=":material/table_view:",
    type="primary",
    on_click="ignore",
)
