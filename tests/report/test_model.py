"""The JSON Schema shipped in the package is the one the report model generates, and reports
validate against it (set CITEAUDIT_UPDATE_GOLDEN=1 to write the shipped file afresh)."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, ValidationError

import citeaudit.report.model as report_model
from citeaudit.report import Format, renderer
from citeaudit.report.model import ReportModel, json_schema, schema_text, shipped_schema
from report_fixture import fixed_report

SHIPPED = Path(report_model.__file__).parent / report_model.SCHEMA_FILE


def validator() -> Draft202012Validator:
    return Draft202012Validator(
        shipped_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def test_the_shipped_schema_is_the_generated_one() -> None:
    if os.environ.get("CITEAUDIT_UPDATE_GOLDEN"):
        SHIPPED.write_text(schema_text(), encoding="utf-8")
    assert SHIPPED.read_text(encoding="utf-8") == schema_text(), (
        "the report model changed: regenerate the schema with CITEAUDIT_UPDATE_GOLDEN=1"
    )
    assert shipped_schema() == json_schema()
    Draft202012Validator.check_schema(shipped_schema())


def test_the_fixed_report_validates() -> None:
    data = json.loads(renderer(Format.JSON).render(fixed_report()))
    validator().validate(data)


def test_the_schema_lists_every_field_as_required() -> None:
    """Every field is in every report, so a script may rely on each one being there."""
    schema = shipped_schema()
    objects = {n: d for n, d in schema["$defs"].items() if "properties" in d}
    assert len(objects) >= 10
    for name, definition in objects.items():
        assert set(definition["required"]) == set(definition["properties"]), name
    data = json.loads(renderer(Format.JSON).render(fixed_report()))
    del data["claims"][0]["evidence"][0]["judged_on"]
    with pytest.raises(ValidationError, match="'judged_on' is a required property"):
        validator().validate(data)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("claims", 0, "verdict"), "mostly_true", "is not one of"),
        (("sources", 0, "status"), "dead", "is not valid under any"),
        (("run", "started"), 12, "is not of type"),
        (("claims", 2, "evidence", 0, "comparison", 0, "op"), "swap", "is not one of"),
    ],
)
def test_a_report_that_breaks_the_contract_does_not_validate(
    path: tuple[str | int, ...], value: object, message: str
) -> None:
    data = json.loads(renderer(Format.JSON).render(fixed_report()))
    broken = copy.deepcopy(data)
    node = broken
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(ValidationError, match=message):
        validator().validate(broken)


def test_added_fields_do_not_break_older_readers() -> None:
    """The contract adds fields: a report with one more still validates and still loads."""
    data = json.loads(renderer(Format.JSON).render(fixed_report()))
    data["sources"][0]["a_field_from_the_future"] = {"x": 1}
    validator().validate(data)
    assert ReportModel.model_validate(data).sources[0].id == "ahsn-sim"
