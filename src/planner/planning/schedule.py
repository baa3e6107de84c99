"""Scheduling: earliest start in topological order from a start date, and the critical path.

A task starts when the plan starts and every prerequisite allows it: a finish-to-start link waits
for the prerequisite's due date plus the lead time, a start-to-start link for its start plus the
lead time. A task with given dates (a measure already planned, a village work) keeps them; when a
prerequisite cannot be ready by then, the conflict is reported. A task with a due date but no start
whose prerequisite is ready only after that date starts then and takes its full duration.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import networkx as nx

_SOURCE, _SINK = "\u22a2start", "\u22a3finish"


@dataclass(slots=True)
class Task:
    """What the scheduler needs of an item: duration, given dates, and a tie-break order."""

    key: str
    duration_days: int
    order: int
    start: date | None = None
    due: date | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """``before`` must finish (or start) ``lead_days`` before ``after`` starts."""

    before: str
    after: str
    relation: str = "finish_to_start"
    lead_days: int = 0


@dataclass(frozen=True, slots=True)
class Conflict:
    """A task with a given start (or, without one, a given due date) that a prerequisite cannot
    meet: ``given_start`` is ``None`` and ``given_due`` set when the task had only a due date and
    the prerequisite is ready after it (the task is then rescheduled for its full duration)."""

    key: str
    prerequisite: str
    given_start: date | None
    earliest_start: date
    given_due: date | None = None


def _graph(tasks: Iterable[Task], links: Iterable[Link]) -> nx.DiGraph:
    graph = nx.DiGraph()
    for task in tasks:
        graph.add_node(task.key, task=task)
    for link in links:
        if link.before in graph and link.after in graph:
            graph.add_edge(link.before, link.after, relation=link.relation, lead=link.lead_days)
    return graph


def schedule(
    tasks: list[Task], links: list[Link], start: date
) -> tuple[dict[str, tuple[date, date]], list[Conflict]]:
    """Start and due date of every task, in topological order (ties by ``order``).

    Raises ``ValueError`` naming the tasks of a cycle (the catalog check prevents it).
    """
    graph = _graph(tasks, links)
    try:
        order = list(nx.lexicographical_topological_sort(
            graph, key=lambda key: graph.nodes[key]["task"].order))
    except nx.NetworkXUnfeasible:
        cycle = nx.find_cycle(graph)
        raise ValueError("schedule cycle: " + " → ".join(edge[0] for edge in cycle)) from None
    dates: dict[str, tuple[date, date]] = {}
    conflicts: list[Conflict] = []
    for key in order:
        task: Task = graph.nodes[key]["task"]
        earliest = start
        binding = None
        for before in graph.predecessors(key):
            edge = graph.edges[before, key]
            before_start, before_due = dates[before]
            anchor = before_due if edge["relation"] == "finish_to_start" else before_start
            ready = anchor + timedelta(days=edge["lead"])
            if ready > earliest:
                earliest, binding = ready, before
        due = task.due
        if task.start is not None:
            begin = task.start
            if binding is not None and begin < earliest:
                conflicts.append(Conflict(key, binding, begin, earliest))
        else:
            begin = earliest
            if due is not None and binding is not None and begin > due:
                # the given due date cannot be kept: say so, and give the task its duration
                conflicts.append(Conflict(key, binding, None, earliest, given_due=due))
                due = None
        if due is None:
            due = begin + timedelta(days=task.duration_days)
        dates[key] = (begin, max(due, begin))
    return dates, conflicts


def critical_path(
    tasks: list[Task], links: list[Link], dates: dict[str, tuple[date, date]], start: date
) -> tuple[list[str], int]:
    """The chain of tasks that fixes the finish (``networkx.dag_longest_path``) and its length in
    days from ``start``. Weights: a task's span, lead times, and given start dates as release
    offsets."""
    if not tasks:
        return [], 0
    graph = _graph(tasks, links)
    spans = {}
    for key, (begin, due) in dates.items():
        spans[key] = (due - max(begin, start)).days
    weighted = nx.DiGraph()
    for key in graph.nodes:
        task: Task = graph.nodes[key]["task"]
        release = max(0, (task.start - start).days) if task.start is not None else 0
        weighted.add_edge(_SOURCE, key, weight=release)
        weighted.add_edge(key, _SINK, weight=max(0, spans[key]))
    for before, after, data in graph.edges(data=True):
        lead = data["lead"]
        weight = (max(0, spans[before]) if data["relation"] == "finish_to_start" else 0) + lead
        weighted.add_edge(before, after, weight=weight)
    path = nx.dag_longest_path(weighted, weight="weight")
    length = nx.path_weight(weighted, path, weight="weight")
    return [key for key in path if key not in (_SOURCE, _SINK)], int(length)
