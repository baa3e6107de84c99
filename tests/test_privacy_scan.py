"""Every output of the example run, hostile local rules included, is scanned for personal data.

The example district gets hostile company: a Python rule that puts members' ID numbers, phones and
names into its evidence and message, a YAML rule whose message prints ``household.members``, a
rule whose exception quotes a helper's name and an ID number, a household whose id is a citizen ID
and records with an ID number in the wrong field or column. The sensitive strings are taken from
the input itself; none may appear unmasked in any format of ``check``, ``plan``, ``validate`` or
``convert``, nor in a file name, unless ``--show-personal`` asks for them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from planner.idnumber import ID_PATTERN, MOBILE_PATTERN, check_digit

from .conftest import EXAMPLES

DISTRICT = EXAMPLES / "district"
PLANNER = [sys.executable, "-c", "from planner.cli import main; main()"]


def _citizen_id(body: str) -> str:
    return body + check_digit(body)


CITIZEN_HOUSEHOLD = _citizen_id("52242519800101123")  # a household id that is an ID number
MISPLACED_ID = _citizen_id("52242519910203456")  # typed into the birth-date field
KEPT_HOUSEHOLDS = 60

LEAKY_PY = '''\
"""Hostile local rules: they quote members and helpers wherever they can."""

from planner import Hit, rule


@rule(code="LOC901", name="quotes-members", family="local", severity="warning",
      message={"zh": "成员：{values[who]}", "en": "members: {values[who]}"})
def quotes_members(ctx):
    """Quotes every member.

    ## What it checks
    Nothing: it leaks.
    """
    household = ctx.household
    if household is None or not household.members:
        return
    people = [m.record for m in household.members]
    who = "; ".join(f"{p.name} {p.id_number} {p.phone}" for p in people)
    helper = household.record.helper
    yield Hit(values={"who": who}, evidence={
        "who": who,
        "people": [{"n": p.name, "i": p.id_number, "p": p.phone} for p in people],
        "contact": helper.name if helper else None,
        "first": people[0].name,
    })


@rule(code="LOC902", name="raises-with-names", family="local", severity="warning",
      message={"zh": "从不", "en": "never"})
def raises_with_names(ctx):
    """Raises with a helper's name and an ID number in the text.

    ## What it checks
    Nothing: it fails.
    """
    household = ctx.household
    if household is None or household.record.helper is None or not household.members:
        return
    raise ValueError(f"帮扶人 {household.record.helper.name} 核对 "
                     f"{household.members[0].record.id_number}\\x1b[2J")
    yield Hit()


RULES = (quotes_members, raises_with_names)
'''

LEAKY_YAML = """\
rules:
  - code: LOC903
    name: prints-members
    family: local
    scope: household
    severity: info
    message:
      zh: "成员 {household.members}；帮扶 {household.helper}；走访 {household.visits}"
      en: "members {household.members}; helper {household.helper}; visits {household.visits}"
    when: {fact: household.size, gt: 0}
    doc: |
      Prints whole members.

      ## What it checks
      Nothing: it leaks.
