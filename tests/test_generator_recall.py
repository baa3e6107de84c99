"""Every problem the generator injects is found, and nothing else: precision and recall 1.0 of
the built-in rules against the generator's manifest."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from planner import Household, Project, RuleSet, Village, check, load_rules
from planner.generate import GeneratorConfig, output_paths, write_dataset
from planner.generate.problems import all_injectors
from planner.generate.score import Score, finding_keys, read_manifest, score

BUILT_IN = ("INC", "BAS", "EDU", "MED", "HOU", "WAT", "DQ", "SUP", "POL", "MON", "VIL", "PRJ",
            "IND", "BEN001", "BEN002", "BEN003", "BEN004", "BEN005", "BEN006", "PST", "WRK", "DIS",
            "RSK")


# Rules the generator does not plant (or not in every draw): they must still never fire where not
# planted. None today: every built-in rule has an injector the table check below draws.
NOT_INJECTED_YET: frozenset[str] = frozenset()


def built_in_rules() -> RuleSet:
    """The built-in families only (installed third-party packs are not part of the contract)."""
    return RuleSet(r for r in load_rules() if r.code.startswith(BUILT_IN))


def report(result: Score) -> str:
    lines = [f"precision {result.precision:.4f}  recall {result.recall:.4f}"]
    for code, (expected, hit, extra) in result.by_code().items():
        if hit != expected or extra:
            lines.append(f"  {code}: expected {expected}, found {hit}, unexpected {extra}")
    lines += [f"  missed     {key}" for key in sorted(result.missed, key=str)[:20]]
    lines += [f"  unexpected {key}" for key in sorted(result.unexpected, key=str)[:20]]
    return "\n".join(lines)


def run(tmp_path: Path, config: GeneratorConfig) -> Score:
    paths = output_paths(tmp_path / "county")
    write_dataset(config, paths)
    with paths.households.open(encoding="utf-8") as lines:
        households = [Household.model_validate_json(line) for line in lines]
    villages = [Village.model_validate(v) for v in json.loads(paths.villages.read_text("utf-8"))]
    projects = [Project.model_validate(p) for p in json.loads(paths.projects.read_text("utf-8"))]
    result = check(
        households,
        villages=villages,
        projects=projects,
        rules=built_in_rules(),
        reference_date=config.when,
    )
    return score(read_manifest(paths.manifest), finding_keys(result.findings))


@pytest.mark.parametrize(
    ("seed", "year"),
    [(2020, 2020), (7, 2020), (2019, 2019), (2023, 2023)],
)
def test_injected_problems_are_all_found_and_nothing_else(
    tmp_path: Path, seed: int, year: int
) -> None:
    config = GeneratorConfig(
        households=600, seed=seed, year=year, problem_share=0.6, villages=12, towns=3
    )
    result = run(tmp_path, config)
    print(f"\n{year} seed {seed}: {report(result)}")
    assert len(result.expected) > 300
    assert result.precision == 1.0 and result.recall == 1.0, report(result)


def test_every_code_of_the_table_is_exercised(tmp_path: Path) -> None:
    config = GeneratorConfig(
        households=2500,
        seed=3,
        problem_share=0.8,
        villages=60,  # nine village codes: enough villages for each to be drawn
        towns=8,
        reference_date=date(2020, 9, 30),
    )
    result = run(tmp_path, config)
    print(f"\nall codes: {report(result)}")
    codes = {key[1] for key in result.expected}
    # Codes of the monitoring era only (MON004: a registration-era status after 2020) are
    # injected in a 2023 dataset of their own.
    later = {code for code, variants in all_injectors().items() if variants[0].after_registration}
    monitoring_era = run(tmp_path / "2023", GeneratorConfig(
        households=300, seed=3, problem_share=0.5, villages=4, towns=2,
        reference_date=date(2023, 9, 30),
        weights={code: 0 for code in all_injectors() if code not in later},
    ))
    codes |= {key[1] for key in monitoring_era.expected}
    table = {rule.code for rule in built_in_rules()} - NOT_INJECTED_YET
    assert not table - codes, f"never injected: {sorted(table - codes)}"
    assert result.precision == 1.0 and result.recall == 1.0, report(result)
    assert monitoring_era.precision == 1.0 and monitoring_era.recall == 1.0, report(
        monitoring_era)
