"""Writing households and villages as the national 2023 export files: the reader's inverse.

The cells come from the shipped layouts (:mod:`planner.io.exportlayouts`: which headers, in which
order) read backwards through the column map that reads them (``default_columns.yaml``: which
field a header feeds, and its value labels), so a header or label added there is written here
too. Each file holds one sheet with the export's two title rows above the header. What a layout
cannot express (``cannot_express``) is not written: reading the files back gives the same model
values for every field the layout carries, at month precision for month columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from planner.facts import ACTIVE_STATUSES
from planner.io.columns import ColumnMap, MapEntry, TableMap, default_column_map
from planner.io.exportlayouts import ExportLayout, answered_kind, export_layouts
from planner.io.tabular import XlsxTables
from planner.measures.catalog import MeasureCatalog, default_catalog
from planner.model import Household, Village
from planner.model.vocab import LABELS_ZH, DisabilityCategory

#: The sheet (and file) name of each written layout, as the 2023 monitoring system names them.
EXPORT_SHEETS = {
    "monitoring_2023_members": "（自定义）监测对象信息",
    "monitoring_2023_work_records": "（务工月监测）已外出务工信息",
    "monitoring_2023_villages": "（自定义）行政村信息",
}
#: Month cells: the member sheet writes ``202303``, the work-record sheet ``2023年03月``.
_MONTH_FORMATS = {"work_record": "{year}年{month:02d}月"}
_MONTH_FORMAT = "{year}{month:02d}"
_LABELS = {value: label for (_enum, value), label in LABELS_ZH.items()}


# The export's measure column (assistance.*) of a catalog family, and of measures listed apart.
_FAMILY_COLUMNS = {
    "industry": "industry", "employment": "employment", "finance": "finance",
    "education": "education", "health": "health", "housing": "housing",
    "water": "drinking_water", "social_protection": "social_security",
    "infrastructure": "infrastructure",
}
_MEASURE_COLUMNS = {"public_welfare_post": "public_welfare_post",
                    "forest_ranger": "public_welfare_post", "relocation": "relocation"}
# Items as the export writes them where the catalog label differs (综合保障: 农村低保).
_ITEMS = {"dibao": "农村低保", "microcredit": "扶贫小额信贷"}
# Benefits the export shows as an item of a measure column, not in a member's answers.
_BENEFIT_ITEMS = {
    "family_doctor": ("health", "家庭医生签约服务"),
    "dibao": ("social_security", "农村低保"),
    "tekun": ("social_security", "特困供养"),
    "disability_living_subsidy": ("social_security", "困难残疾人生活补贴"),
    "severe_disability_care_subsidy": ("social_security", "重度残疾人护理补贴"),
}
_DEVELOPMENT = ("industry", "employment", "public_welfare_post", "finance")
# Benefit items the export also answers in a member's own column (享受低保政策情况 …).
_OWN_COLUMNS = {_BENEFIT_ITEMS["dibao"][1], _BENEFIT_ITEMS["tekun"][1]}


def with_assistance(household: Household, catalog: MeasureCatalog | None = None) -> Household:
    """``household`` with the export's measure columns (产业帮扶 … 综合保障) filled from its plan:
    each active measure as an item of its family's column, a family-doctor contract under
    健康帮扶 and the members' 低保, 特困 and disability subsidies under 综合保障, and
    实施开发式帮扶措施情况 是 when a development measure is among them. Columns the
    record already has are kept as recorded, but for a member's family-doctor contract and
    disability subsidies, added to a recorded 健康帮扶 / 综合保障 (the export has no member
    column for them); a household without such a measure or benefit is unchanged.
    The export has no plan (``measures``), so a district writes what it did this way."""
    catalog = catalog or default_catalog()
    items: dict[str, Any] = {}
    for measure in household.measures:
        active = measure.status in ACTIVE_STATUSES and measure.measure in set(catalog)
        entry = catalog[measure.measure] if active else None
        column = None if entry is None else _MEASURE_COLUMNS.get(
            entry.id, _FAMILY_COLUMNS.get(entry.family or ""))
        if entry is not None and column is not None:
            item = _ITEMS.get(entry.id, entry.label.zh)
            if item not in items.setdefault(column, []):
                items[column].append(item)
    benefits: dict[str, list[str]] = {}
    for member in household.members:
        for benefit in member.benefits or ():
            column, item = _BENEFIT_ITEMS.get(benefit.value, (None, ""))
            if column is not None and item not in benefits.setdefault(column, []):
                benefits[column].append(item)
    if not items and not benefits:
        return household
    if any(items.get(column) for column in _DEVELOPMENT):
        items["development_measures"] = "是"
    recorded = household.assistance.model_dump() if household.assistance is not None else {}
    filled = {column: value for column, value in items.items() if recorded.get(column) is None}
    assistance = {**recorded, **filled}
    # The export answers a member's family-doctor contract and disability subsidies only as
    # items of 健康帮扶 / 综合保障, so they are listed even in a recorded column; 低保 and 特困
    # have their own member columns, and a recorded 综合保障 keeps its items for them (their
    # disagreement is BEN001/BEN002's to find).
    for column, listed in benefits.items():
        have = list(assistance.get(column) or [])
        added = [item for item in listed if item not in have and item not in _OWN_COLUMNS]
        if added:
            assistance[column] = have + added
    return Household.model_validate({**household.model_dump(), "assistance": assistance})


def with_disability_cards(household: Household) -> Household:
    """``household`` with each card holder (a member whose disability category and grade are
    recorded, as only the card's assessment gives them) identified by the 20-digit 残疾人证号
    (ID number, category digit, grade digit) and 证件类型 残疾人证, as the export records them:
    it has no category or grade column."""
    members = []
    for member in household.members:
        number, category, grade = member.id_number, member.disability_category, \
            member.disability_grade
        if number and len(number) == 18 and category is not None and grade is not None:
            digit = tuple(DisabilityCategory).index(category) + 1
            # the card number is the ID number and two digits, an ID's check character X inside
            member = member.model_copy(update={"id_number": f"{number}{digit}{grade}",
                                               "id_type": "残疾人证"})
        members.append(member)
    return household.model_copy(update={"members": members})


def _layout(name: str) -> ExportLayout:
    return next(layout for layout in export_layouts() if layout.name == name)


def _walk(data: Any, parts: Sequence[str]) -> Any:
    for part in parts:
        if data is None:
            return None
        if part.isdigit():
            index = int(part)
            data = data[index] if isinstance(data, list) and index < len(data) else None
        else:
            data = data.get(part) if isinstance(data, dict) else None
    return data


def _matches(mapped: Any, value: Any, parent: dict[str, Any] | None) -> bool:
    """Whether reading a label mapped to ``mapped`` gives back ``value`` (its siblings in
    ``parent`` for a label setting several fields)."""
    if isinstance(mapped, dict):
        if parent is None:
            return False
        for key, wanted in mapped.items():
            have = parent.get(key)
            if isinstance(wanted, list):
                if not isinstance(have, list) or not set(wanted) <= set(have):
                    return False
            elif have != wanted:
                return False
        return True
    if isinstance(value, list):
        return mapped in value
    return mapped is not None and mapped == value


def label_of(entry: MapEntry, value: Any, parent: dict[str, Any] | None) -> Any:
    """The cell that ``entry`` reads back as ``value``: the most specific vocabulary label (one
    setting sibling fields first), a default's label, else the value itself (its Chinese label
    for a vocabulary value); for a known list without the kind a yes/no column answers, its
    "no" label (否); None for a list answered by no label."""
    vocabulary = entry.values
    leaf = entry.field.rsplit(".", 1)[-1] if entry.field else None
    for label, mapped in vocabulary.items():
        # a label that leaves the column's own field blank (健康状况 死亡 sets only the change)
        # reads back as a set value only for a list answered per kind (享受低保政策情况 否)
        if (isinstance(mapped, dict) and (leaf in mapped or value is None
                                          or isinstance(value, list))
                and _matches(mapped, value, parent)):
            return label
    for label, mapped in vocabulary.items():
        if not isinstance(mapped, dict) and _matches(mapped, value, parent):
            return label
    if value is None:
        return None
    kind = answered_kind(entry)
    if kind is not None and isinstance(value, list) and kind not in value:
        # a known list without the column's kind: the export answers 否 (declined), not blank
        for label, mapped in vocabulary.items():
            if isinstance(mapped, dict) and any(isinstance(v, list) and kind in v
                                                for v in mapped.values()):
                return label
    for label, mapped in entry.defaults.items():
        if mapped == value:
            return label
    if isinstance(value, list) or entry.defaults:
        return None  # a closed yes/no column whose answer is another column's
    if isinstance(value, str | bool) and value in _LABELS and not entry.values:
        return _LABELS[value]
    return value


def _month(value: Any, kind: str) -> str | None:
    if not value:
        return None
    day = date.fromisoformat(str(value))
    return _MONTH_FORMATS.get(kind, _MONTH_FORMAT).format(year=day.year, month=day.month)


def _income(record: dict[str, Any], category: str, year: int | None) -> float:
    return sum(item["amount"] for item in record.get("income") or ()
               if item["category"] == category and (year is None or item["year"] == year))


class _Cells:
    """The cells of one layout's header for records dumped as JSON-ready dicts."""

    def __init__(self, layout: ExportLayout, column_map: ColumnMap, income_year: int | None):
        self.layout = layout
        self.table: TableMap = column_map.table(layout.table)
        self.households: TableMap = column_map.table("households")
        self.income_year = income_year
        # without a cost column the export's operating income is net of production costs
        self.net_operating = not any(
            (entry := self.table.entry(h)) is not None and entry.cost for h in layout.headers)
        # the n-th header feeding one list field (致贫/返贫风险1–5) writes the list's n-th item
        self.position: dict[str, int] = {}
        seen: dict[str, list[str]] = {}
        for header in layout.headers:
            entry = self.table.entry(header)
            if entry is not None and entry.field and not entry.values and not entry.type:
                seen.setdefault(entry.field, []).append(header)
        for headers in seen.values():
            if len(headers) > 1:
                self.position.update((header, n) for n, header in enumerate(headers))

    def row(self, record: dict[str, Any], member: dict[str, Any] | None,
            part: dict[str, Any] | None = None) -> list[Any]:
        """The cells of one row: ``record`` (a household or village), its ``member`` and, on a
        part sheet, the ``part`` item (a work spell) the row is about."""
        cells = []
        for header in self.layout.headers:
            entry = self.table.entry(header)
            source: dict[str, Any] | None = part if part is not None else record
            if entry is None and part is not None:  # a repeat of the member sheet's column
                entry, source = self.households.entry(header), record
            cells.append(None if entry is None else self._cell(header, entry, source, record,
                                                               member))
        return cells

    def _totals(self, record: dict[str, Any]) -> dict[str, float]:
        """The income columns' amounts. Without a cost column they hold net income: costs are
        deducted from operating income, a loss beyond it from wage, then transfer income, so
        that the columns still add up to the household's net income where it is positive."""
        totals = {category: _income(record, category, self.income_year)
                  for category in ("wage", "operating", "property", "transfer")}
        loss = self._costs(record) if self.net_operating else 0.0
        for category in ("operating", "wage", "transfer"):
            deducted = min(loss, totals[category])
            totals[category] -= deducted
            loss -= deducted
        return totals

    def _costs(self, record: dict[str, Any]) -> float:
        return sum(c["amount"] for c in record.get("production_costs") or ()
                   if self.income_year is None or c["year"] == self.income_year)

    def _cell(self, header: str, entry: MapEntry, source: dict[str, Any] | None,
              record: dict[str, Any], member: dict[str, Any] | None) -> Any:
        if entry.income:
            return self._totals(record)[entry.income]
        if entry.cost:
            return self._costs(record)
        assert entry.field is not None
        parts = entry.field.split(".")
        if source is not record:  # a part row: its own fields, the keys from the household
            keys = {"household_id": record.get("id"),
                    "id_number": (member or {}).get("id_number")}
            if entry.field in keys:
                return keys[entry.field]
        elif parts[0] == "member":
            source, parts = member, parts[1:]
        parent = _walk(source, parts[:-1])
        value = _walk(parent, parts[-1:])
        if isinstance(value, list) and header in self.position:
            index = self.position[header]
            value = value[index] if index < len(value) else None
        if entry.type == "month":
            return _month(value, self.layout.kind)
        if entry.scale is not None and value is not None:
            return value / entry.scale
        if entry.values or entry.defaults:
            return label_of(entry, value, parent if isinstance(parent, dict) else None)
        if isinstance(value, list):  # one cell listing the items (产业帮扶: 种植补贴、养殖补贴)
            return "、".join(str(item) for item in value) or None
        return value


