"""The generator proper: a deterministic stream of households, each clean or with one problem.

One ``random.Random(seed)`` drives everything (never the global generator): each household draws
its own sub-seed from it, so the same config always yields the same records in the same order.
Households are yielded one (or, for two-household problems, two) at a time: nothing accumulates,
so a million households stream in bounded memory.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from planner.generate.config import GeneratorConfig
from planner.generate.household import BuildContext, build_household
from planner.generate.inject_area import generate_area
from planner.generate.near import all_nears
from planner.generate.problems import Expected, Injector, NotApplicable, all_injectors

ATTEMPTS = 100  # clean households tried before a problem is given up for this slot (PST001 needs
# a member of 70 or more with no work: about one household in ten)


@dataclass(slots=True)
class Generated:
    """One generated household and the findings it must produce (empty when clean)."""

    household: dict[str, Any]
    expected: list[Expected]
    injected: str | None = None
    near: str | None = None


@dataclass(slots=True)
class Summary:
    """What a run produced: households, injected problems by code, slots given up, and near
    builders applied by code (``near`` to households, ``near_area`` to villages, projects and
    towns)."""

    households: int = 0
    problems: Counter[str] = field(default_factory=Counter)
    expected: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    near: Counter[str] = field(default_factory=Counter)
    near_area: Counter[str] = field(default_factory=Counter)
    villages: int = 0
    projects: int = 0


class Generator:
    """Generates one dataset; iterate :meth:`households`, then call :meth:`area`."""

    def __init__(self, config: GeneratorConfig):
        self.config = config
        self.ctx = BuildContext.create(config)
        self.summary = Summary()
        self.injectors = all_injectors()
        unknown = set(config.weights) - set(self.injectors)
        if unknown:
            raise ValueError(f"no injector for {', '.join(sorted(unknown))} / 未知的问题代码")
        self._choices = {
            kind: self._weighted(kind) for kind in ("household", "village", "project", "town")
        }
        nears = [
            variant for variants in all_nears().values() for variant in variants
            if self._in_era(variant)
        ] if config.near_share else []
        self._nears = [v for v in nears if v.kind in ("household", "pair")]
        self._area_nears = {
            kind: [v for v in nears if v.kind == kind] for kind in ("village", "project", "town")
        }

    def _in_era(self, variant: Injector) -> bool:
        if variant.monitoring_era and not self.ctx.monitoring_on:
            return False
        if variant.registration_era and not self.ctx.registration_on:
            return False
        return not (variant.after_registration and self.ctx.registration_on)

    def _weighted(self, kind: str) -> tuple[list[str], list[float]]:
        codes, weights = [], []
        for code, variants in self.injectors.items():
            in_kind = any(
                v.kind == kind or (kind == "household" and v.kind == "pair") for v in variants
            )
            if not in_kind or not self._in_era(variants[0]):
                continue
            weight = float(self.config.weights.get(code, 1.0))
            if weight > 0:
                codes.append(code)
                weights.append(weight)
        return codes, weights

    def choose(self, kind: str, rng: random.Random) -> Injector | None:
        """With probability ``problem_share``, an injector of ``kind`` drawn by weight."""
        codes, weights = self._choices[kind]
        if not codes or rng.random() >= self.config.problem_share:
            return None
        code = rng.choices(codes, weights)[0]
        variants = [
            v
            for v in self.injectors[code]
            if v.kind == kind or (kind == "household" and v.kind == "pair")
        ]
        return variants[0] if len(variants) == 1 else rng.choice(variants)

    def choose_near(self, kind: str, rng: random.Random) -> Injector | None:
        """For a village, project or town left clean: with probability ``near_share``, a near
        builder of ``kind`` (none drawn, and ``rng`` untouched, when there is none)."""
        builders = self._area_nears.get(kind)
        if not builders or rng.random() >= self.config.near_share:
            return None
        return rng.choice(builders)

    def households(self) -> Iterator[Generated]:
        """Every household of the dataset, in order."""
        ctx, total = self.ctx, self.config.households
        master = random.Random(self.config.seed)
        index = 0
        while index < total:
            rng = random.Random(master.getrandbits(64))
            chosen = self.choose("household", rng)
            if chosen is not None and chosen.kind == "pair" and index + 1 < total:
                produced = self._pair(chosen, index, rng)
            elif chosen is not None and chosen.kind == "household":
                produced = [self._single(chosen, index, rng)]
            elif self._nears and rng.random() < self.config.near_share:
                builder = rng.choice(self._nears)
                if builder.kind == "pair" and index + 1 < total:
                    produced = self._pair(builder, index, rng, near=True)
                elif builder.kind == "pair":
                    produced = [Generated(build_household(ctx, index, rng), [])]
                else:
                    produced = [self._single(builder, index, rng, near=True)]
            else:
                produced = [Generated(build_household(ctx, index, rng), [])]
            for item in produced:
                self._count(item)
                yield item
            index += len(produced)

    def _single(
        self, chosen: Injector, index: int, rng: random.Random, near: bool = False
    ) -> Generated:
        for _ in range(ATTEMPTS):
            household = build_household(self.ctx, index, rng)
            try:
                expected = chosen.function(household, rng, self.ctx)
            except NotApplicable:
                continue
            if near:
                return Generated(household, expected, near=chosen.code)
            return Generated(household, expected, chosen.code)
        if not near:
            self.summary.skipped[chosen.code] += 1
        return Generated(build_household(self.ctx, index, rng), [])

    def _pair(
        self, chosen: Injector, index: int, rng: random.Random, near: bool = False
    ) -> list[Generated]:
        def build_second(head: dict[str, Any] | None) -> dict[str, Any]:
            return build_household(self.ctx, index + 1, rng, head)

        for _ in range(ATTEMPTS):
            first = build_household(self.ctx, index, rng)
            try:
                second, expected_first, expected_second = chosen.function(
                    first, build_second, rng, self.ctx
                )
            except NotApplicable:
                continue
            if near:
                return [Generated(first, expected_first, near=chosen.code),
                        Generated(second, expected_second, near=chosen.code)]
            return [
                Generated(first, expected_first, chosen.code),
                Generated(second, expected_second, chosen.code),
            ]
        if not near:
            self.summary.skipped[chosen.code] += 1
        return [Generated(build_household(self.ctx, index, rng), [])]

    def _count(self, item: Generated) -> None:
        self.summary.households += 1
        if item.injected is not None:
            self.summary.problems[item.injected] += 1
        if item.near is not None:
            self.summary.near[item.near] += 1
        for expected in item.expected:
            self.summary.expected[expected.code] += 1

    def area(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[Expected]]:
        """The county's villages and projects, with their problems and expected findings."""
        villages, projects, expected = generate_area(
            self.ctx, self.choose, self.choose_near, self.summary.near_area)
        self.summary.villages, self.summary.projects = len(villages), len(projects)
        for item in expected:
            self.summary.expected[item.code] += 1
        return villages, projects, expected


def generate_households(config: GeneratorConfig) -> Iterator[Generated]:
    """The households of ``config`` as a stream (villages and projects: :class:`Generator`)."""
    return Generator(config).households()
