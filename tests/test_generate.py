"""The synthetic data generator: deterministic, realistic, a controlled problem mix, streamed."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner import Household, RuleSet, check, load_rules
from planner.cli import cli
from planner.facts import age_on
from planner.generate import (
    Generator,
    GeneratorConfig,
    all_injectors,
    generate_households,
    output_paths,
    write_dataset,
)
from planner.idnumber import check_id

from .conftest import ROOT

BUILT_IN = ("INC", "BAS", "EDU", "MED", "HOU", "WAT", "DQ", "SUP", "POL", "MON", "VIL", "PRJ",
            "IND")
PLANNER = [str(Path(sys.executable).parent / "planner")]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _generate(tmp_path: Path, name: str, **settings: object) -> Path:
    config = GeneratorConfig(**{"households": 300, "seed": 11, "problem_share": 0.3, **settings})
    folder = tmp_path / name
    write_dataset(config, output_paths(folder))
    return folder


@pytest.fixture(scope="module")
def clean() -> list[dict]:
    """600 clean households (no injected problem)."""
    return [g.household for g in generate_households(GeneratorConfig(600, seed=5, problem_share=0))]


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    first = _files(_generate(tmp_path, "a"))
    second = _files(_generate(tmp_path, "b"))
    assert set(first) == {"households.jsonl", "expected.jsonl", "villages.json", "projects.json"}
    assert first == second


def test_another_seed_gives_other_households(tmp_path: Path) -> None:
    first = _files(_generate(tmp_path, "a"))
    other = _files(_generate(tmp_path, "b", seed=12))
    assert first["households.jsonl"] != other["households.jsonl"]


def test_output_does_not_depend_on_hash_randomisation(tmp_path: Path) -> None:
    outputs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"h{hash_seed}.jsonl"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run(
            [
                *PLANNER,
                "generate",
                "-n",
                "200",
                "--seed",
                "3",
                "--problem-share",
                "0.5",
                "--out",
                str(out),
                "-q",
            ],
            check=True,
            env=env,
            cwd=ROOT,
        )
        outputs.append((out.read_bytes(), Path(f"{out}.expected.jsonl").read_bytes()))
    assert outputs[0] == outputs[1]


def test_households_stream_lazily() -> None:
    # a billion households: only the ones taken are ever built
    config = GeneratorConfig(10**9, seed=1, villages=4)
    first = list(itertools.islice(generate_households(config), 3))
    assert [g.household["id"][-7:] for g in first] == ["0000001", "0000002", "0000003"]


def test_generated_households_are_valid_records(clean: list[dict]) -> None:
    for record in clean:
        Household.model_validate(record)
    ids = [r["id"] for r in clean]
    assert len(set(ids)) == len(ids)


def test_clean_households_raise_no_finding(clean: list[dict]) -> None:
    rules = RuleSet(r for r in load_rules() if r.code.startswith(BUILT_IN))
    result = check(
        [Household.model_validate(r) for r in clean], rules=rules, reference_date=date(2020, 9, 30)
    )
    assert Counter(f.code for f in result.findings) == Counter()


def test_household_sizes_are_one_to_eight_mostly_three_to_five(clean: list[dict]) -> None:
    sizes = Counter(len(r["members"]) for r in clean)
    assert min(sizes) >= 1 and max(sizes) <= 8
    assert sum(sizes[s] for s in (3, 4, 5)) / len(clean) > 0.55
    assert all(r["recorded_size"] == len(r["members"]) for r in clean)


def test_people_have_valid_ids_matching_birth_date_and_sex(clean: list[dict]) -> None:
    numbers = []
    for record in clean:
        for member in record["members"]:
            found = check_id(member["id_number"])
            assert found.valid, member["id_number"]
            assert found.birth_date == date.fromisoformat(member["birth_date"])
            assert found.male == (member["sex"] == "male")
            assert member["id_number"][:6] == "522425"
            numbers.append(member["id_number"])
    assert len(set(numbers)) == len(numbers)


def test_phones_are_valid_mobile_numbers_unique_per_household(clean: list[dict]) -> None:
    phones = [r["phone"] for r in clean]
    assert all(len(p) == 11 and p[0] == "1" and p[1] in "3456789" and p.isdigit() for p in phones)
    assert len(set(phones)) == len(phones)


def test_relations_ages_labour_and_schooling_agree(clean: list[dict]) -> None:
    when = date(2020, 9, 30)
    male = {"son", "grandson", "father", "son_in_law"}
    female = {"daughter", "granddaughter", "mother", "daughter_in_law"}
    for record in clean:
        members = record["members"]
        assert [m["relation"] for m in members].count("head") == 1
        for member in members:
            age = age_on(date.fromisoformat(member["birth_date"]), when)
            assert age is not None and 0 <= age <= 95
            if member["relation"] in male:
                assert member["sex"] == "male"
            if member["relation"] in female:
                assert member["sex"] == "female"
            if age < 16:
                assert member["labour_capacity"] == "none"
            if 6 <= age <= 14:
                assert member["schooling"] in ("primary", "junior_secondary", "home_taught")
        assert any(m["labour_capacity"] in ("normal", "skilled") for m in members)


def test_students_of_16_or_more_are_recorded_without_labour_after_2020() -> None:
    # The monitoring export records every 在校生 as 无劳动力 (EDU007, fuping:rules/1111_07.py);
    # the registration era keeps its own labour draw.
    when = date(2023, 9, 30)
    students = [
        member["labour_capacity"]
        for g in generate_households(GeneratorConfig(600, seed=5, problem_share=0, year=2023))
        for member in g.household["members"]
        if member["schooling"] not in ("not_student", "dropped_out", "preschool")
        and (age_on(date.fromisoformat(member["birth_date"]), when) or 0) >= 16
    ]
    assert students and set(students) <= {"none", "lost"}


def test_income_is_realistic_and_registered_as_computed(clean: list[dict]) -> None:
    per_capita = []
    for record in clean:
        gross = sum(s["amount"] for s in record["income"] if s["year"] == 2020)
        costs = sum(c["amount"] for c in record["production_costs"] if c["year"] == 2020)
        transfer = sum(
            s["amount"]
            for s in record["income"]
            if s["year"] == 2020 and s["category"] == "transfer"
        )
        value = (gross - costs) / len(record["members"])
        assert abs(value - record["recorded_per_capita_income"]) < 0.01
        assert transfer / gross < 0.5
        if any(s["category"] == "operating" for s in record["income"]):
            assert costs > 0  # farming income always comes with its production costs
        per_capita.append(value)
    mean = sum(per_capita) / len(per_capita)
    # end-2020 registered households averaged 10,740 yuan per head (domain.md §1.1)
    assert 8_000 < mean < 16_000
    assert min(per_capita) > 6_000  # above the monitoring range: clean households are not at risk


def test_housing_is_mostly_safe_and_water_safe(clean: list[dict]) -> None:
    grades = Counter(r["housing"]["safety_grade"] for r in clean)
    assert set(grades) <= {"A", "B"}
    assert grades["B"] > grades["A"]
    assert all(r["water"]["quality_safe"] for r in clean)
    piped = sum(r["water"]["piped_into_home"] for r in clean) / len(clean)
    assert 0.7 < piped < 0.95


def test_some_households_are_monitored_and_all_have_helpers(clean: list[dict]) -> None:
    monitored = [r for r in clean if r.get("monitoring")]
    assert 0.05 < len(monitored) / len(clean) < 0.3
    assert all(r["helper"] and r["helper"]["name"] for r in clean)
    assert all(r["visits"] for r in clean)


def test_problem_share_is_respected() -> None:
    generator = Generator(GeneratorConfig(3000, seed=8, problem_share=0.25))
    items = list(generator.households())
    share = sum(1 for g in items if g.injected) / len(items)
    assert 0.2 < share < 0.3
    assert sum(generator.summary.problems.values()) == sum(1 for g in items if g.injected)


def test_every_household_code_is_injected_when_problems_abound() -> None:
    generator = Generator(GeneratorConfig(4000, seed=9, problem_share=1.0))
    injected = {g.injected for g in generator.households()}
    household_codes = {
        code
        for code, variants in all_injectors().items()
        if variants[0].kind in ("household", "pair")
        and not variants[0].after_registration  # 2020: the registration era (MON004 in 2023)
    }
    assert injected - {None} == household_codes
    assert not generator.summary.skipped


def test_weights_shape_the_mix_and_zero_turns_a_code_off() -> None:
    weights = {"HOU001": 20.0, "SUP001": 0.0}
    generator = Generator(GeneratorConfig(2000, seed=10, problem_share=0.5, weights=weights))
    counts = Counter(g.injected for g in generator.households() if g.injected)
    assert counts.most_common(1)[0][0] == "HOU001"
    assert "SUP001" not in counts


def test_unknown_weight_code_is_rejected() -> None:
    with pytest.raises(ValueError, match="XYZ001"):
        Generator(GeneratorConfig(10, weights={"XYZ001": 1.0}))


def test_a_duplicate_person_spans_two_households() -> None:
    generator = Generator(
        GeneratorConfig(
            200,
            seed=4,
            problem_share=1.0,
            weights={code: 0.0 for code in all_injectors() if code != "DQ004"},
        )
    )
    items = list(itertools.islice(generator.households(), 2))
    first, second = items
    assert first.injected == second.injected == "DQ004"
    [expected_first] = first.expected
    [expected_second] = second.expected
    shared = first.household["members"][expected_first.member - 1]
    head = second.household["members"][expected_second.member - 1]
    assert expected_second.member == 1 and head["relation"] == "head"
    assert (head["id_number"], head["name"], head["birth_date"]) == (
        shared["id_number"],
        shared["name"],
        shared["birth_date"],
    )


def test_needs_come_with_the_findings_that_legitimately_follow() -> None:
    generator = Generator(
        GeneratorConfig(
            300,
            seed=6,
            problem_share=1.0,
            weights={code: 0.0 for code in all_injectors() if code not in ("EDU002", "INC003")},
        )
    )
    for item in generator.households():
        codes = sorted(e.code for e in item.expected)
        if item.injected == "EDU002":
            assert codes == ["EDU002", "SUP004"]
            assert len({e.member for e in item.expected}) == 1
        elif item.injected == "INC003":
            assert codes == ["INC001", "INC003"]


def test_before_monitoring_no_household_is_monitored() -> None:
    generator = Generator(GeneratorConfig(300, seed=2, year=2019, problem_share=1.0))
    items = list(generator.households())
    assert not any(g.household.get("monitoring") for g in items)
    assert not {g.injected for g in items} & {"MON001", "MON002", "MON003"}
    assert generator.ctx.when == date(2019, 9, 30)


def test_villages_and_projects_come_with_the_county(tmp_path: Path) -> None:
    folder = _generate(tmp_path, "a", households=900, problem_share=0.0)
    villages = json.loads((folder / "villages.json").read_text(encoding="utf-8"))
    projects = json.loads((folder / "projects.json").read_text(encoding="utf-8"))
    assert len(villages) == 4  # one per 250 households
    assert len({v["id"] for v in villages}) == 4
    assert all(len(v["id"]) == 12 and v["id"].startswith("522425") for v in villages)
    assert len(projects) >= 10
    assert (folder / "expected.jsonl").read_text(encoding="utf-8") == ""


def test_json_format_writes_one_array(tmp_path: Path) -> None:
    out = tmp_path / "households.json"
    write_dataset(GeneratorConfig(20, seed=1), output_paths(out))
    records = json.loads(out.read_text(encoding="utf-8"))
    assert len(records) == 20
    Household.model_validate(records[0])


def test_cli_generates_a_file_with_its_manifest(tmp_path: Path) -> None:
    out = tmp_path / "hh.jsonl"
    result = CliRunner().invoke(
        cli,
        [
            "generate",
            "--households",
            "120",
            "--seed",
            "2",
            "--out",
            str(out),
            "--problem-share",
            "0.5",
            "--weight",
            "HOU001=40,SUP001=0",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "已生成 120 户" in result.output and "generated 120 households" in result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 120
    manifest = [
        json.loads(line)
        for line in Path(f"{out}.expected.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    injected = Counter(entry["injected"] for entry in manifest if entry["kind"] == "household")
    assert "SUP001" not in injected
    assert injected.most_common(1)[0][0] == "HOU001"


def test_cli_rejects_a_malformed_weight(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["generate", "-n", "5", "--out", str(tmp_path / "x.jsonl"), "--weight", "HOU001"]
    )
    assert result.exit_code == 2
    assert "'HOU001'：应为 代码=权重" in result.output and "CODE=WEIGHT" not in result.output
    english = CliRunner().invoke(
        cli, ["generate", "-n", "5", "--out", str(tmp_path / "x.jsonl"), "--weight", "HOU001"],
        env={"PLANNER_LANG": "en"})
    assert "'HOU001': expected CODE=WEIGHT" in english.output and "代码" not in english.output


def test_cli_reports_an_existing_file_as_out_without_a_traceback(tmp_path: Path) -> None:
    taken = tmp_path / "households"  # no suffix: read as a folder, but it is a file
    taken.write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["generate", "-n", "3", "--out", str(taken)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert f"无法写出 {taken}" in result.output and "如 .jsonl" in result.output
    english = CliRunner().invoke(cli, ["--lang", "en", "generate", "-n", "3", "--out", str(taken)])
    assert f"cannot write {taken}" in english.output and "such as .jsonl" in english.output


def test_cli_reports_an_unwritable_out_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["generate", "-n", "3", "--out", str(blocker / "sub" / "households.jsonl")]
    )
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "无法写出" in result.output and "cannot write" not in result.output


def test_cli_lists_every_problem_code() -> None:
    result = CliRunner().invoke(cli, ["generate", "--list-problems"])
    assert result.exit_code == 0, result.output
    listed = {line.split()[0] for line in result.output.splitlines()}
    assert listed == set(all_injectors())
    assert {"INC002", "DQ004", "VIL001", "PRJ001"} <= listed


def test_parquet_goes_through_planner_io_and_reads_back(tmp_path: Path) -> None:
    from planner.io import read_households

    out = tmp_path / "households.parquet"
    write_dataset(GeneratorConfig(30, seed=1, problem_share=0.5), output_paths(out))
    generated = [
        g.household["id"]
        for g in generate_households(GeneratorConfig(30, seed=1, problem_share=0.5))
    ]
    assert [h.id for h in read_households(out)] == generated
    assert Path(f"{out}.expected.jsonl").exists()
