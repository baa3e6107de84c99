"""``planner validate`` and ``planner convert``."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from planner.cli import cli
from planner.io import open_dataset, read_households

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "io"
EXAMPLE = ROOT / "examples" / "households" / "pre_exit_2808.json"


def _run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


EN = {"PLANNER_LANG": "en"}


def test_validate_prints_the_counts_and_exits_zero_on_clean_files():
    result = _run("validate", EXAMPLE)
    assert result.exit_code == 0, result.output
    assert result.output == "户：读取 1，接受 1，拒绝 0\n"  # the run's language only
    english = _run("--lang", "en", "validate", EXAMPLE)
    assert english.output == "households: read 1, accepted 1, rejected 0\n"


def test_validate_lists_errors_with_their_rows_and_exits_non_zero():
    result = _run("validate", DATA / "broken", "--income-year", "2023")
    assert result.exit_code == 1
    assert "households.csv 第7行 户编号 522425-101-0202 列「证件号码」" in result.output
    assert "households.csv, row 7, household 522425-101-0202, column 证件号码" in result.output
    assert "5.2242***17" in result.output
    assert "户：读取 8，接受 2，拒绝 6\n" in result.output
    assert "错误 9 条" in result.output


def test_validate_as_json_lists_every_error():
    result = _run("validate", DATA / "broken", "--income-year", "2023", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["households"] == {"read": 8, "accepted": 2, "rejected": 6}
    assert report["villages"] == {"read": 1, "accepted": 0, "rejected": 1}
    assert [(e.get("row"), e.get("column")) for e in report["errors"]] == [
        (1, None), (7, "证件号码"), (8, "工资性收入"), (10, "户编号"), (10, "危房等级"),
        (11, "户编号"), (12, "户编号"), (12, "户编号"), (14, "户类型")]
    assert report["warnings"] == []


def test_validate_can_show_personal_data_and_stop_at_the_first_error():
    shown = _run("validate", DATA / "broken" / "households.csv", "--income-year", "2023",
                 "--show-personal", "--format", "json")
    assert json.loads(shown.output)["errors"][0]["value"] == "5.22425E+17"
    strict = _run("validate", DATA / "broken" / "households.csv", "--income-year", "2023",
                  "--strict")
    assert strict.exit_code == 1
    assert "第7行" in strict.output and "已按 --strict 停止" in strict.output


def test_validate_reports_unused_columns_as_warnings_without_failing():
    result = _run("validate", DATA / "export_2023.csv", "--income-year", "2023")
    assert result.exit_code == 0, result.output
    assert "列「备用列」：未识别的列" in result.output
    no_warnings = _run("validate", DATA / "export_2023.csv", "--income-year", "2023",
                       "--no-warnings")
    assert "备用列" not in no_warnings.output


def test_validate_refuses_an_unknown_extension(tmp_path):
    odd = tmp_path / "households.dat"
    odd.write_text("{}", encoding="utf-8")
    result = _run("validate", odd)
    assert result.exit_code == 2  # a usage problem, not "records rejected" (1)
    assert "无法从扩展名判断" in result.output and "cannot tell the format" not in result.output
    assert "cannot tell the format" in _run("validate", odd, env=EN).output


def test_validate_and_convert_exit_2_for_a_bad_column_map(tmp_path):
    column_map = tmp_path / "map.yaml"
    column_map.write_text("{columns: [\n", encoding="utf-8")
    source = DATA / "export_2023.csv"
    validated = _run("validate", source, "--column-map", column_map)
    assert validated.exit_code == 2
    assert "无法读取列映射" in validated.output
    converted = _run("convert", source, tmp_path / "out.jsonl", "--column-map", column_map,
                     env=EN)
    assert converted.exit_code == 2
    assert "cannot read column map" in converted.output and "无法" not in converted.output


def test_convert_to_an_unknown_extension_asks_for_to_not_input_format(tmp_path):
    result = _run("convert", EXAMPLE, tmp_path / "out.dat")
    assert result.exit_code == 2
    assert "请用 --to 指定" in result.output
    assert "pass --to" in _run("convert", EXAMPLE, tmp_path / "out.dat", env=EN).output
    assert "--input-format" not in result.output
    assert not (tmp_path / "out.dat").exists()
    assert _run("convert", EXAMPLE, tmp_path / "out.dat", "--to", "jsonl").exit_code == 0


def test_convert_to_an_unwritable_path_exits_2_without_a_traceback(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = _run("convert", EXAMPLE, blocker / "out.jsonl")
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert f"无法写出 {blocker / 'out.jsonl'}" in result.output
    result = _run("--lang", "en", "convert", EXAMPLE, blocker / "out.jsonl")
    assert f"Error: cannot write {blocker / 'out.jsonl'}" in result.output


def test_convert_between_formats_keeps_households_equal(tmp_path):
    expected = list(read_households(DATA / "formats" / "households.jsonl"))
    xlsx = tmp_path / "households.xlsx"
    assert _run("convert", DATA / "formats" / "households.jsonl", xlsx).exit_code == 0
    csv = tmp_path / "out" / "households.csv"
    csv.parent.mkdir()
    result = _run("convert", xlsx, csv)
    assert result.exit_code == 0, result.output
    assert list(read_households(csv)) == expected
    parquet = tmp_path / "households.parquet"
    assert _run("convert", csv, parquet, "--to", "parquet-flat").exit_code == 0
    assert list(read_households(parquet)) == expected


def test_convert_a_district_folder(tmp_path):
    source = open_dataset(ROOT / "examples" / "district")
    households = list(source.households())
    result = _run("convert", ROOT / "examples" / "district", tmp_path / "out", "--to", "parquet")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "households.parquet", "projects.parquet", "villages.parquet"]
    converted = open_dataset(tmp_path / "out")
    assert list(converted.households()) == households
    assert (converted.villages, converted.projects) == (source.villages, source.projects)
    assert _run("convert", ROOT / "examples" / "district", tmp_path / "x").exit_code != 0


def test_convert_leaves_rejected_records_out_and_exits_non_zero(tmp_path):
    out = tmp_path / "households.jsonl"
    result = _run("convert", DATA / "broken" / "households.csv", out, "--income-year", "2023")
    assert result.exit_code == 1
    assert [h.id for h in read_households(out)] == ["522425-101-0201", "522425-101-0207"]
    assert f"{out}：写出 2\n" in result.output
