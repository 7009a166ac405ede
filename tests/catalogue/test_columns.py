"""The column registry: the one list of file columns the importer, exporter and template use."""

from __future__ import annotations

import typing

import pytest

from catalogue import exporting, template
from catalogue.cells import fold
from catalogue.columns import (
    COLUMN_BY_NAME,
    COLUMN_REGISTRY,
    COLUMNS,
    KINDS,
    MAX_LENGTHS,
    Column,
    canonical_column,
)
from catalogue.model import Product

PRODUCT_TYPES = typing.get_type_hints(Product)


def test_names_headers_and_aliases_never_mean_two_columns():
    assert len(COLUMN_BY_NAME) == len(COLUMN_REGISTRY)
    seen: dict[str, str] = {}
    for column in COLUMN_REGISTRY:
        for spelling in (column.name, column.header_pl, *column.aliases):
            key = fold(spelling)
            assert seen.setdefault(key, column.name) == column.name, (spelling, seen[key])
            # The importer reads every spelling back to this column.
            assert canonical_column(spelling) == column.name


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
    assert list(exporting.EXPORT_COLUMNS) == exported
    assert template.TEMPLATE_COLUMNS[-1] == "id"
    assert set(template.TEMPLATE_COLUMNS) == {
        c.name for c in COLUMN_REGISTRY if c.export and c.template
    }
    assert "coordinates" in COLUMNS and "coordinates" not in exporting.EXPORT_COLUMNS
    assert MAX_LENGTHS["description"] == COLUMN_BY_NAME["description"].max_length


def test_kinds_are_checked():
    with pytest.raises(ValueError, match="kind"):
        Column("x", "x", kind="number")
    assert set(KINDS) >= {c.kind for c in COLUMN_REGISTRY}
