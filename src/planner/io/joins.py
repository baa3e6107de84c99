"""Joining part-sheet rows to the households read from the household-member sheet.

A row names its member by ID number (证件号码), narrowed by its household id when it has one, or
by household id + member position (成员序号). A row that names no member of the households read
is an input error naming its file, row and field: it never becomes a household of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from planner.io.cells import ascii_digits
from planner.io.errors import WARNING, InputError, mask_value
from planner.io.partsheets import HouseholdInfoRow, SheetRow, WorkPlanRow, WorkRecordRow
from planner.model import EmploymentRecord, Household, Member, WorkPlan

_EMPLOYMENT_FIELDS = set(EmploymentRecord.model_fields)
_PLAN_FIELDS = set(WorkPlan.model_fields)


def _id_key(value: str | None) -> str | None:
    return ascii_digits(value).strip().upper() if value else None


@dataclass
class _Index:
    """Where each household and each member's ID number is, and what each gains."""

    households: list[Household]
    by_id: dict[str, int] = field(default_factory=dict)
    by_number: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    employment: dict[tuple[int, int], list[EmploymentRecord]] = field(default_factory=dict)
    plans: dict[tuple[int, int], WorkPlan] = field(default_factory=dict)
    living: dict[int, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for h_index, household in enumerate(self.households):
            self.by_id[household.id] = h_index
            for m_index, member in enumerate(household.members):
                key = _id_key(member.id_number)
                if key:
                    self.by_number.setdefault(key, []).append((h_index, m_index))


def _error(row: SheetRow, field_name: str, value: Any, zh: str, en: str, mask: bool,
           household: str | None = None, level: str = "error") -> InputError:
    return InputError(**row.place, field=field_name, household=household or None,
                      value=mask_value(field_name, value, mask), reason_zh=zh, reason_en=en,
                      level=level)


def _member(index: _Index, row: SheetRow, mask: bool) -> tuple[int, int] | InputError:
    """The (household, member) positions ``row`` names, or the error saying why none."""
    record = row.record
    hid = record.household_id
    if hid is not None and hid not in index.by_id:
        return _error(row, "household_id", hid, "户编号不在所读的户（监测对象信息表）中",
                      "household id not among the households read (household-member sheet)",
                      mask, hid)
    key = _id_key(record.id_number)
    if key:
        found = [p for p in index.by_number.get(key, ())
                 if hid is None or index.households[p[0]].id == hid]
        if len(found) == 1:
            return found[0]
        if not found:
            where_zh = f"户 {hid} 中" if hid else "所读的户中"
            where_en = f"in household {hid}" if hid else "among the households read"
            return _error(row, "id_number", record.id_number,
                          f"{where_zh}没有该证件号码的成员",
                          f"no member with this ID number {where_en}",
                          mask, hid)
        return _error(row, "id_number", record.id_number,
                      "该证件号码出现在多个户中，且此行没有户编号可区分",
                      "this ID number is in several households and the row has no household id",
                      mask, hid)
    number = getattr(record, "member_number", None)
    if hid is not None and number is not None:
        h_index = index.by_id[hid]
        if number <= len(index.households[h_index].members):
            return h_index, number - 1
        return _error(row, "member_number", number, "成员序号在该户中不存在",
                      "no member with this number in the household", mask, hid)
    return _error(row, "id_number", None, "此行未指明成员：需要证件号码，或户编号加成员序号",
                  "the row names no member: it needs an ID number, or a household id and a member "
                  "number", mask, hid)


def _household_of(index: _Index, row: SheetRow, mask: bool) -> int | InputError:
    record: HouseholdInfoRow = row.record
    if record.household_id is not None:
        found = index.by_id.get(record.household_id)
        if found is None:
            return _error(row, "household_id", record.household_id,
                          "户编号不在所读的户（监测对象信息表）中",
                          "household id not among the households read (household-member sheet)",
                          mask, record.household_id)
        return found
    places = index.by_number.get(_id_key(record.id_number) or "", [])
    if len({h for h, _ in places}) == 1:
        return places[0][0]
    return _error(row, "household_id", None, "此行未指明户：需要户编号或户内成员的证件号码",
                  "the row names no household: it needs a household id or a member's ID number",
                  mask)


def _living(index: _Index, h_index: int, row: SheetRow, mask: bool) -> list[InputError]:
    """Household facts of a 户信息 row: they fill what the member sheet left blank."""
    household = index.households[h_index]
    values = row.record.living.model_dump(exclude_none=True)
    gained = index.living.setdefault(h_index, {})
    errors = []
    for name, value in values.items():
        have = gained.get(name, getattr(household.living, name))
        if have is None:
            gained[name] = value
        elif have != value:
            errors.append(_error(
                row, f"living.{name}", value, f"与监测对象信息表的值（{have}）不一致，保留后者",
                f"differs from the household-member sheet ({have}); that value is kept",
                mask, household.id, WARNING))
    return errors


def join_part_rows(households: list[Household], rows: Iterable[SheetRow],
                   mask: bool = True) -> tuple[list[Household], list[InputError]]:
    """``households`` with the part rows joined (new copies where changed), and the rows that
    could not be joined as input errors."""
    index = _Index(households)
    errors: list[InputError] = []
    for row in rows:
        if isinstance(row.record, HouseholdInfoRow):
            h_index = _household_of(index, row, mask)
            if isinstance(h_index, InputError):
                errors.append(h_index)
            else:
                errors.extend(_living(index, h_index, row, mask))
            continue
        place = _member(index, row, mask)
        if isinstance(place, InputError):
            errors.append(place)
        elif isinstance(row.record, WorkRecordRow):
            data = row.record.model_dump(include=_EMPLOYMENT_FIELDS, exclude_unset=True)
            index.employment.setdefault(place, []).append(EmploymentRecord(**data))
        elif isinstance(row.record, WorkPlanRow):
            if place in index.plans:
                errors.append(_error(row, "id_number", row.record.id_number,
                                     "该成员已有一行计划外出务工信息，此行未读取",
                                     "this member already has a planned-work row; this row was "
                                     "not read", mask, index.households[place[0]].id))
                continue
            data = row.record.model_dump(include=_PLAN_FIELDS, exclude_unset=True)
            index.plans[place] = WorkPlan(**data)
    return _apply(index), errors


def with_spells(employment: list[EmploymentRecord],
                 spells: list[EmploymentRecord]) -> list[EmploymentRecord]:
    """The member's work with the work-record spells: the member sheet's bare 务工所在地 (a record
    with only a place) describes the same work, so it becomes the place of the first spell."""
    if len(employment) == 1 and employment[0].model_dump(exclude_none=True).keys() == {"place"}:
        place = employment[0].place
        first = spells[0] if spells[0].place is not None else spells[0].model_copy(
            update={"place": place})
        return [first, *spells[1:]]
    return [*employment, *spells]


def _apply(index: _Index) -> list[Household]:
    touched = {h for h, _ in index.employment} | {h for h, _ in index.plans} | set(index.living)
    result = list(index.households)
    for h_index in touched:
        household = result[h_index]
        members: list[Member] = []
        for m_index, member in enumerate(household.members):
            update: dict[str, Any] = {}
            spells = index.employment.get((h_index, m_index))
            if spells:
                update["employment"] = with_spells(member.employment, spells)
            plan = index.plans.get((h_index, m_index))
            if plan is not None:
                update["work_plan"] = plan
            members.append(member.model_copy(update=update) if update else member)
        update_h: dict[str, Any] = {"members": members}
        living = index.living.get(h_index)
        if living:
            update_h["living"] = household.living.model_copy(update=living)
        result[h_index] = household.model_copy(update=update_h)
    return result
