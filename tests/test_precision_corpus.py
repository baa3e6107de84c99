"""The precision corpus: households built just on the safe side of a rule's threshold stay clean,
beside a labelled noisy set (injected problems), with precision and recall 1.0 per code."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from planner import Project, Village, check
from planner.generate import Generator, GeneratorConfig
from planner.generate.near import all_nears
from tests.test_generator_recall import built_in_rules, report, run

HOUSEHOLD_KINDS = ("household", "pair")
AREA_KINDS = ("village", "project", "town")


def era_nears(config: GeneratorConfig, kinds: tuple[str, ...] = HOUSEHOLD_KINDS) -> set[str]:
    """The near builders of ``kinds`` the generator draws from in ``config``'s era."""
    generator = Generator(config)
    return {v.code for variants in all_nears().values() for v in variants
            if generator._in_era(v) and v.kind in kinds}


@pytest.mark.parametrize(
    ("seed", "when", "households", "villages", "towns", "kinds"),
    [
        # 1,500 households: each of the 89 household builders finds a household in scope
        (11, date(2020, 9, 30), 1500, 12, 2, HOUSEHOLD_KINDS),
        (12, date(2023, 9, 30), 1500, 12, 2, HOUSEHOLD_KINDS),
        # The area alone: enough villages and towns for every village, project and town builder
        # to apply beside the injected area problems.
        (13, date(2020, 9, 30), 0, 120, 30, AREA_KINDS),
        (14, date(2023, 9, 30), 0, 120, 30, AREA_KINDS),
    ],
)
def test_near_threshold_records_raise_no_finding(
    tmp_path: Path, seed: int, when: date, households: int, villages: int, towns: int,
    kinds: tuple[str, ...],
) -> None:
    config = GeneratorConfig(
        households=households, seed=seed, year=when.year, reference_date=when,
        problem_share=0.3, near_share=0.8, villages=villages, towns=towns,
    )
    result = run(tmp_path, config)
    generator = Generator(config)
    for _ in generator.households():
        pass
    generator.area()
    summary = generator.summary
    near = summary.near if kinds == HOUSEHOLD_KINDS else summary.near_area
    print(f"\n{when}: {report(result)}\nnear-threshold {kinds[0]}s: {dict(near)}")
    assert set(near) == era_nears(config, kinds), "a near builder never applied"
    assert result.precision == 1.0 and result.recall == 1.0, report(result)


def test_near_households_take_clean_slots_and_expect_nothing() -> None:
    plain = GeneratorConfig(households=60, seed=5, problem_share=0)
    with_nears = GeneratorConfig(households=60, seed=5, problem_share=0, near_share=0.5)
    plain_ids = [g.household["id"] for g in Generator(plain).households()]
    corpus = list(Generator(with_nears).households())
    assert [g.household["id"] for g in corpus] == plain_ids
    assert any(g.near for g in corpus)
    # A near builder may bring the findings that legitimately come with it (planner.generate.near:
    # a water problem above the monitoring range is WAT002), never the one it stays clear of.
    assert all(g.near not in {e.code for e in g.expected} for g in corpus if g.near)


def test_an_area_of_near_records_only_raises_no_finding() -> None:
    # Every village, project and town left clean (no problem injected) gets a near builder when
    # one applies: nothing is expected and the rules find nothing.
    config = GeneratorConfig(households=0, seed=9, problem_share=0, near_share=1.0, villages=40,
                             towns=10, reference_date=date(2020, 9, 30))
    generator = Generator(config)
    villages, projects, expected = generator.area()
    assert expected == []
    assert sum(generator.summary.near_area.values()) >= len(villages)
    result = check([], villages=[Village.model_validate(v) for v in villages],
                   projects=[Project.model_validate(p) for p in projects],
                   rules=built_in_rules(), reference_date=config.when)
    assert [(f.subject, f.code) for f in result.findings] == []


def test_every_code_has_a_near_builder_or_a_reason() -> None:
    from planner.generate.near import NO_NEAR_CASE
    from planner.rule_docs import builtin_rules

    codes = {rule.code for rule in builtin_rules()}
    built = set(all_nears())
    assert not built & set(NO_NEAR_CASE), "a code with a builder is also said to have none"
    assert set(NO_NEAR_CASE) | built <= codes, "a builder or reason for a code no rule has"
    assert codes - built - set(NO_NEAR_CASE) == set(), "a code with neither"
