"""Who runs a row's offering: the ``partner`` cell matched to a known partner by id or name,
or a new partner (slug id, sector from some row of the file), with its identity numbers
(NIP, REGON, KRS, legal form) checked. See :mod:`catalogue.validation.rows` for the rule."""

from __future__ import annotations

import pandas as pd

from catalogue.cells import cell_text, fold, forbidden_chars_found, is_blank, slugify, text_value
from catalogue.columns import MAX_LENGTHS
from catalogue.identity import IDENTITY_NUMBERS, IdentityError
from catalogue.model import Partner
from catalogue.validation.duplicates import similar_names
from catalogue.validation.report import Reporter, Row
from catalogue.vocabularies import (
    allowed_legal_forms,
    allowed_sectors,
    parse_legal_form,
    parse_sector,
    sector_name,
)


class PartnerReader:
    """Resolves the partners of one file's rows against the known ones (``id``, ``name``,
    ``sector``); the partners the file would create collect in ``new_partners``."""

    def __init__(self, reporter: Reporter, partner_frame: pd.DataFrame, source: str) -> None:
        self.issue = reporter.issue
        self.columns = reporter.columns
        self.source = source
        self.partners_by_id = {
            str(r.id): (str(r.id), str(r.name), str(r.sector)) for r in partner_frame.itertuples()
        }
        self.partners_by_name = {
            fold(r.name): (str(r.id), str(r.name), str(r.sector))
            for r in partner_frame.itertuples()
        }
        self.new_partners: dict[str, Partner] = {}  # folded name -> partner
        self.similar_cache: dict[str, tuple[str, str] | None] = {}
        self.sectors: dict[str, tuple[str, int]] = {}  # see collect_sectors

    def collect_sectors(self, rows: list[tuple[int, Row]]) -> None:
        """Sector per new partner (folded name), from the first row that states one."""
        sectors: dict[str, tuple[str, int]] = {}
        for _, row in rows:
            partner = text_value(row.cells.get("partner"))
            sector_raw = row.cells.get("partner_sector")
            if not partner or is_blank(sector_raw):
                continue
            try:
                sector = parse_sector(sector_raw)
            except ValueError:
                continue  # reported when the row itself is validated
            sectors.setdefault(fold(partner), (sector, row.number))
        self.sectors = sectors

    def partner(self, row: Row) -> str:
        name = text_value(row.cells.get("partner"))
        sector_raw = row.cells.get("partner_sector")
        sector = None
        if not is_blank(sector_raw):
            try:
                sector = parse_sector(sector_raw)
            except ValueError:
                self.issue(
                    row,
                    "partner_sector",
                    "bad_sector",
                    value=text_value(sector_raw),
                    allowed=allowed_sectors(),
                )
                return ""
        if not name:
            return ""
        if len(name) > MAX_LENGTHS["partner"]:
            self.issue(row, "partner", "too_long", length=len(name), max=MAX_LENGTHS["partner"])
            return ""
        raw_name = cell_text(row.cells.get("partner"))
        chars = forbidden_chars_found(raw_name)
        if chars:
            self.issue(row, "partner", "control_chars", chars=chars)
            return ""
        known = self.partners_by_id.get(name) or self.partners_by_name.get(fold(name))
        if known is not None:
            partner_id, partner_name, existing_sector = known
            if sector is not None and sector != existing_sector:
                self.issue(
                    row,
                    "partner_sector",
                    "partner_sector_ignored",
                    "warning",
                    partner=partner_name,
                    existing=sector_name(existing_sector),
                    value=sector_name(sector),
                )
            return partner_id
        key = fold(name)
        similar = self.similar_partner(name)
        if similar is not None:
            # The same rule as for products: folded names alike. The uploader decides.
            self.issue(
                row,
                "partner",
                "partner_similar",
                "warning",
                partner=name,
                existing=similar[1],
                existing_id=similar[0],
            )
        stated = self.sectors.get(key)
        if stated is None:
            self.issue(
                row,
                "partner_sector" if "partner_sector" in self.columns else "partner",
                "partner_sector_missing",
                partner=name,
                allowed=allowed_sectors(),
            )
            return ""
        if sector is not None and sector != stated[0]:
            self.issue(
                row,
                "partner_sector",
                "partner_sector_conflict",
                partner=name,
                other=sector_name(stated[0]),
                other_row=stated[1],
                value=sector_name(sector),
            )
            return ""
        if key not in self.new_partners:
            self.new_partners[key] = Partner(
                id=self.partner_slug(name), name=name, sector=stated[0], source=self.source
            )
        return self.new_partners[key].id

    def similar_partner(self, name: str) -> tuple[str, str] | None:
        """(id, name) of a known partner whose name is like ``name`` (:func:`similar_names`)."""
        if name in self.similar_cache:
            return self.similar_cache[name]
        found = None
        for partner_id, partner_name, _sector in self.partners_by_id.values():
            if similar_names(name, str(partner_name)):
                found = (str(partner_id), str(partner_name))
                break
        self.similar_cache[name] = found
        return found

    def identity(self, row: Row) -> dict[str, str]:
        """NIP, REGON, KRS and legal form of the row's partner, checked; {} if none given."""
        found: dict[str, str] = {}
        for field_name, check, digits in IDENTITY_NUMBERS:
            column = f"partner_{field_name}"
            value = text_value(row.cells.get(column))
            if not value:
                continue
            try:
                found[field_name] = check(value)
            except IdentityError as exc:
                self.issue(
                    row,
                    column,
                    f"bad_identity_{exc.reason}",
                    value=value,
                    kind=field_name.upper(),
                    digits=digits,
                )
        raw = row.cells.get("partner_legal_form")
        if not is_blank(raw):
            try:
                found["legal_form_code"] = parse_legal_form(raw)
            except ValueError:
                self.issue(
                    row,
                    "partner_legal_form",
                    "bad_legal_form",
                    value=text_value(raw),
                    allowed=allowed_legal_forms(),
                )
        return found

    def attach_identity(self, row: Row, partner_id: str, identity: dict[str, str]) -> None:
        """Give a new partner the numbers its first rows state; existing ones keep theirs."""
        for partner in self.new_partners.values():
            if partner.id == partner_id:
                for name, value in identity.items():
                    if not getattr(partner, name):
                        setattr(partner, name, value)
                return
        self.issue(
            row,
            "partner",
            "partner_identity_ignored",
            "warning",
            partner=self.partners_by_id[partner_id][1],
        )

    def partner_slug(self, name: str) -> str:
        taken = set(self.partners_by_id) | {p.id for p in self.new_partners.values()}
        base = slugify(name, 60)
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        return candidate
