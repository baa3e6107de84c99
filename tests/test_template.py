"""`planner template`: blank workbooks whose header row planner recognises, filled in by hand
(cells written into the template's own sheet XML, as a spreadsheet program saves them) and read
back with no error and no warning."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from planner.io import open_dataset, read_sources
from planner.io.headerspec import layout_sheets, template_layouts
from planner.io.template import LISTS_SHEET, write_template

PLANNER = str(Path(sys.executable).parent / "planner")
EXPORT_LAYOUTS = [name for name in template_layouts() if name not in (
    "households", "villages", "projects")]


def _sheet_parts(book: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part (``xl/worksheets/sheet1.xml``)."""
    workbook = book.read("xl/workbook.xml").decode()
    rels = book.read("xl/_rels/workbook.xml.rels").decode()
    targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', rels))
    return {escape_name: "xl/" + targets[rid] for escape_name, rid in
            re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="(rId\d+)"', workbook)}


def _cell(ref: str, value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def fill(template: Path, target: Path, sheets: dict[str, list[dict[str, Any]]]) -> Path:
    """A copy of ``template`` with rows (header → value) added below the header of each sheet."""
    with zipfile.ZipFile(template) as book:
        parts = _sheet_parts(book)
        contents = {name: book.read(name) for name in book.namelist()}
    for sheet, rows in sheets.items():
        part = parts[sheet]
        xml = contents[part].decode()
        headers = re.findall(r'<c r="([A-Z]+)1"', xml)
        strings = _header_strings(contents, xml)
        column = {text: letters for letters, text in zip(headers, strings, strict=True)}
        body = []
        for number, row in enumerate(rows, start=2):
            cells = "".join(_cell(f"{column[h]}{number}", v) for h, v in
                            sorted(row.items(), key=lambda item: _order(column[item[0]])))
            body.append(f'<row r="{number}">{cells}</row>')
        xml = xml.replace("</sheetData>", "".join(body) + "</sheetData>")
        last = len(rows) + 1
        xml = re.sub(r'<dimension ref="A1:([A-Z]+)1"/>', rf'<dimension ref="A1:\g<1>{last}"/>', xml)
        contents[part] = xml.encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in contents.items():
            out.writestr(name, data)
    return target


def _order(letters: str) -> tuple[int, str]:
    return len(letters), letters


def _header_strings(contents: dict[str, bytes], xml: str) -> list[str]:
    shared = re.findall(r"<si><t[^>]*>([^<]*)</t></si>", contents["xl/sharedStrings.xml"].decode())
    first = xml[xml.index("<sheetData>"):xml.index("</row>")]
    return [shared[int(i)] for i in re.findall(r'<c r="[A-Z]+1"[^>]*t="s"><v>(\d+)</v>', first)]


ID = "522425197005060016"
SON = "522425200001010012"


def test_a_filled_households_template_reads_back_with_the_values_given(tmp_path):
    blank = write_template(tmp_path / "blank.xlsx", "households")
    assert [s.name for s in blank][:2] == ["households", "income"]
    household = {"id": "H1", "region.county": "示范县", "region.village": "一村",
                 "status": "脱贫户", "category": "低保户", "causes": "因病;缺技术",
                 "housing.safety_grade": "C级危房", "water.quality_safe": "是",
                 "income_year": 2023, "recorded_per_capita_income": 5200.5}
    rows = [{**household, "member.id_number": ID, "member.relation": "户主", "member.sex": "男",
             "member.birth_date": 25694, "member.health": "长期慢性病",
             "member.benefits": "低保"},
            {**household, "member.id_number": SON, "member.relation": "之子",
             "member.sex": "男", "member.schooling": "初中", "member.grade": 2}]
    income = [{"household_id": "H1", "category": "工资性收入", "amount": 12000, "year": 2023}]
    path = fill(tmp_path / "blank.xlsx", tmp_path / "households.xlsx",
                {"households": rows, "income": income})

    read = read_sources(path)
    assert (read.errors, read.warnings) == ([], [])
    assert [(t.kind, t.stats.accepted) for t in read.tables] == [("household", 1)]
    (got,) = read.households
    assert (got.id, got.region.county, got.status.value, got.category.value) == (
        "H1", "示范县", "exited", "dibao")
    assert [c.value for c in got.causes] == ["illness", "lack_of_skills"]
    assert (got.housing.safety_grade.value, got.water.quality_safe) == ("C", True)
    assert got.recorded_per_capita_income == 5200.5
    head, son = got.members
    assert (head.id_number, head.relation.value, head.birth_date) == (
        ID, "head", date(1970, 5, 6))
    assert [b.value for b in head.benefits] == ["dibao"]
    assert (son.schooling.value, son.grade) == ("junior_secondary", 2)
    assert [(i.category.value, i.amount, i.year) for i in got.income] == [("wage", 12000, 2023)]

    dataset = open_dataset(path)
    assert [h.id for h in dataset.households()] == ["H1"]
    assert (dataset.errors, dataset.warnings) == ([], [])


def test_a_filled_export_template_pair_is_recognised_and_joined(tmp_path):
    members = write_template(tmp_path / "m.xlsx", "monitoring_2023_members")
    work = write_template(tmp_path / "w.xlsx", "monitoring_2023_work_records")
    member_row = {"县": "示范县", "乡": "一镇", "村": "一村", "户编号": "H1", "户类型": "脱贫户",
                  "监测对象类别": "边缘易致贫户", "识别监测时间": "202303", "证件号码": ID,
                  "性别": "1", "与户主关系": "户主", "健康状况": "健康", "劳动技能": "普通劳动力",
                  "在校生状况": "非在校生", "享受低保政策情况": "否", "工资性收入": "1.2万"}
    spell = {"户编号": "H1", "证件号码": ID, "是否已务工": "是", "开始时间": "2023年03月",
             "结束时间": "202311", "务工所在县": "某县", "务工月收入": 3000}
    fill(tmp_path / "m.xlsx", tmp_path / "监测对象信息.xlsx", {members[0].name: [member_row]})
    fill(tmp_path / "w.xlsx", tmp_path / "务工.xlsx", {work[0].name: [spell]})

    read = read_sources([tmp_path / "监测对象信息.xlsx", tmp_path / "务工.xlsx"],
                        income_year=2023)
    assert (read.errors, read.warnings) == ([], [])
    assert [t.layout for t in read.tables] == ["monitoring_2023_members",
                                               "monitoring_2023_work_records"]
    (got,) = read.households
    (member,) = got.members
    assert (member.sex.value, member.relation.value, member.benefits_declined) == (
        "male", "head", ["dibao"])
    assert got.monitoring.identified_on == date(2023, 3, 1)
    assert [(i.category.value, i.amount) for i in got.income] == [("wage", 12000)]
    (employment,) = member.employment
    assert (employment.start, employment.end, employment.monthly_pay) == (
        date(2023, 3, 1), date(2023, 11, 1), 3000)


@pytest.mark.parametrize("name", EXPORT_LAYOUTS)
def test_every_export_template_is_recognised_as_its_layout(name, tmp_path):
    path = tmp_path / f"{name}.xlsx"
    write_template(path, name, "en")
    read = read_sources(path, income_year=2023)
    assert [t.layout for t in read.tables] == [name]
    assert (read.errors, read.warnings) == ([], [])


@pytest.mark.parametrize("name", ["households", "villages", "projects"])
def test_planner_s_own_templates_are_read_by_their_file_name(name, tmp_path):
    path = tmp_path / f"{name}.xlsx"
    write_template(path, name)
    dataset = open_dataset(path)
    assert list(dataset.households()) == [] and dataset.villages == dataset.projects == []
    assert (dataset.errors, dataset.warnings) == ([], [])


def _label_rows(name: str, lang: str) -> tuple[str, list[dict[str, Any]], int]:
    """One record per drop-down label of every closed column of ``name``'s first sheet."""
    (sheet, *_parts) = layout_sheets(name)
    base = {"households": {"id": "H{n}", "monitoring.group": "marginal"},
            "monitoring_2023_members": {"户编号": "H{n}", "监测对象类别": "边缘易致贫户"},
            "registration_households": {"户编号": "H{n}"},
            "villages": {"id": "V{n}"},
            "monitoring_2023_villages": {"县": "示范县", "乡": "一镇", "村": "村{n}"}}[name]
    rows = []
    for spec in sheet.headers:
        for label in spec.labels(lang):
            n = len(rows)
            rows.append({**{k: v.format(n=n) for k, v in base.items()}, spec.header: label})
    return sheet.name, rows, len(rows)


@pytest.mark.parametrize(("name", "lang"), [
    ("households", "zh"), ("households", "en"), ("villages", "zh"),
    ("monitoring_2023_members", "zh"), ("registration_households", "zh"),
    ("monitoring_2023_villages", "zh")])
def test_every_label_a_drop_down_offers_is_read(name, lang, tmp_path):
    write_template(tmp_path / "blank.xlsx", name, lang)
    sheet, rows, count = _label_rows(name, lang)
    stem = "villages" if "village" in name else "households"
    path = fill(tmp_path / "blank.xlsx", tmp_path / f"{stem}.xlsx", {sheet: rows})
    read = read_sources(path, income_year=2023)
    assert [str(e) for e in read.errors] == []
    records = read.villages if stem == "villages" else read.households
    assert len(records) == count > 3


def _xml(path: Path, part: str) -> str:
    with zipfile.ZipFile(path) as book:
        return book.read(part).decode()


def test_the_template_has_drop_downs_formats_notes_and_a_frozen_header(tmp_path):
    path = tmp_path / "m.xlsx"
    (sheet,) = write_template(path, "monitoring_2023_members")
    xml = _xml(path, "xl/worksheets/sheet1.xml")
    closed = [s for s in sheet.headers if s.closed]
    assert xml.count("<dataValidation ") == len(closed) > 10
    assert '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' in xml
    # the schooling vocabulary is too long for the validation itself: it is on the hidden sheet
    workbook = _xml(path, "xl/workbook.xml")
    assert f'<sheet name="{LISTS_SHEET}" sheetId="2" state="hidden"' in workbook
    assert f"<formula1>'{LISTS_SHEET}'!$" in xml
    notes = _xml(path, "xl/comments1.xml")
    assert "member.schooling" in notes and "member.id_number" in notes


def test_a_date_column_is_formatted_as_a_date_and_an_id_column_as_text(tmp_path):
    path = tmp_path / "households.xlsx"
    write_template(path, "households")
    header = layout_sheets("households")[0].headers
    xml = _xml(path, "xl/worksheets/sheet1.xml")
    styles = re.findall(r'<col min="(\d+)" max="\d+" width="[^"]+" style="(\d+)"', xml)
    style_of = {int(column) - 1: int(style) for column, style in styles}
    formats = re.findall(r"<xf [^>]*?numFmtId=\"(\d+)\"", _xml(path, "xl/styles.xml").split(
        "<cellXfs")[1])
    codes = dict(re.findall(r'<numFmt numFmtId="(\d+)" formatCode="([^"]+)"',
                            _xml(path, "xl/styles.xml")))
    codes |= {"0": "General", "1": "0", "4": "#,##0.00", "49": "@"}  # Excel's built-in formats

    def code(name: str) -> str:
        index = [h.header for h in header].index(name)
        return codes[formats[style_of[index]]]

    assert code("member.birth_date") == "yyyy-mm-dd"
    assert code("member.id_number") == "@"
    assert code("member.grade") == "0"
    assert code("recorded_per_capita_income") == "#,##0.00"


def _planner(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PLANNER, *args], cwd=cwd,
                          capture_output=True, text=True, check=False)


def test_the_command_writes_refuses_to_overwrite_and_lists_the_layouts(tmp_path):
    done = _planner("template", "-o", "new/folder/t.xlsx", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    written = (tmp_path / "new/folder/t.xlsx").read_bytes()
    assert "8 个工作表" in done.stderr

    again = _planner("template", "--layout", "monitoring_2023_villages", "-o",
                     "new/folder/t.xlsx", cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr and "Traceback" not in again.stderr
    assert (tmp_path / "new/folder/t.xlsx").read_bytes() == written

    forced = _planner("template", "--layout", "monitoring_2023_villages", "-o",
                      "new/folder/t.xlsx", "--force", cwd=tmp_path)
    assert forced.returncode == 0
    assert read_sources(tmp_path / "new/folder/t.xlsx").tables[0].layout == (
        "monitoring_2023_villages")

    listed = _planner("template", "--list", cwd=tmp_path)
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == list(
        template_layouts())
    assert _planner("template", cwd=tmp_path).returncode == 2
    wrong = _planner("template", "-o", "t.csv", cwd=tmp_path)
    assert wrong.returncode == 2 and ".xlsx" in wrong.stderr
    assert not (tmp_path / "t.csv").exists()
    unknown = _planner("template", "--layout", "nope", "-o", "t.xlsx", cwd=tmp_path)
    assert unknown.returncode == 2 and not (tmp_path / "t.xlsx").exists()


def test_the_same_layout_gives_the_same_bytes(tmp_path):
    write_template(tmp_path / "a.xlsx", "monitoring_2023_members")
    write_template(tmp_path / "b.xlsx", "monitoring_2023_members")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


# The reference of the layouts (docs/io.md, generated by planner.io.layoutdocs) lists what the
# templates ask for: every header, every accepted label, what no header feeds.

def _layout_sections() -> dict[str, str]:
    from planner.io.layoutdocs import render

    text = render()
    found = re.split(r"\n(?=### )", text)
    return {re.search(r"Layout `([^`]+)`", part).group(1): part  # type: ignore[union-attr]
            for part in found if "Layout `" in part}


def test_every_vocabulary_label_of_every_layout_is_listed_in_its_header_row():
    from planner.io.exportlayouts import export_layouts
    from planner.io.headerspec import export_header
    from planner.model.vocab import LABELS_ZH

    sections = _layout_sections()
    checked = 0
    for layout in export_layouts():
        rows = {line.split(" | ")[0].lstrip("| "): line
                for line in sections[layout.name].splitlines() if line.startswith("| ")}
        for header in layout.headers:
            spec = export_header(layout, header)
            if spec is None or spec.entry is None:
                continue
            row = rows[header]
            labels = [*spec.entry.values, *spec.entry.defaults]
            if spec.closed and spec.value_type is not bool:
                labels += [LABELS_ZH[(spec.value_type, m.value)] for m in spec.value_type
                           if (spec.value_type, m.value) in LABELS_ZH]
            missing = [label for label in labels if label not in row]
            assert missing == [], (layout.name, header, missing)
            checked += len(labels)
    assert checked > 300


def test_every_layout_section_has_the_stable_section_names():
    for name, section in _layout_sections().items():
        headings = re.findall(r"^#### (.+)$", section, re.MULTILINE)
        assert headings == ["Headers", "Deliberately not read",
                            "What this layout cannot express"], name
        assert f"planner template --layout {name} -o FILE.xlsx" in section


def test_what_a_layout_cannot_express_is_the_model_minus_what_its_headers_carry():
    from planner.io.exportlayouts import export_layouts
    from planner.io.layoutdocs import uncarried

    layouts = {layout.name: layout for layout in export_layouts()}
    assert uncarried(layouts["monitoring_2023_work_records"]) == {
        "member.employment": ["member.employment.place", "member.employment.months"]}
    assert uncarried(layouts["monitoring_2023_work_plans"]) == {}
    members = uncarried(layouts["monitoring_2023_members"])
    assert "member.birth_date" in members["member"]
    assert "member.id_number" not in members["member"]
    assert "helper.name" in members["household"] and "causes" in members["household"]
    assert "income.amount" not in members.get("income", [])  # fed by the income totals
    villages = uncarried(layouts["monitoring_2023_villages"])
    assert "id" not in villages["village"]  # made of county, town and village
    assert "dibao_people" not in villages["village"] and "road_due" in villages["village"]
    registration = uncarried(layouts["registration_households"])
    assert "member.birth_date" not in registration["member"]
    assert "monitoring.group" in registration["household"]
    section = _layout_sections()["monitoring_2023_work_records"]
    assert "- member.employment: `member.employment.place`, `member.employment.months`" in section


def test_the_docs_list_planner_s_own_columns_as_generated():
    from planner.io.layoutdocs import OWN_BEGIN, OWN_END, render_own

    page = (Path(__file__).parents[1] / "docs" / "io.md").read_text(encoding="utf-8")
    section = page[page.index(OWN_BEGIN):page.index(OWN_END) + len(OWN_END)]
    assert section == render_own(), "run: python -m planner.io.layoutdocs docs/io.md"
    for name in ("households", "villages", "projects"):
        for sheet in layout_sheets(name):
            assert all(f"| `{spec.header}` |" in section for spec in sheet.headers)
    assert "| `member.relation` | labels: 户主 / head, 配偶 / spouse," in section


def test_the_notes_speak_the_chosen_language_and_say_the_field(tmp_path):
    write_template(tmp_path / "zh.xlsx", "households", "zh")
    write_template(tmp_path / "en.xlsx", "households", "en")
    zh, en = (_xml(tmp_path / f"{lang}.xlsx", "xl/comments1.xml") for lang in ("zh", "en"))
    assert "字段 / field: member.birth_date" in zh and "日期，如 2020-03-01" in zh
    assert "date, e.g. 2020-03-01" in en and "日期" not in en.split("member.birth_date")[1][:40]
    assert "可填：户主、配偶" in zh and "accepted: head、spouse" in en
    zh_sheet = _xml(tmp_path / "zh.xlsx", "xl/worksheets/sheet1.xml")
    en_sheet = _xml(tmp_path / "en.xlsx", "xl/worksheets/sheet1.xml")
    assert '<formula1>"男,女"</formula1>' in zh_sheet
    assert '<formula1>"male,female"</formula1>' in en_sheet


def test_a_yes_no_question_about_one_value_offers_its_answers_only():
    (sheet,) = layout_sheets("monitoring_2023_members")
    specs = {spec.header: spec for spec in sheet.headers}
    assert specs["是否参加城乡居民基本医疗保险"].labels() == ("是", "否")
    assert specs["享受低保政策情况"].labels()[:3] == ("是", "享受", "已享受")
    assert "不享受" in specs["享受低保政策情况"].labels()
    assert specs["性别"].labels() == ("男", "女", "1", "2", "男性", "女性")
    assert specs["证件号码"].labels() == () and specs["证件号码"].cell == "text"
    assert specs["识别监测时间"].cell == "month"


def test_an_unknown_layout_is_refused_by_name():
    with pytest.raises(ValueError, match="nope"):
        layout_sheets("nope")
