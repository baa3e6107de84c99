"""The JSON outputs name their format and version and validate against the published schemas
(``planner schema --entity finding|findings|plan|plan-item``), over a full run and a budgeted
plan of the example district."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.cli.foundation import OUTPUT_SCHEMAS as SCHEMAS
from planner.output.schemas import FINDINGS_FORMAT
from planner.planning.schema import PLAN_FORMAT

DISTRICT = Path(__file__).resolve().parent.parent / "examples" / "district"


def _validator(name: str) -> jsonschema.Validator:
    schema = SCHEMAS[name]
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("outputs")
    texts = {}
    for fmt in ("json", "jsonl"):
        out = folder / f"findings.{fmt}"
        result = CliRunner().invoke(cli, ["check", str(DISTRICT), "--output-format", fmt,
                                          "--output", str(out), "--explain"])
        assert result.exit_code == 1, result.output
        texts[fmt] = out.read_text(encoding="utf-8")
    return texts


def test_the_json_document_names_its_format_and_validates(outputs: dict[str, str]) -> None:
    document = json.loads(outputs["json"])
    assert document["format"] == FINDINGS_FORMAT
    _validator("findings").validate(document)
    assert len(document["findings"]) > 50


def test_every_json_lines_finding_validates(outputs: dict[str, str]) -> None:
    validator = _validator("finding")
    lines = outputs["jsonl"].splitlines()
    assert len(lines) > 50
    for line in lines:
        validator.validate(json.loads(line))


def test_a_new_key_in_a_finding_is_noticed() -> None:
    """The schemas pin the keys: adding one to the output without raising the version fails."""
    finding = json.loads(json.dumps({
        "code": "INC001", "name": "n", "family": "income", "severity": "error",
        "subject": "H1", "subject_kind": "household", "member": None,
        "message": {"zh": "中", "en": "en"}, "evidence": {}, "references": [], "proposes": [],
        "waived": False}))
    _validator("finding").validate(finding)
    with pytest.raises(jsonschema.ValidationError, match="Additional properties"):
        _validator("finding").validate({**finding, "kind": "need"})


@pytest.mark.parametrize("entity", ["finding", "findings"])
def test_planner_schema_prints_the_output_schemas(entity: str) -> None:
    result = CliRunner().invoke(cli, ["schema", "--entity", entity])
    assert result.exit_code == 0
    assert json.loads(result.output) == SCHEMAS[entity]


@pytest.fixture(scope="module")
def plan_document(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("plan") / "plan.json"
    result = CliRunner().invoke(cli, ["plan", str(DISTRICT), "--date", "2020-09-30", "--budget",
                                      "500000", "--output-format", "json", "--output", str(out)])
    assert result.exit_code in (0, 1), result.output
    return json.loads(out.read_text(encoding="utf-8"))


def test_the_plan_document_names_its_format_and_validates(plan_document: dict) -> None:
    assert plan_document["format"] == PLAN_FORMAT == {"name": "planner.plan", "version": 1}
    assert plan_document["tool"]["name"] == "planner"
    _validator("plan").validate(plan_document)
    items = [item for household in plan_document["households"] for item in household["items"]]
    assert plan_document["allocation"]["method"] and len(items) > 50
    validator = _validator("plan-item")
    for item in items:
        validator.validate(item)


def test_a_new_key_in_a_plan_item_is_noticed(plan_document: dict) -> None:
    item = next(item for household in plan_document["households"]
                for item in household["items"])
    with pytest.raises(jsonschema.ValidationError, match="priority"):
        _validator("plan-item").validate({**item, "priority": 1})
    with pytest.raises(jsonschema.ValidationError, match="version"):
        _validator("plan").validate({**plan_document, "format": {"name": "planner.plan"}})


@pytest.mark.parametrize("entity", ["finding", "findings", "plan", "plan-item"])
def test_planner_schema_prints_each_output_schema(entity: str) -> None:
    result = CliRunner().invoke(cli, ["schema", "--entity", entity])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == SCHEMAS[entity]
