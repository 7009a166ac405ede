"""The column registry: the one list of file columns the importer, exporter and template use."""

from __future__ import annotations

import typing

import pytest

from catalogue import exchange, validation
from catalogue.columns import (
    COLUMN_BY_NAME,
    COLUMN_REGISTRY,
    KINDS,
    Column,
    form_columns,
    score_fields,
)
from catalogue.model import Product

PRODUCT_TYPES = typing.get_type_hints(Product)


def test_names_headers_and_aliases_never_mean_two_columns():
    assert len(COLUMN_BY_NAME) == len(COLUMN_REGISTRY)
    seen: dict[str, str] = {}
    for column in COLUMN_REGISTRY:
        for spelling in (column.name, column.header_pl, *column.aliases):
            key = validation.fold(spelling)
            assert seen.setdefault(key, column.name) == column.name, (spelling, seen[key])
            # The importer reads every spelling back to this column.
            assert validation.canonical_column(spelling) == column.name


def test_every_column_is_described_and_fills_real_product_fields():
    for column in COLUMN_REGISTRY:
        if column.template:
            assert column.help_pl, f"{column.name}: the template explains every column"
        for name in column.product_fields:
            assert name in PRODUCT_TYPES, f"{column.name} fills an unknown field {name!r}"
        if column.kind == "yes_no":
            assert PRODUCT_TYPES[column.name] == bool | None, column.name
        if column.kind in ("text", "multiline"):
            assert column.max_length, f"{column.name}: a text column has a length limit"


def test_the_derived_lists_follow_the_registry():
    exported = [c.name for c in COLUMN_REGISTRY if c.export]
    assert list(exchange.EXPORT_COLUMNS) == exported
    assert exchange.TEMPLATE_COLUMNS[-1] == "id"
    assert set(exchange.TEMPLATE_COLUMNS) == {
        c.name for c in COLUMN_REGISTRY if c.export and c.template
    }
    assert "coordinates" in validation.COLUMNS and "coordinates" not in exchange.EXPORT_COLUMNS
    assert validation.MAX_LENGTHS["description"] == COLUMN_BY_NAME["description"].max_length


def test_kinds_are_checked():
    with pytest.raises(ValueError, match="kind"):
        Column("x", "x", kind="number")
    assert set(KINDS) >= {c.kind for c in COLUMN_REGISTRY}


def test_form_and_statistics_flags_are_checked():
    label = {"pl": "Cokolwiek", "en": "Anything", "uk": "Будь-що"}
    with pytest.raises(ValueError, match="form widget"):
        Column("x", "x", form="slider", label=label)
    with pytest.raises(ValueError, match="one Product field"):
        Column("x", "x", fields=(), form="text", label=label)
    with pytest.raises(ValueError, match="label"):
        Column("x", "x", completeness=True)
    with pytest.raises(ValueError, match="pl, en and uk"):
        Column("x", "x", label={"pl": "Tylko po polsku"})
    with pytest.raises(ValueError, match="scored"):
        Column("x", "x", fields=("a", "b"), score=True)


def test_form_widgets_fit_the_fields_they_fill():
    for column in form_columns():
        [name] = column.product_fields
        kind = bool | None if column.form == "yes_no" else str
        assert PRODUCT_TYPES[name] == kind, column.name
    assert [c.product_fields[0] for c in COLUMN_REGISTRY if c.score] == list(score_fields())
