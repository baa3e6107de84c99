"""Peer: the six checks as an OpenFisca model, computed vectorised over the typed tables.

A small tax-benefit system in the manner of OpenFisca's country template: two entities (person,
household with the role ``member``), the inputs as variables, each check a variable with a
formula, the poverty line and the other thresholds as dated parameters (exported from planner's
parameter files by :mod:`params`). OpenFisca has no entity for a household's list of income
sources or measures, so those lists are summed per household with numpy first (as a country
package's data preparation would); the judging is OpenFisca's. Prints the number of households
each check flags, as JSON.

Run (in a venv with ``openfisca-core`` and ``pyarrow``):
``python openfisca_six.py FOLDER PARAMS.json``.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
from idnumber import id_birth_date
from openfisca_core.entities import build_entity
from openfisca_core.indexed_enums import Enum
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import YEAR
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

CODES = ("INC001", "INC002", "HOU001", "EDU001", "MED001", "WAT001")
Person = build_entity(key="person", plural="persons", label="person", is_person=True)
Household = build_entity(key="household", plural="households", label="household",
                         roles=[{"key": "member", "plural": "members", "label": "member"}])


class Status(Enum):
    unknown = "unknown"
    poor = "poor"
    pre_exit = "pre_exit"
    exited = "exited"
    returned = "returned"
    general = "general"


def _variable(name: str, entity: Any, value_type: Any, formula: Any = None,
              **extra: Any) -> type[Variable]:
    """A variable class (OpenFisca declares one class per variable)."""
    body: dict[str, Any] = {"value_type": value_type, "entity": entity,
                            "definition_period": YEAR, "label": name, **extra}
    if formula is not None:
        body["formula"] = formula
    return type(name, (Variable,), body)


def _in_scope(household: Any, period: Any) -> Any:
    status = household("status", period)
    return (status == Status.poor) + (status == Status.pre_exit) + (status == Status.exited) \
        + (status == Status.returned) + household("monitored", period)


def _per_capita(household: Any, period: Any) -> Any:
    size = household.nb_persons()
    net = household("gross_income", period) - household("production_costs", period)
    return np.where(size > 0, net / np.maximum(size, 1), np.nan)


def _poverty_line(household: Any, period: Any, parameters: Any) -> Any:
    years = household("income_year", period)
    line = np.full(len(years), np.nan)
    for year in np.unique(years):  # a line per income year: one or two years in a run
        node = parameters(f"{year}-12-31").income
        if f"y{year}" in node.poverty_line._children:
            line[years == year] = node.poverty_line[f"y{year}"]
    return line


def _age(person: Any, period: Any) -> Any:
    """Completed years on the reference date."""
    born = person("birth", period)
    when = np.datetime64(person.simulation.reference_date)
    years = born.astype("datetime64[Y]").astype(int)
    month = born.astype("datetime64[M]").astype(int) % 12
    day = (born - born.astype("datetime64[M]")).astype(int)
    ref_month = when.astype("datetime64[M]").astype(int) % 12
    ref_day = (when - when.astype("datetime64[M]")).astype(int)
    before = (ref_month < month) | ((ref_month == month) & (ref_day < day))
    return when.astype("datetime64[Y]").astype(int) - years - before


def _inc001(household: Any, period: Any, parameters: Any) -> Any:
    status = household("status", period)
    exit_status = (status == Status.pre_exit) + (status == Status.exited)
    known = household("income_known", period)
    return exit_status * known * (household("per_capita", period) < household("poverty_line",
                                                                                period))


def _inc002(household: Any, period: Any, parameters: Any) -> Any:
    per_capita = household("per_capita", period)
    threshold = parameters(period.start).monitoring.threshold
    low = (per_capita < household("poverty_line", period)) + (per_capita < threshold)
    can_work = household.any(household.members("can_work", period))
    return (_in_scope(household, period) * household("income_known", period) * low * can_work
            * (household("new_income_measures", period) == 0))


def _hou001(household: Any, period: Any) -> Any:
    return _in_scope(household, period) * household("housing_unsafe", period) \
        * ~household("housing_secured", period)


def _edu001(household: Any, period: Any, parameters: Any) -> Any:
    education = parameters(period.start).education
    age = household.members("age", period)
    out = ((age >= education.compulsory_age_min) * (age <= education.compulsory_age_max)
           * household.members("birth_known", period)
           * ~household.members("exempted", period) * household.members("not_enrolled", period)
           * ~household.members("compulsory_completed", period))
    return _in_scope(household, period) * household.any(out)


def _med001(household: Any, period: Any) -> Any:
    return _in_scope(household, period) * household.any(household.members("uninsured", period))


def _wat001(household: Any, period: Any) -> Any:
    return _in_scope(household, period) * household("water_unsafe", period)


INPUTS = {
    "status": (Household, Enum, {"possible_values": Status, "default_value": Status.unknown}),
    "monitored": (Household, bool, {}), "income_known": (Household, bool, {}),
    "income_year": (Household, int, {}), "gross_income": (Household, float, {}),
    "production_costs": (Household, float, {}), "new_income_measures": (Household, int, {}),
    "housing_unsafe": (Household, bool, {}), "housing_secured": (Household, bool, {}),
    "water_unsafe": (Household, bool, {}),
    "birth": (Person, date, {}), "birth_known": (Person, bool, {}),
    "can_work": (Person, bool, {}), "exempted": (Person, bool, {}),
    "not_enrolled": (Person, bool, {}), "compulsory_completed": (Person, bool, {}),
    "uninsured": (Person, bool, {}),
}
FORMULAS = {
    "per_capita": (Household, float, _per_capita), "poverty_line": (Household, float,
                                                                     _poverty_line),
    "age": (Person, int, _age), "INC001": (Household, bool, _inc001),
    "INC002": (Household, bool, _inc002), "HOU001": (Household, bool, _hou001),
    "EDU001": (Household, bool, _edu001), "MED001": (Household, bool, _med001),
    "WAT001": (Household, bool, _wat001),
}


def system(params: dict[str, Any]) -> TaxBenefitSystem:
    """The tax-benefit system of the six checks, with planner's parameters."""
    tbs = TaxBenefitSystem([Person, Household])
    # The values in force on the reference date (planner's), valid for the whole run.
    when = "2000-01-01"
    tbs.parameters = ParameterNode("", data={
        "income": {"poverty_line": {
            f"y{year}": {"values": {f"{year}-12-31": {"value": value}}}
            for year, value in params["poverty_line"].items()}},
        "monitoring": {"threshold": {"values": {when: {"value": params["monitoring_threshold"]}}}},
        "education": {
            "compulsory_age_min": {"values": {when: {"value": params["compulsory_age_min"]}}},
            "compulsory_age_max": {"values": {when: {"value": params["compulsory_age_max"]}}},
        },
    })
    for name, (entity, value_type, extra) in INPUTS.items():
        tbs.add_variable(_variable(name, entity, value_type, **extra))
    for name, (entity, value_type, formula) in FORMULAS.items():
        tbs.add_variable(_variable(name, entity, value_type, formula))
    return tbs