def _spells(member: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The member's spells of work a work-record row says something about (the member sheet's
    务工所在地 carries only the first spell's place)."""
    for spell in member.get("employment") or ():
        if any(value is not None for key, value in spell.items() if key not in ("place",
                                                                                "months")):
            yield spell


def _member_place(member: dict[str, Any]) -> dict[str, Any]:
    """The member as the member sheet sees it: 务工所在地 is the first spell's place only."""
    employment = member.get("employment") or []
    if not employment:
        return member
    return {**member, "employment": [{"place": employment[0].get("place")}]}


def _dump(record: BaseModel) -> dict[str, Any]:
    return record.model_dump(mode="json")


def _as_lived_in(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` (a dumped household) as 是否危房户 answers it: for the house the household lives
    in. A household living in a safe house (投亲靠友, with its children) is no 危房户, whatever
    the grade of a C or D house it owns; the export has no column for either fact apart."""
    housing = record.get("housing") or {}
    if housing.get("lives_in_safe_house") is True and housing.get("safety_grade") in ("C", "D"):
        record["housing"] = {**housing, "safety_grade": "B"}
    return record


def household_rows(households: Iterable[Household], income_year: int | None = None,
                   column_map: ColumnMap | None = None) -> tuple[list[list[Any]], list[list[Any]]]:
    """The member-sheet rows (one per member) and work-record rows (one per spell) of
    ``households``, header first; income totals are those of ``income_year`` (None: all)."""
    column_map = column_map or default_column_map()
    members = _Cells(_layout("monitoring_2023_members"), column_map, income_year)
    work = _Cells(_layout("monitoring_2023_work_records"), column_map, income_year)
    member_rows: list[list[Any]] = [list(members.layout.headers)]
    work_rows: list[list[Any]] = [list(work.layout.headers)]
    for household in households:
        record = _as_lived_in(_dump(household))
        year = income_year if income_year is not None else record.get("income_year")
        members.income_year = year
        for member in record["members"]:
            member_rows.append(members.row(record, _member_place(member)))
            for spell in _spells(member):
                work_rows.append(work.row(record, member, spell))
    return member_rows, work_rows


def village_rows(villages: Iterable[Village],
                 column_map: ColumnMap | None = None) -> list[list[Any]]:
    """The village-sheet rows of ``villages``, header first."""
    cells = _Cells(_layout("monitoring_2023_villages"), column_map or default_column_map(), None)
    return [list(cells.layout.headers), *(cells.row(_dump(v), None) for v in villages)]


def write_sheet(path: Path, sheet: str, rows: Sequence[Sequence[Any]], title: str,
                note: str) -> None:
    """Write ``rows`` (header first) as one XLSX sheet under the export's two title rows
    (``title``：sheet name, then ``note``), byte-identical for the same rows."""
    tables = XlsxTables(path, sheet, [f"{title}：{sheet}"])
    tables.write(sheet, (), [note])
    for row in rows:
        tables.write(sheet, (), [None if cell is None else cell for cell in row])
    tables.close()


def write_export(folder: Path, households: Iterable[Household], villages: Iterable[Village] = (),
                 *, income_year: int | None = None, title: str = "防止返贫监测对象信息（自定义）",
                 note: str = "", column_map: ColumnMap | None = None) -> dict[str, Path]:
    """Write ``households`` and ``villages`` as the 2023 export's member, work-record and village
    files in ``folder`` (``<sheet>.xlsx``); returns the paths by layout name."""
    folder.mkdir(parents=True, exist_ok=True)
    member_rows, work_rows = household_rows(households, income_year, column_map)
    rows = {"monitoring_2023_members": member_rows, "monitoring_2023_work_records": work_rows,
            "monitoring_2023_villages": village_rows(villages, column_map)}
    written = {}
    for name, sheet in EXPORT_SHEETS.items():
        path = folder / f"{sheet}.xlsx"
        write_sheet(path, sheet, rows[name], title, note)
        written[name] = path
    return written


__all__ = ["EXPORT_SHEETS", "household_rows", "label_of", "village_rows", "with_assistance",
           "with_disability_cards", "write_export", "write_sheet"]
