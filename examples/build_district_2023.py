"""Regenerate the monitoring-era example district 示范县 (2023) in ``examples/district_2023/``.

Run from the repository root::

    .venv/bin/python examples/build_district_2023.py

It writes the district as the 2023 national export (planner.io.exportwrite): the member sheet
``（自定义）监测对象信息.xlsx``, the work-record sheet ``（务工月监测）已外出务工信息.xlsx`` and the
village sheet ``（自定义）行政村信息.xlsx``, with the manifest of expected findings
``expected.jsonl`` and ``planner.toml``. Everything comes from :mod:`planner.generate` with a
fixed seed, so running it twice gives identical bytes. Every registered injector is drawn, each
at least once, except the codes the export cannot show (:func:`excluded_codes`): a rule that needs
a field the layout does not carry is skipped by the engine, and :data:`EVIDENCE_NOT_CARRIED` lists
the codes whose rule runs but whose planted evidence lies in a field the export does not write.
An injector added later is drawn without a change here.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from planner import load_rules
from planner.backends.python.fact_helpers import water_safe
from planner.generate import Expected, Generator, GeneratorConfig
from planner.generate.area import clean_village
from planner.generate.problems import Injector
from planner.generate.writer import manifest_lines
from planner.io.columns import default_column_map
from planner.io.exportlayouts import export_layouts
from planner.io.exportwrite import (
    with_assistance,
    with_disability_cards,
    write_export,
)
from planner.io.sources import part_fields
from planner.model import Household, Village
from planner.params import ParamValues, load_parameters
from planner.spec.needs import missing_needs

HERE = Path(__file__).resolve().parent
DISTRICT = HERE / "district_2023"
SEED = 2023
HOUSEHOLDS = 300
PROBLEM_SHARE = 0.3
REFERENCE_DATE = date(2023, 10, 31)
INCOME_YEAR = 2023
PROVINCE = "贵州"
TITLE = "示范县防止返贫监测对象信息（自定义）"
NOTE = "导出时间：2023-10-31"
TOWNS = (
    ("河口镇", ("石桥村", "白岩村", "杨柳村", "核桃村")),
    ("青山乡", ("大寨村", "小河村", "松林村", "竹林村")),
    ("龙场镇", ("坪上村", "沙坝村", "团结村", "新民村")),
)
#: Codes whose rule runs on the export but whose planted problem lies in a field it does not write.
EVIDENCE_NOT_CARRIED: dict[str, str] = {
    "DQ002": "a birth date a day off the ID number's (no birth-date column)",
    "EDU003": "an age set by the birth date (no birth-date column: the age comes from the ID)",
    "DIS003": "disability subsidies as a member's benefits (the export answers 低保, 特困 "
              "and 医疗救助 only)",
    "INC005": "last year's income (no income-history column)",
    "PST003": "a second post's dates (the member sheet carries one post, without dates)",
    "RSK011": "a renovated or relocated house (no renovation or relocation status column: the "
              "export holds the house as never made safe, and RSK005 fires beside it; RSK011 is "
              "planted with RSK005)",
}
#: Kinds of problem the export cannot hold: it has no project sheet.
NO_SHEET = ("project", "town")

PLANNER_TOML = f"""\
# Configuration of the 2023 example district: `planner check examples/district_2023` reads it.
reference-date = "{REFERENCE_DATE.isoformat()}"
province = "{PROVINCE}"
income-year = {INCOME_YEAR}
"""


def with_water_answer(household: Household, params: ParamValues) -> Household:
    """``household`` with 是否解决安全饮用水 (``water.safe``) answered from the four indicators
    (quality, quantity, convenience, reliability; thresholds from ``params``) where it is not
    recorded, as the export gives the one overall answer: unchanged when the indicators do not
    decide it."""
    if household.water.safe is not None:
        return household
    safe = water_safe(household.water, params=params)
    if safe is None:
        return household
    return household.model_copy(
        update={"water": household.water.model_copy(update={"safe": safe})})


@cache
def carried(kind: str) -> frozenset[str]:
    """The model fields the written export carries for households or villages."""
    layouts = {layout.name: layout for layout in export_layouts()}
    columns = default_column_map()
    if kind == "village":
        return layouts["monitoring_2023_villages"].carried_fields(columns)
    work = layouts["monitoring_2023_work_records"].carried_fields(columns)
    return (layouts["monitoring_2023_members"].carried_fields(columns)
            | part_fields("work_record", work))


@cache
def _needs() -> dict[str, tuple[str, ...]]:
    return {rule.code: tuple(rule.needs) for rule in load_rules()}


def skipped_on_export(code: str, kind: str = "household") -> tuple[str, ...]:
    """The fields rule ``code`` needs that the export does not carry (it is not run on it)."""
    return missing_needs(_needs().get(code, ()), carried(kind))


def excluded_codes(injectors: dict[str, tuple[Injector, ...]]) -> dict[str, str]:
    """Every injector code not planted here, with why (the README and the tests list them)."""
    excluded = {}
    for code, variants in injectors.items():
        kind = "village" if variants[0].kind == "village" else "household"
        missing = skipped_on_export(code, kind)
        if variants[0].registration_era:
            excluded[code] = "registration era only: exits end with 2020"
        elif variants[0].kind in NO_SHEET:
            excluded[code] = "no project sheet in the export"
        elif missing:
            excluded[code] = "needs " + ", ".join(missing)
        elif code in EVIDENCE_NOT_CARRIED:
            excluded[code] = EVIDENCE_NOT_CARRIED[code]
    return excluded


class CoveringGenerator(Generator):
    """The generator, drawing each household code once (in code order) before drawing by
    weight, so that every code is planted in a district of a few hundred households."""

    def __init__(self, config: GeneratorConfig):
        super().__init__(config)
        self.pending = list(self._choices["household"][0])

    def choose(self, kind: str, rng: random.Random) -> Injector | None:
        chosen = super().choose(kind, rng)
        if chosen is None or kind != "household" or not self.pending:
            return chosen
        code = self.pending.pop(0)
        variants = [v for v in self.injectors[code] if v.kind in ("household", "pair")]
        return variants[0] if len(variants) == 1 else rng.choice(variants)


def config(injectors: dict[str, tuple[Injector, ...]]) -> GeneratorConfig:
    """The generator's settings: the excluded codes at weight 0."""
    return GeneratorConfig(
        households=HOUSEHOLDS,
        seed=SEED,
        reference_date=REFERENCE_DATE,
        problem_share=PROBLEM_SHARE,
        town_villages=TOWNS,
        parameters=load_parameters(province=PROVINCE),
        weights=dict.fromkeys(excluded_codes(injectors), 0.0),
    )


