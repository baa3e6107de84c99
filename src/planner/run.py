"""One run: the rules, the parameters at the reference date, the measure catalog, the waivers and
the selection of a check or a plan, built once and handed to the engine; :func:`check` runs one.

Every way of starting a run goes through :meth:`Run.build` — :func:`planner.check`,
:func:`planner.plan`, ``planner check``/``planner plan`` (through :meth:`Run.from_config`) and
:mod:`planner.testing` — so that defaults (every installed pack, the shipped parameters and
catalog, today) and the meaning of a selection are written once. The engine never loads rules,
parameters or the catalog itself: it runs a :class:`Run`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from planner.backends import checker as backend_checker
from planner.config import Config
from planner.engine_rules import ENGINE_CODES
from planner.errors import BilingualError
from planner.measures import MeasureCatalog, default_catalog
from planner.model import Household, Project, Village
from planner.params import ParameterSet, ParamValues, default_parameters, load_parameters
from planner.registry import RuleSet, load_rules
from planner.results import CheckResult
from planner.rule import Rule
from planner.selection import Selection, select_rules
from planner.waivers import FileWaiver, codes_with_aliases, load_waivers
from planner.watchdog import DEFAULT_RULE_TIMEOUT


class MeasureFileError(BilingualError):
    """A district measure catalog override cannot be read or applied (Chinese, then English)."""


@dataclass(frozen=True, slots=True)
class Run:
    """What one check or plan runs with; build it with :meth:`build` or :meth:`from_config`.

    ``rules`` are the selected rules; ``known_codes`` the codes and aliases of every loaded rule,
    selected or not (a waiver of a known but unselected code is not reported as unused).
    ``engine_codes`` are the engine's own codes the selection keeps (``PLN002``/``PLN003`` may be
    deselected; ``PLN001``/``PLN004`` are always reported). ``values`` are the parameters in force
    on ``reference_date``. ``rule_timeout`` is the time budget of one rule call in seconds
    (``None``: none); ``explain`` records conditions, values and parameters in findings.
    """

    rules: RuleSet
    parameters: ParameterSet
    values: ParamValues
    reference_date: date
    catalog: MeasureCatalog
    waivers: tuple[FileWaiver, ...] = ()
    selection: tuple[Selection, ...] = ()
    known_codes: frozenset[str] = frozenset()
    engine_codes: frozenset[str] = ENGINE_CODES
    rule_timeout: float | None = DEFAULT_RULE_TIMEOUT
    explain: bool = False

    @classmethod
    def build(
        cls,
        rules: RuleSet | Iterable[Rule] | None = None,
        parameters: ParameterSet | None = None,
        reference_date: date | None = None,
        *,
        catalog: MeasureCatalog | None = None,
        waivers: Iterable[FileWaiver] = (),
        selection: Sequence[Selection] = (),
        explain: bool = False,
        rule_timeout: float | None = DEFAULT_RULE_TIMEOUT,
    ) -> Run:
        """A run of ``rules`` (default: every installed pack and the engine's rules) narrowed by
        the ``selection`` levels in order (configuration, then command line: ruff's precedence),
        under ``parameters`` (default: shipped) on ``reference_date`` (default: today).

        Raises :class:`~planner.selection.SelectionError` for a selector that names no rule.
        """
        loaded = rules if isinstance(rules, RuleSet) else (
            load_rules() if rules is None else RuleSet(rules)
        )
        levels = tuple(selection)
        chosen = select_rules(loaded, levels) if levels else loaded
        engine_codes = ENGINE_CODES if not levels else frozenset(
            rule.code for rule in chosen if rule.code in ENGINE_CODES
        )
        parameters = parameters or default_parameters()
        when = reference_date or date.today()
        return cls(
            rules=chosen,
            parameters=parameters,
            values=parameters.at(when),
            reference_date=when,
            catalog=catalog or default_catalog(),
            waivers=tuple(waivers),
            selection=levels,
            known_codes=codes_with_aliases(loaded),
            engine_codes=engine_codes,
            rule_timeout=rule_timeout or None,
            explain=explain,
        )

    @classmethod
    def from_config(
        cls,
        config: Config,
        *,
        rule_paths: Iterable[str | Path] = (),
        param_files: Iterable[str | Path] = (),
        measure_files: Iterable[str | Path] = (),
        waiver_files: Iterable[str | Path] = (),
        selection: Selection | None = None,
        reference_date: date | None = None,
        explain: bool = False,
        rule_timeout: float | None = DEFAULT_RULE_TIMEOUT,
        province: str | None = None,
    ) -> Run:
        """A run from a configuration and the files and options given on the command line.

        Files named in the configuration come first, then those given here; the configuration's
        selection, then ``selection``; ``reference_date``, else the configuration's, else today;
        ``province``, else the configuration's (its parameters come before the district files).
        Raises the loading errors of each part (``ParameterError``, ``RegistryError``,
        ``SelectionError``, ``WaiverError``, :class:`MeasureFileError`) and ``OSError``.
        """
        parameters, rules = configured_rules(config, rule_paths, param_files, rule_timeout,
                                             province)
        levels = [config.selection(), *([selection] if selection is not None else [])]
        run = cls.build(
            rules, parameters, reference_date or config.reference_date, selection=levels,
            explain=explain, rule_timeout=rule_timeout,
        )
        waivers = [w for path in [*config.waivers, *waiver_files] for w in load_waivers(path)]
        catalog = run.catalog
        try:
            for path in [*config.measures, *measure_files]:
                catalog = catalog.with_overrides(path)
        except (ValueError, OSError) as exc:
            raise MeasureFileError(f"措施目录有误：{exc}", f"measure catalog: {exc}") from exc
        return dataclasses.replace(run, waivers=tuple(waivers), catalog=catalog)

    def with_rules(self, rules: Iterable[Rule]) -> Run:
        """The same run with only ``rules`` selected (e.g. the planner leaves out dataset rules);
        the codes known to the run stay those of every loaded rule."""
        return dataclasses.replace(self, rules=RuleSet(rules))


def configured_rules(
    config: Config,
    rule_paths: Iterable[str | Path] = (),
    param_files: Iterable[str | Path] = (),
    rule_timeout: float | None = DEFAULT_RULE_TIMEOUT,
    province: str | None = None,
) -> tuple[ParameterSet, RuleSet]:
    """The parameters (shipped, then those of ``province`` or else the configuration's province,
    then the configuration's files, then ``param_files``) and every rule a run of ``config`` may
    select from: installed packs, the configuration's local rule files, then ``rule_paths`` (YAML
    rules may read the district's own parameters)."""
    parameters = load_parameters(*config.params, *param_files,
                                 province=province or config.province)
    rules = load_rules([*config.rules, *rule_paths], parameters=parameters,
                       timeout=rule_timeout or None)
    return parameters, rules


def _selectors(values: Iterable[str]) -> Sequence[str]:
    return values if isinstance(values, str) else tuple(values)


def check(
    households: Iterable[Household],
    *,
    rules: RuleSet | Iterable[Rule] | None = None,
    params: ParameterSet | None = None,
    reference_date: date | None = None,
    villages: Iterable[Village] = (),
    projects: Iterable[Project] = (),
    waivers: Iterable[FileWaiver] = (),
    explain: bool = False,
    catalog: MeasureCatalog | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    rule_timeout: float | None = DEFAULT_RULE_TIMEOUT,
    backend: str = "python",
) -> CheckResult:
    """Check households (and villages and projects) and return every finding with the counts.

    ``rules`` defaults to every installed pack; ``params`` to the shipped parameters;
    ``reference_date`` to today. ``select``/``ignore`` narrow the rules by code prefix, name or
    family exactly as on the command line. ``rule_timeout`` is the time budget of one rule call
    in seconds (``None``: none); ``backend`` the backend that runs the rules
    (:func:`planner.backends.available`).
    """
    levels: list[Selection] = []
    if select is not None or ignore:
        # Selection splits a plain string ("INC,HOU") itself; other iterables become tuples.
        levels.append(Selection(
            select=None if select is None else _selectors(select), ignore=_selectors(ignore)
        ))
    run = Run.build(rules, params, reference_date, catalog=catalog, waivers=waivers,
                    selection=levels, explain=explain, rule_timeout=rule_timeout)
    checker = backend_checker(run, backend)
    findings = list(checker.iter_findings(households, villages, projects))
    return CheckResult(findings, checker.stats)


__all__ = ["MeasureFileError", "Run", "check", "configured_rules"]
