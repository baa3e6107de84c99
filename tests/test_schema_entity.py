"""`planner schema --entity household|village|project`: the JSON Schema of each record, printed
or written to a file, and valid for the records planner reads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from planner.model import Household, Project, Village

PLANNER = str(Path(sys.executable).parent / "planner")


def _schema(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PLANNER, "schema", *args], capture_output=True, text=True,
                          check=False, cwd=cwd)


@pytest.mark.parametrize(("entity", "model"), [
    ("household", Household), ("village", Village), ("project", Project)])
def test_each_entity_prints_the_schema_of_its_record(entity, model):
    done = _schema("--entity", entity)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == model.model_json_schema()


def test_household_is_the_default_entity():
    assert json.loads(_schema().stdout)["title"] == "Household"


def test_the_village_schema_lists_the_counts_the_village_export_carries():
    properties = json.loads(_schema("--entity", "village").stdout)["properties"]
    assert {"disabled_people", "dibao_people", "tekun_people", "unsafe_water_households",
            "dangerous_house_households", "primary_schools", "clinics"} <= set(properties)
    assert properties["dibao_people"]["description"] == "低保人口数"


def test_output_writes_the_schema_to_a_file(tmp_path):
    done = _schema("--entity", "project", "--output", "project.schema.json", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "")
    written = json.loads((tmp_path / "project.schema.json").read_text(encoding="utf-8"))
    assert written == Project.model_json_schema()


def test_an_output_that_cannot_be_written_exits_2_without_a_traceback(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    done = _schema("--output", "file/schema.json", cwd=tmp_path)
    assert done.returncode == 2
    assert "无法写出" in done.stderr and "cannot write" not in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unknown_entity_is_a_usage_error():
    done = _schema("--entity", "member")
    assert done.returncode == 2 and "member" in done.stderr
