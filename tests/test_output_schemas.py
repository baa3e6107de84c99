"""The JSON outputs name their format and version and validate against the published schemas
(``planner schema --entity finding|findings``), over a full run of the example district."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.output.schemas import FINDINGS_FORMAT, SCHEMAS

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
