"""Dataset rules and waivers in parts: the state of two parts merged in reading order gives the
hits one accumulator fed both parts gives, less the households rejected after being read."""

from __future__ import annotations

import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

from planner.backends.python.engine import Checker
from planner.model import Household, Waiver
from planner.rule import RuleContext
from planner.run import Run

from .conftest import EXAMPLES

ON = date(2020, 9, 30)
LINES = (EXAMPLES / "district" / "households.jsonl").read_text(encoding="utf-8").splitlines()


def _households() -> list[Household]:
    """The district's first 60 households and a twin of the second (other id, same members)
    at the end, so that DQ004 and DQ013 find values shared across the two halves."""
    households = [Household.model_validate_json(line) for line in LINES[:60]]
    twin = json.loads(LINES[1])
    twin["id"] = "522425-999-0001"
    return [*households, Household.model_validate(twin)]


def _hits(accumulator: Any) -> list[tuple[Any, ...]]:
    return [(h.household, h.member, json.dumps(h.evidence, sort_keys=True, ensure_ascii=False),
             json.dumps(h.values, sort_keys=True, ensure_ascii=False, default=str))
            for h in accumulator.finish()]


def _accumulators(checker: Checker) -> dict[str, Any]:
    run = checker.run
    ctx = RuleContext(run.values, run.reference_date, catalog=run.catalog)
    started, failures = checker.start_dataset(ctx)
    assert not failures
    return {rule.code: accumulator for rule, accumulator in started}


def _fed(checker: Checker, households: list[Household]) -> dict[str, Any]:
    accumulators = _accumulators(checker)
    for household in households:
        facts = checker.facts(household)
        for accumulator in accumulators.values():
            accumulator.add(facts)
    return accumulators


def test_two_parts_merged_give_the_hits_of_one_accumulator() -> None:
    checker = Checker(Run.build(reference_date=ON, rule_timeout=None))
    households = _households()
    whole = _fed(checker, households)
    first, second = _fed(checker, households[:30]), _fed(checker, households[30:])
    assert {"DQ004", "DQ013"} <= set(whole)
    for code, accumulator in first.items():
        accumulator.merge(second[code].partial())
    shared = [hit for hit in _hits(first["DQ004"]) if hit[0] == "522425-999-0001"]
    assert shared, "the twin's ID numbers are those of a household of the first part"
    for code in whole:
        assert _hits(first[code]) == _hits(whole[code]), code


def test_a_split_household_read_by_another_part_is_still_one_family() -> None:
    """Parents split from their son's household (分户, ``split_from``) share his phone; the son's
    household is read by the first part, the parents' by the second: merged, DQ013 stays quiet
    about the number, as one accumulator does, and flags it without the split recorded."""
    checker = Checker(Run.build(reference_date=ON, rule_timeout=None))
    households = [Household.model_validate_json(line) for line in LINES[:40]]
    son = households[1]
    parents = json.loads(LINES[50])
    parents.update(id="522425-999-0002", phone=son.phone, split_from=son.id)
    for member in parents["members"]:
        member["id_number"] = None  # not the same people as anyone (DQ004)
    unsplit = {**parents, "split_from": None}

    def flagged(parents_record: dict[str, Any]) -> set[str]:
        part = [Household.model_validate(parents_record)]
        first, second = _fed(checker, households), _fed(checker, part)
        first["DQ013"].merge(second["DQ013"].partial())
        whole = _fed(checker, [*households, *part])
        assert _hits(first["DQ013"]) == _hits(whole["DQ013"])
        return {hit[0] for hit in _hits(first["DQ013"]) if '"shared"' in hit[2]}

    assert flagged(unsplit) >= {son.id, "522425-999-0002"}
    assert not flagged(parents) & {son.id, "522425-999-0002"}


def test_a_household_left_out_of_a_merge_is_as_if_never_read() -> None:
    checker = Checker(Run.build(reference_date=ON, rule_timeout=None))
    households = _households()
    without_twin = _fed(checker, households[:-1])
    first, second = _fed(checker, households[:30]), _fed(checker, households[30:])
    for code, accumulator in first.items():
        accumulator.merge(second[code].partial(), exclude={"522425-999-0001"})
    for code in without_twin:
        assert _hits(first[code]) == _hits(without_twin[code]), code


def test_waivers_judged_in_parts_are_finished_as_in_one_ledger() -> None:
    waiver = Waiver(code="DQ004", reason="known", approver="镇民政办", expires=date(2021, 1, 1))
    checker = Checker(Run.build(reference_date=ON, rule_timeout=None))
    part = Checker(Run.build(reference_date=ON, rule_timeout=None))
    kept = part.waivers.of_household("522425-101-0001", [waiver])
    assert kept == []  # a live waiver of a dataset rule waits for the end of the run
    part.waivers.of_household("522425-999-0001", [waiver])
    checker.waivers.merge(part.waivers.take_partial(), exclude={"522425-999-0001"})
    assert part.waivers.take_partial() == ([], [])
    unused = checker.waivers.finish([])
    assert [(f.code, f.subject) for f in unused] == [("PLN003", "522425-101-0001")]


def test_partitions_checked_apart_and_combined_are_one_run(tmp_path: Path) -> None:
    """The seam for other schedulers (Dask): each partition file checked by a PartChecker
    in its own process, the results combined, give the findings, counts and errors of one
    process reading both files (a household id of the first file read again in the second)."""
    from planner.io import open_dataset
    from planner.io.errors import ReadStats
    from planner.parallel import Combiner, Recipe, combine

    folder = tmp_path / "district"
    (folder / "households").mkdir(parents=True)
    first, second = LINES[:40], [LINES[3], "{broken", *LINES[40:80]]
    for name, lines in (("part-0.jsonl", first), ("part-1.jsonl", second)):
        (folder / "households" / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = Run.build(reference_date=ON, rule_timeout=None)
    dataset = open_dataset(folder)
    alone = [f.to_dict() for f in Checker(run).iter_findings(dataset.sourced())]
    recipe = Recipe(None, (str(folder),), ON)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(_check_file, [recipe] * 2, dataset.household_files))
    stats, errors = ReadStats(), []
    combiner = Combiner(Checker(run))
    parts = [(str(path), result) for path, result in zip(dataset.household_files, results,
                                                          strict=True)]
    combined = [f.to_dict() for f in combine(combiner, parts, stats=stats, errors=errors)]
    assert combined == alone
    assert (stats.read, stats.accepted, stats.rejected) == (82, 80, 2)
    assert errors == dataset.errors


def _check_file(recipe: Any, path: Path) -> Any:
    from planner.parallel import PartChecker

    return PartChecker(recipe).check_file(path)