def _shown(expected: list[Expected], kind: str = "household") -> list[Expected]:
    """The expected findings the export can show (a companion code whose rule is skipped on
    the export is left out)."""
    return [e for e in expected if not skipped_on_export(e.code, kind)]


def _villages(generator: CoveringGenerator) -> Iterator[tuple[dict[str, Any], str | None,
                                                               list[Expected]]]:
    """The villages, the village codes planted one per village in code order (ids as the
    export's reader makes them: county/town/village)."""
    ctx = generator.ctx
    rng = random.Random(f"district-2023-villages/{SEED}")
    codes = list(generator._choices["village"][0])
    for number, slot in enumerate(ctx.layout.villages):
        village = clean_village(ctx.layout, slot, rng, ctx.when)
        region = village["region"]
        village["id"] = "/".join((region["county"], region["town"], region["village"]))
        if number >= len(codes):
            yield village, None, []
            continue
        [injector] = [v for v in generator.injectors[codes[number]] if v.kind == "village"]
        yield village, injector.code, _shown(injector.function(village, rng, ctx), "village")


def as_exported(record: dict[str, Any]) -> Household:
    """A generated household as the export records it: its plan's measures in the measure
    columns, disability cards as 残疾人证号, and property income (the export has no 财产性收入
    column) under 转移性收入, where the national statistics put dividends of the 2023 exports'
    asset-income projects, and 是否解决安全饮用水 answered from the four water indicators."""
    for item in record["income"]:
        if item["category"] == "property":
            item["category"] = "transfer"
    household = with_assistance(Household.model_validate(record))
    return with_water_answer(with_disability_cards(household), _values())


@cache
def _values() -> ParamValues:
    return load_parameters(province=PROVINCE).at(REFERENCE_DATE)