"""


def _hostile_households() -> list[dict]:
    """A household whose id is a citizen ID, and a rejected one with an ID in a wrong field."""
    first = json.loads((DISTRICT / "households.jsonl").open(encoding="utf-8").readline())
    citizen = json.loads(json.dumps(first))
    citizen["id"] = CITIZEN_HOUSEHOLD
    names = ["赵铁柱", "钱春花", "赵小虎", "孙翠屏"]
    for number, (member, name) in enumerate(zip(citizen["members"], names, strict=False), 1):
        member["name"] = name
        member["id_number"] = _citizen_id(member["id_number"][:6] + member["birth_date"]
                                          .replace("-", "") + f"9{number}7")
        member["phone"] = f"1390000{number:04d}"
    citizen["helper"] = {"name": "欧阳明月", "phone": "13700001234", "organisation": "县民政局"}
    citizen["visits"] = [{"on": "2020-09-01", "visitor": "欧阳明月"}]
    misplaced = json.loads(json.dumps(first))
    misplaced["id"] = "522425-101-9999"
    misplaced["members"][1]["name"] = "诸葛红梅"
    misplaced["members"][1]["birth_date"] = MISPLACED_ID
    misplaced["members"][1]["relation"] = "\x1b[2J诸葛"
    return [citizen, misplaced]


def _district(root: Path) -> Path:
    district = root / "district"
    shutil.copytree(DISTRICT, district)
    # The named households and the first generated ones: every rule family fires, in seconds.
    lines = (DISTRICT / "households.jsonl").read_text("utf-8").splitlines(keepends=True)
    with (district / "households.jsonl").open("w", encoding="utf-8") as stream:
        stream.writelines(lines[:KEPT_HOUSEHOLDS])
        for household in _hostile_households():
            stream.write(json.dumps(household, ensure_ascii=False) + "\n")
    (district / "leaky.py").write_text(LEAKY_PY, encoding="utf-8")
    (district / "leaky.yaml").write_text(LEAKY_YAML, encoding="utf-8")
    return district


def _misplaced_csv(root: Path) -> Path:
    """A CSV export: the household id is a citizen ID, an ID number sits in the birth-date
    column, a phone in the relation column."""
    path = root / "export.csv"
    rows = [
        "户编号,证件号码,姓名,与户主关系,出生日期,家庭成员联系电话,帮扶责任人",
        f"{CITIZEN_HOUSEHOLD},522425197503120018,王建国,户主,1975-03-12,13885710001,刘志强",
        f"{CITIZEN_HOUSEHOLD},522425197706080028,李秀英,13885710002,{MISPLACED_ID},,刘志强",
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _misplaced_xlsx(root: Path) -> Path:
    """The same in XLSX, the misplaced ID number stored as a number (as Excel does)."""
    path = root / "export.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["户编号", "证件号码", "姓名", "与户主关系", "出生日期"])
    sheet.write_row(1, 0, [CITIZEN_HOUSEHOLD, "522425197503120018", "王建国", "户主",
                           "1975-03-12"])
    sheet.write_row(2, 0, [CITIZEN_HOUSEHOLD, "522425197706080028", "李秀英", "配偶"])
    sheet.write_number(2, 4, float(MISPLACED_ID))
    workbook.close()
    return path


def _sensitive(files: list[Path]) -> set[str]:
    """ID numbers, phones and names of the input: by pattern over the text, names by field."""
    found: set[str] = set()
    for path in files:
        text = path.read_text(encoding="utf-8")
        found.update(ID_PATTERN.findall(text))
        found.update(MOBILE_PATTERN.findall(text))
    for line in (files[0]).read_text(encoding="utf-8").splitlines():
        household = json.loads(line)
        names = [m.get("name") for m in household.get("members", [])]
        names += [(household.get("helper") or {}).get("name")]
        names += [v.get("visitor") for v in household.get("visits", [])]
        found.update(n for n in names if n)
    found.update(["王建国", "李秀英", "刘志强"])
    return found


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run([*PLANNER, *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd, env=env, check=False, timeout=300)


def _read(path: Path) -> str:
    if path.suffix == ".xlsx":
        workbook = CalamineWorkbook.from_path(str(path))
        return "\n".join(
            "\t".join(str(cell) for cell in row)
            for name in workbook.sheet_names
            for row in workbook.get_sheet_by_name(name).to_python()
        )
    if path.suffix == ".png":
        return ""
    return path.read_text(encoding="utf-8")


def _outputs(root: Path, *, show_personal: bool = False) -> dict[str, str]:
    """Every output of every command on the hostile inputs, by a label naming the run.

    With ``show_personal``, one run per command is enough to prove the scan sees what it seeks.
    """
    extra = ("--show-personal",) if show_personal else ()
    district = _district(root / "in")
    rules = ("--rules", district / "leaky.py", "--rules", district / "leaky.yaml")
    out = root / "out"
    out.mkdir()
    texts: dict[str, str] = {}

    def keep(label: str, result: subprocess.CompletedProcess[str], *files: Path) -> None:
        assert "Traceback" not in result.stderr, (label, result.stderr)
        assert result.returncode in (0, 1, 2), (label, result.returncode, result.stderr)
        texts[label] = result.stdout + "\n" + result.stderr
        for path in files:
            texts[f"{label}:{path.name}"] = _read(path)

    check_formats = ("json",) if show_personal else ("text", "json", "jsonl", "csv", "sarif")
    for fmt in check_formats:
        for explain in ((), ("--explain",)):
            target = out / f"check{''.join(explain)}.{fmt}"
            keep(f"check {fmt}{''.join(explain)}", _run(
                "check", district, *rules, "--exit-zero", "--output-format", fmt, *explain,
                "--output", target, *extra, cwd=root), target)
    keep("check text stdout --explain", _run(
        "check", district, *rules, "--exit-zero", "--explain", "--lang", "en", *extra, cwd=root))
    for fmt in ("jsonl",) if show_personal else ("text", "json", "jsonl", "csv", "xlsx"):
        target = out / f"plan.{fmt}"
        keep(f"plan {fmt}", _run("plan", district, *rules, "--output-format", fmt,
                                 "--output", target, *extra, cwd=root), target)
    keep("plan text stdout", _run("plan", district, *rules, "--lang", "en", *extra, cwd=root))
    small = root / "small"
    small.mkdir()
    with (small / "households.jsonl").open("w", encoding="utf-8") as stream:
        stream.write(json.dumps(_hostile_households()[0], ensure_ascii=False) + "\n")
    gantt = out / "gantt"
    keep("plan gantt", _run("plan", small, *rules, "--gantt", gantt, "--output-format", "json",
                            *extra, cwd=root), *sorted(gantt.iterdir()))
    texts["gantt file names"] = "\n".join(p.name for p in gantt.iterdir())
    for source in (_misplaced_csv(root / "in"), _misplaced_xlsx(root / "in")):
        for fmt in ("text", "json"):
            keep(f"validate {source.name} {fmt}",
                 _run("validate", source, "--format", fmt, *extra, cwd=root))
        keep(f"convert {source.name}",
             _run("convert", source, out / f"converted-{source.stem}.jsonl", *extra, cwd=root))
    keep("validate district", _run("validate", district, *extra, cwd=root))
    texts["output file names"] = "\n".join(str(p.relative_to(out)) for p in out.rglob("*"))
    return texts


def _secrets(root: Path) -> set[str]:
    secrets = _sensitive([root / "in" / "district" / "households.jsonl",
                          root / "in" / "export.csv"])
    assert {CITIZEN_HOUSEHOLD, MISPLACED_ID, "欧阳明月", "13900000001"} <= secrets
    return secrets


def _leaks(texts: dict[str, str], secrets: set[str]) -> dict[str, list[str]]:
    return {label: sorted(s for s in secrets if s in text) for label, text in texts.items()
            if any(s in text for s in secrets)}


@pytest.fixture(scope="module")
def masked_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], set[str]]:
    root = tmp_path_factory.mktemp("masked")
    texts = _outputs(root)
    return texts, _secrets(root)


def test_no_output_or_file_name_of_the_example_run_quotes_personal_data_unmasked(
        masked_run: tuple[dict[str, str], set[str]]) -> None:
    texts, secrets = masked_run
    assert len(texts) > 30
    assert _leaks(texts, secrets) == {}


def test_show_personal_shows_what_the_scan_looks_for(tmp_path: Path) -> None:
    texts = _outputs(tmp_path, show_personal=True)
    leaks = _leaks(texts, _secrets(tmp_path))
    assert {CITIZEN_HOUSEHOLD, "欧阳明月", "赵铁柱", "13900000001"} <= set(
        leaks["check json:check.json"])
    assert {CITIZEN_HOUSEHOLD, "欧阳明月"} <= set(leaks["plan jsonl:plan.jsonl"])
    assert CITIZEN_HOUSEHOLD in leaks["gantt file names"]
    assert MISPLACED_ID in leaks["validate export.csv json"]


def test_terminal_control_characters_never_reach_a_human_output(
        masked_run: tuple[dict[str, str], set[str]]) -> None:
    texts, _ = masked_run
    human = {label: text for label, text in texts.items()
             if label.startswith(("check text", "plan text", "validate", "convert"))
             and not label.endswith(("json", ".jsonl"))}
    assert len(human) >= 8
    control = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
    assert {label for label, text in human.items() if control.search(text)} == set()


def test_json_outputs_stay_valid_and_escape_control_characters(
        masked_run: tuple[dict[str, str], set[str]]) -> None:
    texts, _ = masked_run
    for label in ("check json:check.json", "check sarif--explain:check--explain.sarif",
                  "plan json:plan.json"):
        assert "\x1b" not in texts[label]
        json.loads(texts[label])
