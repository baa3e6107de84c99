"""Columnar backend: the checker — compiled rules judged per batch, findings as Python builds them.

:class:`ColumnarChecker` is the Python backend's :class:`~planner.backends.python.engine.Checker`
(scopes, waivers, fault isolation, time budget, dataset rules, villages and projects: reused, not
copied) whose households arrive in batches. For each batch the rules the columnar backend compiled
(:mod:`planner.backends.columnar.rules`) are judged column-wise; a compiled rule's Python body then
runs only on the households and members where its column says it fires, and builds the findings
there, so that they are the Python backend's field for field. Every other rule (Python bodies,
``for_each``, unsupported facts) runs through the Python backend on the same households. A
household where nothing compiled fires and no other rule runs needs no Python facts at all.

A batch of a typed Parquet file read under :func:`planner.io.typedparquet.unbuilt_rows` arrives
as :class:`~planner.io.typedparquet.TypedRow` stand-ins: its tables are built from the Arrow
columns (:mod:`.arrowtables`), and a household is built only where a rule fires, a rule the
backend does not compile must run, or a waiver is to be judged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import groupby, islice
from typing import TYPE_CHECKING, Any

from planner.backends.columnar.rules import Fired, compile_rules
from planner.backends.columnar.tables import Needs, Tables, Unsupported
from planner.backends.python.engine import Checker
from planner.backends.python.selection import RulePlan
from planner.facts import HouseholdFacts
from planner.finding import Finding
from planner.model import Household, Project, Region, Village
from planner.rule import Rule, RuleContext
from planner.source import Source, Sourced

if TYPE_CHECKING:
    from planner.backends.columnar.dataset import DuplicatesFeed
    from planner.io.api import AcceptedChunk
    from planner.io.typedparquet import TypedBatch
    from planner.run import Run

#: Households judged together (the tables of one batch).
BATCH_SIZE = 10_000
#: Households judged together when every one is built as a record with all its facts (a rule
#: left to Python reads them, or waivers are to be judged): a batch's records, facts and fact
#: tables are held at once, tens of kilobytes a household, so that the peak stays flat
#: (measured on 20,000 households, every rule: 10,000 at once peaked at 1,084 MB, 2,048 at
#: 699 MB, 1,000 at 545 MB, for about a fifth more time).
BUILT_BATCH_SIZE = 1_024
_NONE: frozenset[str] = frozenset()


class _NoFacts:
    """What stands for a household's facts when no rule will read them."""

    members: tuple[()] = ()


class _Unbuilt:
    """What stands for a household of a typed batch that no rule reads: its id, no waivers,
    and its region when a dataset rule may report on it."""

    __slots__ = ("id", "region")
    waivers: tuple[()] = ()

    def __init__(self, household_id: str, region: Any = None) -> None:
        self.id = household_id
        self.region = region


def _typed_batch(item: Any) -> TypedBatch | None:
    """The typed batch of an unbuilt row (``None`` for a built household)."""
    from planner.io.typedparquet import TypedRow

    record = item.record if isinstance(item, Sourced) else item
    return record.batch if isinstance(record, TypedRow) else None


class _Gate:
    """Where the compiled rules fire in the current batch, and the household now checked."""

    __slots__ = ("at_household", "at_member", "fed", "fired", "household", "member_hits",
                 "row")

    def __init__(self) -> None:
        self.fired: Fired | None = None
        self.row = -1
        self.household: Household | None = None  # the household of ``row``
        self.member_hits: dict[str, set[tuple[int, int]]] = {}
        # the codes of the compiled rules that fire, by row and by (row, member number)
        self.at_household: dict[int, frozenset[str]] = {}
        self.at_member: dict[tuple[int, int], frozenset[str]] = {}
        # the batch's households were read into the column-fed dataset rules (.dataset)
        self.fed = False


