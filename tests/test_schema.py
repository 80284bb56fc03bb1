"""The vocabulary (geo.schema): every field has a short name for shapefiles and a title in every language."""

from __future__ import annotations

import pytest

from geo import schema
from geo.settings import LANGUAGES


@pytest.mark.parametrize("table", sorted(schema.TABLES))
def test_every_field_has_a_short_name_and_every_title(table):
    fields = schema.TABLES[table]
    for name, field in fields.items():
        assert field.name == name
        assert 0 < len(field.short) <= schema.SHORT_NAME_LENGTH, name
        assert set(field.titles) == set(LANGUAGES) and all(t.strip() for t in field.titles.values()), name
        assert field.kind in {"text", "number", "integer", "bool"}
    shorts = [field.short for field in fields.values()]
    assert len(shorts) == len(set(shorts)), f"{table}: two fields share a short name"


def test_short_and_long_names_round_trip():
    for fields in schema.TABLES.values():
        assert {long: short for short, long in schema.long_names(fields).items()} == schema.short_names(fields)


def test_report_and_input_columns_are_registered_fields():
    for column in (*schema.ZONE_REPORT_COLUMNS, *schema.ZONE_DESCRIPTIVE_COLUMNS, *schema.ZONE_INPUT_DEFAULTS):
        assert column in schema.ZONE_FIELDS
    for column in (*schema.CLAIM_REPORT_COLUMNS, *schema.CLAIM_SOURCE_COLUMNS, *schema.CLAIM_REQUIRED_COLUMNS):
        assert column in schema.CLAIM_FIELDS
    assert set(schema.POINT_REQUIRED_COLUMNS) <= set(schema.POINT_FIELDS)


def test_enums_compare_equal_to_the_text_in_files():
    assert schema.GeometryQuality.SCHEMATIC == "schematic" and schema.Verdict.OFF == "outside tolerance"
    assert schema.Status.PLANNED == "planned"


def test_no_zone_field_is_stored_under_a_name_a_users_file_holds_as_its_own():
    """A zone file's short names are read back as long names: the official layer's own fields (its id and name,
    which a user passes as --id-field dan_id --name-field dan_name) must not be one of them."""
    from geo.official import FIELDS
    from geo.official._constants import TYPE_FIELDS

    shorts = {field.short.casefold() for field in schema.ZONE_FIELDS.values()}
    assert shorts.isdisjoint({*FIELDS, *TYPE_FIELDS})