README_HEAD = """\
# 示范县（2023）— the monitoring-era example district

<!-- Written by examples/build_district_2023.py: edit the script, not this file. -->

同一个虚构的贵州省毕节市示范县，2023 年防返贫监测时期，以全国系统 2023 年导出表的格式保存：
监测对象信息、已外出务工信息、行政村信息三个 XLSX 文件（表头上方两行标题），参考日期
**{date}**，收入年度 {year}，采用贵州省参数（监测范围 7300 元）。{households} 户、{villages} 个村，
由 `planner.generate` 以固定种子 {seed} 生成，约 {share:.0%} 的户被植入一个问题；`expected.jsonl`
列出每个问题应产生的发现。所有姓名、证件号码、电话均为合成数据。

The same made-up county of Guizhou (示范县), in the monitoring era: the district written as the
2023 national export (planner.io.exportwrite): the member, work-record and village sheets as XLSX
files with the export's two title rows, reference date **{date}**, income year {year}, Guizhou's
parameters (`province = "{province}"`: the 7,300-yuan monitoring range). {households} households
and {villages} villages generated by `planner.generate` with seed {seed}; about {share:.0%} of the
households carry one planted problem, listed with the findings it must give in `expected.jsonl`.
Nothing here is real.

```bash
.venv/bin/python examples/build_district_2023.py   # regenerate (same bytes each time)
.venv/bin/planner check examples/district_2023     # reads planner.toml: date, province, income year
```

## 文件 / Files

| file | what it is |
|---|---|
| `（自定义）监测对象信息.xlsx` | one row per member, the household columns \
repeated: identity, status, monitoring group and dates, risks, income totals of {year}, \
conditions, measure columns |
| `（务工月监测）已外出务工信息.xlsx` | one row per spell of work, joined to the \
member by 证件号码 |
| `（自定义）行政村信息.xlsx` | one row per village (id: county/town/village) |
| `expected.jsonl` | the findings the planted problems must give: \
`{{"subject", "kind", "injected", "expected": [{{"code", "member"}}]}}` |
| `planner.toml` | `reference-date`, `province`, `income-year` |

## 如何从模型写成导出表 / How the model becomes the export

- 帮扶计划中的有效措施写入对应的帮扶列（产业帮扶、就业帮扶……），
  家庭医生签约写入健康帮扶，低保、特困、残疾人补贴写入综合保障；
  有产业、就业、公益岗位或金融帮扶时 实施开发式帮扶措施情况 为“是”。
  The plan's active measures become items of the export's measure columns, the family-doctor
  contract an item of 健康帮扶, 低保/特困/disability subsidies items of 综合保障
  (`planner.io.exportwrite.with_assistance`).
- 持证残疾人的证件号码写成 20 位残疾人证号，证件类型为“残疾人证”。
  Card holders are written with their 20-digit 残疾人证号 (`with_disability_cards`).
- 是否解决安全饮用水 由饮水安全的四项指标（水质、水量、用水方便程度、供水保证率）得出。
  是否解决安全饮用水 is the overall answer of the four water indicators (`with_water_answer`).
- 导出表没有财产性收入列：财产性收入计入转移性收入；生产经营性收入为扣除生产经营支出后的净额。
  The export has no 财产性收入 column: property income is written under 转移性收入;
  operating income is net of costs.

## 植入的问题 / What is planted where

Each code below is planted on the households (or villages) listed in `expected.jsonl` under
`"injected"`; every injector of `planner.generate` is drawn at least once, except those listed
in the next section.

| code | planted on |
|---|---|
"""

README_EXCLUDED = """
## 未植入的代码 / Codes not planted

导出表不含这些问题所需的字段，或植入的证据落在导出表不写的字段上（规则因缺少字段而未运行时，
`planner check` 会提示“规则未运行”）。The export cannot show these: the rule needs a field the
layout does not carry (the engine skips it with a notice), or the planted evidence lies in a field
the export does not write.

| code | why |
|---|---|
"""


def readme(counts: dict[str, int], planted: dict[str, list[str]], excluded: dict[str, str]) -> str:
    """The district's README: what is planted where, and which codes are not (and why)."""
    head = README_HEAD.format(
        date=REFERENCE_DATE.isoformat(), year=INCOME_YEAR, households=counts["households"],
        villages=counts["villages"], seed=SEED, share=PROBLEM_SHARE, province=PROVINCE)
    rows = [f"| {code} | {len(subjects)}: {', '.join(f'`{s}`' for s in subjects[:3])}"
            f"{' …' if len(subjects) > 3 else ''} |" for code, subjects in sorted(planted.items())]
    skipped = [f"| {code} | {why} |" for code, why in sorted(excluded.items())]
    return head + "\n".join(rows) + "\n" + README_EXCLUDED + "\n".join(skipped) + "\n"


def build(folder: Path = DISTRICT) -> dict[str, int]:
    """Write every file of the district into ``folder``; returns counts for the caller."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "planner.toml").write_text(PLANNER_TOML, encoding="utf-8")
    injectors = Generator(GeneratorConfig(households=0)).injectors
    generator = CoveringGenerator(config(injectors))
    planted: dict[str, list[str]] = {}
    households: list[Household] = []
    counts = {"households": 0, "villages": 0, "expected": 0}
    lines = []
    for item in generator.households():
        households.append(as_exported(item.household))
        expected = _shown(item.expected)
        if expected:
            lines.append(manifest_lines(item.household["id"], "household", item.injected,
                                        expected))
            planted.setdefault(item.injected or "", []).append(item.household["id"])
        counts["expected"] += len(expected)
    villages = []
    for village, code, expected in _villages(generator):
        villages.append(Village.model_validate(village))
        if expected:
            lines.append(manifest_lines(village["id"], "village", code, expected))
            planted.setdefault(code or "", []).append(village["id"])
        counts["expected"] += len(expected)
    write_export(folder, households, villages, income_year=INCOME_YEAR, title=TITLE, note=NOTE)
    with (folder / "expected.jsonl").open("w", encoding="utf-8", newline="\n") as manifest:
        manifest.writelines(lines)
    counts["households"], counts["villages"] = len(households), len(villages)
    (folder / "README.md").write_text(readme(counts, planted, excluded_codes(injectors)),
                                      encoding="utf-8", newline="\n")
    return counts


if __name__ == "__main__":
    summary = build()
    print(
        f"示范县（2023）已生成 / example district 2023 written to {DISTRICT}: "
        f"{summary['households']} households, {summary['villages']} villages, "
        f"{summary['expected']} expected findings"
    )