class ColumnarChecker(Checker):
    """The Python checker with compiled household and member rules judged per batch."""

    def __init__(self, run: Run, batch_size: int | None = None) -> None:
        super().__init__(run)
        self._feeds, self._column_dataset = self._dataset_feeds()
        self._accumulators: list[tuple[Any, Any]] = []
        rules = [rule for rule, _ in (*self._household_rules, *self._member_rules)]
        ungated_after = any(not rule.after_families for rule, _ in self._after_rules)
        self.compiled = compile_rules(rules, self.values, self.reference_date, self.income_raising,
                                      self.measure_addresses, self.catalog,
                                      every_fact=bool(ungated_after or self._python_dataset))
        gated = {rule.code for rule, _ in (*self.compiled.household, *self.compiled.member)}
        self._gated = frozenset(gated)
        # A rule reading findings of some families only (Rule.after_families) runs where a rule
        # of those families fires, when each of them is judged column-wise: elsewhere there is
        # none of their findings, and it finds nothing.
        self.after_gated = frozenset(
            after.code for after, _ in self._after_rules if after.after_families
            and all(rule.code in gated for rule in rules if rule.family in after.after_families))
        self._running: dict[tuple[int, frozenset[str]], tuple[Any, tuple[Any, ...]]] = {}
        self._gate = _Gate()
        self._household_fired: dict[str, list[bool]] = {}
        self._needs_facts: set[int] = set()
        # The Python checker runs what it holds: a compiled rule's function is wrapped so that
        # it runs only where the rule's column fires.
        self._household_rules = tuple(
            (rule, self._gated_household(rule.code, function) if rule.code in gated else function)
            for rule, function in self._household_rules)
        self._member_rules = tuple(
            (rule, self._gated_member(rule.code, function) if rule.code in gated else function)
            for rule, function in self._member_rules)
        self._python_only = bool(
            any(rule.code not in self.after_gated for rule, _ in self._after_rules)
            or self._python_dataset
            or any(rule.code not in gated for rule, _ in (*self._household_rules,
                                                          *self._member_rules)))
        if batch_size is None:
            every_one_built = self._python_only or bool(self.run.waivers)
            batch_size = BUILT_BATCH_SIZE if every_one_built else BATCH_SIZE
        self.batch_size = batch_size

    # -- dataset rules ------------------------------------------------------------------
    def _dataset_feeds(self) -> tuple[dict[str, DuplicatesFeed], frozenset[str]]:
        """Each ``duplicates`` rule's column feed, and the codes of the dataset rules that
        need no household built: those fed from the columns, and the rates over projects."""
        from planner.backends.columnar.dataset import DuplicatesFeed, needs_no_households

        feeds: dict[str, DuplicatesFeed] = {}
        codes: set[str] = set()
        measures = dict(self.catalog.items())
        for rule, _ in self._dataset_rules:
            if not needs_no_households(rule):
                try:
                    feeds[rule.code] = DuplicatesFeed(
                        rule, self.values, self.reference_date, self.income_raising,
                        self.measure_addresses, measures)
                except Unsupported:
                    continue  # fed each household's facts by the Python backend
            codes.add(rule.code)
        return feeds, frozenset(codes)

    @property
    def _python_dataset(self) -> bool:
        """Whether a dataset rule of the run is fed each household's Python facts."""
        return any(rule.code not in self._column_dataset for rule, _ in self._dataset_rules)

    def start_dataset(self, ctx: RuleContext) -> tuple[list[tuple[Rule, Any]], list[Finding]]:
        """The Python checker's accumulators, kept so that each batch is read into those of
        the column-fed rules."""
        accumulators, failures = super().start_dataset(ctx)
        self._accumulators = list(accumulators)
        return accumulators, failures

    def feed_dataset(self, accumulators: Iterable[tuple[Rule, Any]], facts: HouseholdFacts,
                     plan: RulePlan | None = None) -> list[Finding]:
        """The Python checker's feed, less the rules this household's batch was read into
        column-wise."""
        if self._gate.fed:
            accumulators = [(rule, accumulator) for rule, accumulator in accumulators
                            if rule.code not in self._column_dataset]
            if not accumulators:
                return []
        return super().feed_dataset(accumulators, facts, plan)

    def _feed(self, tables: Callable[[Needs], Tables], ids: list[str], items: list[Any]
              ) -> bool:
        """Read a batch into the column-fed dataset rules (``tables``: its tables for some
        needs): ``True`` when they need nothing more of its households. ``False`` (nothing
        read) when its records come from a source that lacks fields (the Python feed leaves
        rules out per record there) or reading the columns fails: its households are then
        built and fed to Python, which reports what fails."""
        gate = self._gate
        gate.fed = True
        live = {rule.code: accumulator for rule, accumulator in self._accumulators}
        feeds = [(feed, live[code]) for code, feed in self._feeds.items() if code in live]
        if not feeds:
            return True
        gate.fed = False
        if any(isinstance(item, Sourced) and item.source is not None
               and item.source.fields is not None for item in items):
            return False
        try:  # every feed read before any accumulator takes a value
            read = [(feed.read(tables(feed.plan.needs), ids), accumulator)
                    for feed, accumulator in feeds]
        except Exception:
            return False
        for values, accumulator in read:
            for household, other, found in values:
                accumulator.add_values(household, other, found)
        gate.fed = True
        return True

    def _gated_household(self, code: str, function: Callable[[RuleContext], Any]
                         ) -> Callable[[RuleContext], Any]:
        gate = self._gate

        def gated(ctx: RuleContext) -> Any:
            if self._household_fired[code][gate.row]:
                return function(ctx)
            return ()

        return gated

    def _gated_member(self, code: str, function: Callable[[RuleContext], Any]
                      ) -> Callable[[RuleContext], Any]:
        gate = self._gate

        def gated(ctx: RuleContext) -> Any:
            member = ctx.member
            if member is not None and (gate.row, member.number) in gate.member_hits[code]:
                return function(ctx)
            return ()

        return gated

    # -- batches ------------------------------------------------------------------------
    def iter_findings(
        self,
        households: Iterable[Household | Sourced[Household]],
        villages: Iterable[Village | Sourced[Village]] = (),
        projects: Iterable[Project | Sourced[Project]] = (),
    ) -> Iterator[Finding]:
        """The Python checker's stream, the households judged a batch at a time."""
        return super().iter_findings(self._batched(households), villages, projects)

    def judged(self, households: Iterable[Household | Sourced[Household]]
               ) -> Iterator[Household | Sourced[Household]]:
        """``households`` in order, each ready for :meth:`check_household` (a typed row as
        its household, or unbuilt where no rule reads it), judged a batch at a time: for a
        caller that checks them one by one (a worker of :mod:`planner.parallel`)."""
        return self._batched(households)

    def _batched(
        self, items: Iterable[Household | Sourced[Household]]
    ) -> Iterator[Household | Sourced[Household]]:
        stream = iter(items)
        while batch := list(islice(stream, self.batch_size)):
            # consecutive rows of one typed batch are judged from its columns; built households
            # (other formats, or typed rows the model had to judge) as records
            for typed, run in groupby(batch, key=_typed_batch):
                if typed is None:
                    yield from self._built_run(list(run))
                else:
                    yield from self._typed_run(typed, list(run))

    def _built_run(self, batch: list[Any]) -> Iterator[Household | Sourced[Household]]:
        from planner.backends.columnar.tables import build_tables

        records = [item.record if isinstance(item, Sourced) else item for item in batch]
        self._judge(records)
        self._feed(partial(build_tables, records), [record.id for record in records], batch)
        for row, (item, household) in enumerate(zip(batch, records, strict=True)):
            self._gate.row = row
            self._gate.household = household
            yield item

    def _typed_run(self, typed: TypedBatch, run: list[Any]) -> Iterator[Any]:
        rows = [(item.record if isinstance(item, Sourced) else item) for item in run]
        judged = self._typed_judged(typed, [row.index for row in rows], run)
        if judged is None:
            yield from self._built_run([_rebuilt(item) for item in run])
            return
        records, regions = judged
        gate = self._gate
        for position, (item, row) in enumerate(zip(run, rows, strict=True)):
            household: Any = (records[position] if position in records else
                              _Unbuilt(row.id, None if regions is None else regions[position]))
            gate.row = position
            gate.household = household
            yield Sourced(household, item.source) if isinstance(item, Sourced) else household

    def _typed_judged(self, typed: TypedBatch, indices: list[int], run: list[Any] | None = None
                      ) -> tuple[dict[int, Any], list[Region] | None] | None:
        """Judge rows ``indices`` of a typed batch from its columns and read them into the
        column-fed dataset rules (``run``: their items, read rows of the batch); the households
        built (by position in ``indices``: where a rule fires or reads every household, a
        waiver is to be judged or a dataset rule needs them) and, where some are left unbuilt
        and a dataset rule may name them, each row's region. ``None`` where the columns hold
        what the backend cannot judge."""
        from planner.backends.columnar.arrowtables import arrow_tables

        batch = typed.batch
        if indices != list(range(batch.num_rows)):
            batch = batch.take(indices)
        try:
            fired = self.compiled.fires_in(arrow_tables(batch, self.compiled.plan.needs))
        except Unsupported:
            return None
        self._gate_on(fired)
        ids = [row.id for row in (item.record if isinstance(item, Sourced) else item
                                  for item in run or ())]
        fed = run is None or self._feed(partial(arrow_tables, batch), ids, run)
        self._gate.fed = fed and run is not None
        everything = self._python_only or bool(self.run.waivers) or not fed
        wanted = (range(len(indices)) if everything
                  else sorted(self._needs_facts | _with_waivers(batch)))
        regions = _regions(batch) if self._feeds and len(wanted) < len(indices) else None
        records = dict(zip(wanted, typed.build_many([indices[i] for i in wanted]),
                           strict=True))
        if fired.facts is not None:  # the rows whose facts are read are built
            fired.facts.households = [records.get(position)  # type: ignore[misc]
                                      for position in range(len(indices))]
            fired.facts.tables_for = partial(arrow_tables, batch)
        return records, regions

    # -- the batch path -----------------------------------------------------------------
    def batch_ready(self) -> bool:
        """True when a household where no compiled rule fires needs nothing but counting (no
        rule left to Python, no dataset rule, no waiver file): :meth:`iter_chunk_findings` can
        judge batches."""
        return not self._python_only and not self._dataset_rules and not self.run.waivers

    def iter_chunk_findings(
        self, chunks: Iterable[AcceptedChunk],
        villages: Iterable[Village | Sourced[Village]] = (),
        projects: Iterable[Project | Sourced[Project]] = (),
    ) -> Iterator[Finding]:
        """:meth:`iter_findings` of the households of typed Parquet batches
        (:func:`planner.io.api.accepted_chunks`), for a run that is :meth:`batch_ready`: each
        batch is judged from its columns, a household built and checked only where a compiled
        rule fires or it lists waivers, the others only counted."""
        for chunk in chunks:
            rows: list[int] = chunk.rows.tolist()
            built = chunk.built
            # consecutive rows the model built are judged as records, the others from columns
            for is_built, run in groupby(rows, key=built.__contains__):
                indices = list(run)
                judged = None if is_built else self._typed_judged(chunk.typed, indices)
                records = None if judged is None else judged[0]
                if records is None:
                    households = ([built[i] for i in indices] if is_built
                                  else chunk.typed.build_many(indices))
                    self._judge(households)
                    records = dict(enumerate(households))
                else:
                    self.stats.households += len(indices) - len(records)
                gate = self._gate
                for position, household in sorted(records.items()):
                    gate.row = position
                    gate.household = household
                    yield from self._check_household(
                        household, self.rule_facts(household), chunk.source(indices[position]),
                        None)
        yield from Checker.iter_findings(self, (), villages, projects)

    def _judge(self, batch: list[Household]) -> None:
        self._gate.fed = False
        self._gate_on(self.compiled.fires(batch))

    def _gate_on(self, fired: Fired) -> None:
        """Where the compiled rules fire in the batch now checked, and the rows that need
        their facts."""
        gate = self._gate
        gate.fired = fired
        self._household_fired = {rule.code: fired.households(rule.code)
                                 for rule, _ in self.compiled.household}
        gate.member_hits = {rule.code: fired.members(rule.code)
                            for rule, _ in self.compiled.member}
        at_household: dict[int, set[str]] = {}
        for rule, _ in self.compiled.household:
            for row in fired.household.get_column(rule.code).arg_true().to_list():
                at_household.setdefault(row, set()).add(rule.code)
        at_member: dict[tuple[int, int], set[str]] = {}
        for code, hits in gate.member_hits.items():
            for hit in hits:
                at_member.setdefault(hit, set()).add(code)
        gate.at_household = {row: frozenset(codes) for row, codes in at_household.items()}
        gate.at_member = {hit: frozenset(codes) for hit, codes in at_member.items()}
        self._needs_facts = set(at_household) | {row for row, _ in at_member}

    def _run_holding(self, rules: Iterable[Any], ctx: RuleContext, env: Any, subject: str,
                     out: list[Finding]) -> None:
        """The Python checker's pass over ``rules``, less the compiled rules that do not fire
        here (their gate would return nothing): a household that only Python-bodied rules
        read is not walked through every rule."""
        gate = self._gate
        member = ctx.member
        fired = (gate.at_household.get(gate.row, _NONE) if member is None
                 else gate.at_member.get((gate.row, member.number), _NONE))
        key = (id(rules), fired)
        cached = self._running.get(key)
        if cached is None or cached[0] is not rules:
            kept = tuple(compiled for compiled in rules
                         if compiled[0].code not in self._gated or compiled[0].code in fired)
            cached = self._running[key] = (rules, kept)
        super()._run_holding(cached[1], ctx, env, subject, out)

    def rule_facts(self, household: Household) -> HouseholdFacts:
        """The facts the rules read (in a batch: only for a household where one will)."""
        gate = self._gate
        if (household is not gate.household or gate.fired is None or gate.fired.facts is None
                or (self._feeds and not gate.fed)):
            # (a batch not read column-wise: the dataset rules are fed every fact)
            return super().rule_facts(household)
        if self._python_only or gate.row in self._needs_facts:
            # read from the batch's fact columns (planner.backends.columnar.facts_rows)
            return gate.fired.facts.household(  # type: ignore[return-value]
                gate.row, every=self._python_only)
        return _NoFacts()  # type: ignore[return-value]

    def check_household(
        self, household: Household, facts: HouseholdFacts | None = None,
        source: Source | None = None,
    ) -> list[Finding]:
        """Findings of one household; outside a batch its compiled rules are judged alone."""
        if household is not self._gate.household:
            self._judge([household])
            self._gate.row = 0
            self._gate.household = household
        return super().check_household(household, facts, source)

    def _check_household(
        self, household: Household, facts: HouseholdFacts | None, source: Source | None,
        plan: RulePlan | None,
    ) -> list[Finding]:
        if (isinstance(facts, _NoFacts) and not self.run.waivers and not household.waivers):
            # Nothing fires, no other rule runs and no waiver is to be judged: what the Python
            # checker would do comes down to counting the household.
            self.stats.households += 1
            return []
        return super()._check_household(household, facts, source, plan)


def _rebuilt(item: Any) -> Any:
    """An unbuilt row (or its sourced form) with its household built."""
    if isinstance(item, Sourced):
        return Sourced(item.record.build(), item.source)
    return item.build()


def _regions(batch: Any) -> list[Region]:
    """The region of each row of a typed batch, one object per distinct region (a dataset
    finding about a household carries its region)."""
    known: dict[tuple[Any, ...], Region] = {}
    regions: list[Region] = []
    for value in batch.column("region").to_pylist():
        key = () if value is None else tuple(value.values())
        region = known.get(key)
        if region is None:
            region = known[key] = Region.model_validate(value or {})
        regions.append(region)
    return regions


def _with_waivers(batch: Any) -> set[int]:
    """The rows of a typed batch whose household lists waivers."""
    import pyarrow.compute as pc

    lengths = pc.list_value_length(batch.column("waivers")).fill_null(0)
    return {int(i) for i in pc.indices_nonzero(lengths).to_pylist()}