def _column(table: Any, name: str) -> np.ndarray:
    return table.column(name).to_numpy(zero_copy_only=False)


def _is_in(values: np.ndarray, allowed: list[str]) -> np.ndarray:
    return np.isin(values, np.array(allowed, dtype=object))


def inputs(folder: Path, params: dict[str, Any]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The household of each person and every input variable, from the five tables."""
    when = date.fromisoformat(params["reference_date"])
    hh = pq.read_table(folder / "households.parquet")
    members = pq.read_table(folder / "members.parquet")
    income = pq.read_table(folder / "income.parquet")
    costs = pq.read_table(folder / "costs.parquet")
    measures = pq.read_table(folder / "measures.parquet")
    n = hh.num_rows
    values: dict[str, np.ndarray] = {}

    years_of_sources, source_hh = _column(income, "year"), _column(income, "hh")
    latest = np.full(n, -1)
    recent = years_of_sources <= when.year
    np.maximum.at(latest, source_hh[recent], years_of_sources[recent])
    recorded = hh.column("income_year").to_numpy(zero_copy_only=False)
    year = np.where(~np.isnan(recorded.astype(float)), np.nan_to_num(recorded.astype(float)),
                    np.where(latest >= 0, latest, when.year)).astype(int)
    values["income_year"] = year
    of_year = years_of_sources == year[source_hh]
    values["gross_income"] = np.bincount(source_hh[of_year], _column(income, "amount")[of_year],
                                         minlength=n)
    sources = np.bincount(source_hh, minlength=n)
    sources_of_year = np.bincount(source_hh[of_year], minlength=n)
    values["income_known"] = _column(hh, "income_recorded") & ((sources == 0)
                                                               | (sources_of_year > 0))
    cost_hh = _column(costs, "hh")
    cost_of_year = _column(costs, "year") == year[cost_hh]
    values["production_costs"] = np.bincount(cost_hh[cost_of_year],
                                             _column(costs, "amount")[cost_of_year], minlength=n)
    values["new_income_measures"] = _new_income_measures(measures, year, when, params, n)

    status = _column(hh, "status")
    values["status"] = np.where(status == None, "unknown", status).astype(str)  # noqa: E711
    values["monitored"] = _column(hh, "monitored")
    values["housing_unsafe"] = _is_in(_column(hh, "safety_grade"), params["unsafe_grades"])
    values["housing_secured"] = ((_column(hh, "renovation") == params["done"])
                                 | (_column(hh, "relocation") == params["done"]))
    water = _column(hh, "water_quality_safe")
    values["water_unsafe"] = np.array([w is False for w in water]) if water.dtype == object \
        else ~water.astype(bool)

    person_hh = _column(members, "hh")
    birth = members.column("birth_date").to_numpy(zero_copy_only=False).astype("datetime64[D]")
    missing = np.isnat(birth)
    if missing.any():
        numbers = _column(members, "id_number")[missing]
        decoded = [id_birth_date(number) for number in numbers]
        birth[missing] = np.array([d or np.datetime64("NaT") for d in decoded],
                                  dtype="datetime64[D]")
    values["birth_known"] = ~np.isnat(birth)
    values["birth"] = np.where(np.isnat(birth), np.datetime64("1970-01-01"), birth)
    values["can_work"] = _is_in(_column(members, "labour_capacity"), params["can_work"])
    exemption = _column(members, "schooling_exemption")
    values["exempted"] = np.array([e is True for e in exemption]) if exemption.dtype == object \
        else exemption.astype(bool)
    schooling = _column(members, "schooling")
    values["not_enrolled"] = (schooling != None) & ~_is_in(schooling,  # noqa: E711
                                                           params["enrolled_stages"])
    values["compulsory_completed"] = _is_in(_column(members, "education"),
                                            params["compulsory_completed"])
    values["uninsured"] = _column(members, "medical_insurance") == "none"
    return person_hh, values


def _new_income_measures(measures: Any, year: np.ndarray, when: date, params: dict[str, Any],
                         n: int) -> np.ndarray:
    """Income-raising measures of the plan window not active before it, per household."""
    plan_year = measures.column("year").to_numpy(zero_copy_only=False).astype(float)
    measure_hh = _column(measures, "hh")
    kept = _is_in(_column(measures, "status"), params["active_statuses"]) & ~np.isnan(plan_year)
    codes, which = np.unique(_column(measures, "measure").astype(str), return_inverse=True)
    raising = np.isin(codes, params["income_raising"])
    own = year[measure_hh]
    keys = measure_hh.astype(np.int64) * len(codes) + which
    window = kept & (plan_year >= own) & (plan_year <= np.maximum(own, when.year))
    before = kept & (plan_year < own)
    new = np.setdiff1d(np.unique(keys[window]), np.unique(keys[before]))
    new = new[raising[new % len(codes)]]
    return np.bincount(new // len(codes), minlength=n)


def six_checks(folder: Path, params: dict[str, Any]) -> dict[str, int]:
    """The number of households each of the six checks flags."""
    person_hh, values = inputs(folder, params)
    n = int(values["income_year"].shape[0])
    builder = SimulationBuilder()
    builder.create_entities(TBS := system(params))
    builder.declare_person_entity("person", np.arange(len(person_hh)))
    households = builder.declare_entity("household", np.arange(n))
    builder.join_with_persons(households, person_hh, np.array(["member"] * len(person_hh)))
    simulation = builder.build(TBS)
    simulation.reference_date = params["reference_date"]
    period = params["reference_date"][:4]
    for name in INPUTS:
        variable = values[name]
        if name == "status":
            variable = Status.encode(variable)
        simulation.set_input(name, period, variable)
    return {code: int(simulation.calculate(code, period).sum()) for code in CODES}


def main(argv: list[str]) -> None:
    """Check the tables in ``argv[0]`` with the parameters of ``argv[1]``; print the counts."""
    params = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    print(json.dumps(six_checks(Path(argv[0]), params)))


if __name__ == "__main__":
    main(sys.argv[1:])
