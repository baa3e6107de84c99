"""One option name for one thing across commands (old names kept), and ``plan`` selecting rules
and reading waivers as ``check`` does."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli

DISTRICT = Path(__file__).resolve().parent.parent / "examples" / "district"


def _run(*args: object) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code in (0, 1), result.output
    return result.output


def _plan(tmp_path: Path, *options: str) -> dict:
    out = tmp_path / f"plan{len(list(tmp_path.iterdir()))}.json"
    _run("plan", DISTRICT, "--output-format", "json", "--output", out, *options)
    return json.loads(out.read_text(encoding="utf-8"))


def _codes(plan: dict) -> set[str]:
    """The rule codes plan items answer (not prerequisites, kept measures or income gaps)."""
    return {code for household in plan["households"] for item in household["items"]
            for code in item["why_codes"] if re.fullmatch(r"[A-Z]+\d{3}", code)}


@pytest.mark.parametrize("command", [["measures"], ["rules"], ["params"]])
def test_output_format_and_its_old_name_format_agree(command: list[str]) -> None:
    assert _run(*command, "--output-format", "json") == _run(*command, "--format", "json")


def test_check_takes_catalog_as_plan_does_and_plan_takes_measures(tmp_path: Path) -> None:
    catalog = tmp_path / "measures.yaml"
    catalog.write_text("measures: []\n", encoding="utf-8")
    assert _run("check", DISTRICT, "--select", "INC001", "--catalog", catalog) == _run(
        "check", DISTRICT, "--select", "INC001", "--measures", catalog)
    assert _plan(tmp_path, "--measures", str(catalog)) == _plan(tmp_path, "--catalog", str(catalog))


def test_plan_select_ignore_and_waivers(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    everything = _codes(plan)
    assert {c for c in everything if c.startswith("INC")} and everything - {
        c for c in everything if c.startswith("INC")}
    assert all(c.startswith("INC") for c in _codes(_plan(tmp_path, "--select", "INC")))
    assert not any(c.startswith("INC") for c in _codes(_plan(tmp_path, "--ignore", "INC")))
    household = next(h for h in plan["households"]
                     if any("INC002" in item["why_codes"] for item in h["items"]))
    waivers = tmp_path / "waivers.csv"
    waivers.write_text("household,code,reason,approver,expires\n"
                       f"{household['household']},INC002,年底分红,河口镇,2020-12-31\n",
                       encoding="utf-8")
    waived = _plan(tmp_path, "--waivers", str(waivers))
    again = next(h for h in waived["households"] if h["household"] == household["household"])
    assert not any("INC002" in item["why_codes"] for item in again["items"])
