"""Scheduling: earliest start in topological order from a start date, and the critical path.

A task starts when the plan starts and every prerequisite allows it: a finish-to-start link waits
for the prerequisite's due date plus the lead time, a start-to-start link for its start plus the
lead time. A task with given dates (a measure already planned, a village work) keeps them; when a
prerequisite cannot be ready by then, the conflict is reported. A task with a due date but no start
whose prerequisite is ready only after that date starts then and takes its full duration.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

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


class _Dag:
    """Tasks and links as adjacency dicts: a plan has a handful of items, and building a
    ``networkx`` graph for each of a million households cost more than the scheduling itself.

    Orders follow what ``networkx.DiGraph`` gives (nodes and edges in first-insertion order, a
    repeated node or edge taking the later value), so the schedule and the critical path stay
    those of ``networkx.lexicographical_topological_sort`` and ``dag_longest_path``
    (``tests/test_plan_schedule.py`` compares them on random plans).
    """

    __slots__ = ("edges", "pred", "succ", "tasks")

    def __init__(self, tasks: Iterable[Task], links: Iterable[Link]) -> None:
        self.tasks: dict[str, Task] = {}
        for task in tasks:
            self.tasks[task.key] = task
        self.edges: dict[tuple[str, str], Link] = {}
        self.pred: dict[str, list[str]] = {key: [] for key in self.tasks}
        self.succ: dict[str, list[str]] = {key: [] for key in self.tasks}
        for link in links:
            if link.before in self.tasks and link.after in self.tasks:
                edge = (link.before, link.after)
                if edge not in self.edges:
                    self.pred[link.after].append(link.before)
                    self.succ[link.before].append(link.after)
                self.edges[edge] = link

    def order(self) -> list[str]:
        """Kahn's algorithm, ready tasks taken by (``order``, insertion) from a heap."""
        position = {key: index for index, key in enumerate(self.tasks)}
        waiting = {key: len(before) for key, before in self.pred.items() if before}
        ready = [(task.order, position[key], key) for key, task in self.tasks.items()
                 if not self.pred[key]]
        heapq.heapify(ready)
        order: list[str] = []
        while ready:
            _, _, key = heapq.heappop(ready)
            for child in self.succ[key]:
                waiting[child] -= 1
                if waiting[child] == 0:
                    del waiting[child]
                    heapq.heappush(ready, (self.tasks[child].order, position[child], child))
            order.append(key)
        if waiting:
            raise ValueError("schedule cycle: " + " → ".join(self._cycle()))
        return order

    def _cycle(self) -> list[str]:
        """The tasks of a cycle as ``networkx.find_cycle`` names
        them (the catalog check prevents cycles: this runs only on a broken catalog)."""
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_nodes_from(self.tasks)
        graph.add_edges_from(self.edges)
        return [edge[0] for edge in nx.find_cycle(graph)]


def schedule(
    tasks: list[Task], links: list[Link], start: date
) -> tuple[dict[str, tuple[date, date]], list[Conflict]]:
    """Start and due date of every task, in topological order (ties by ``order``).

    Raises ``ValueError`` naming the tasks of a cycle (the catalog check prevents it).
    """
    dag = _Dag(tasks, links)
    dates: dict[str, tuple[date, date]] = {}
    conflicts: list[Conflict] = []
    for key in dag.order():
        task = dag.tasks[key]
        earliest = start
        binding = None
        for before in dag.pred[key]:
            link = dag.edges[before, key]
            before_start, before_due = dates[before]
            anchor = before_due if link.relation == "finish_to_start" else before_start
            ready = anchor + timedelta(days=link.lead_days)
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
    """The chain of tasks that fixes the finish and its length in days from ``start``: the
    longest path from a start node through the tasks to a finish node, as
    ``networkx.dag_longest_path`` finds it (same ties). Weights: a task's span, lead times, and
    given start dates as release offsets."""
    if not tasks:
        return [], 0
    dag = _Dag(tasks, links)
    position = {key: index for index, key in enumerate(dag.tasks)}
    spans = {key: max(0, (due - max(begin, start)).days) for key, (begin, due) in dates.items()}
    # (length, predecessor) per node, visited in the order networkx's topological_sort gives
    # the weighted graph: the start node, then generation by generation.
    best: dict[str, tuple[int, str]] = {_SOURCE: (0, _SOURCE)}
    waiting = {key: len(before) + 1 for key, before in dag.pred.items()}
    generation = []
    for key in dag.tasks:
        waiting[key] -= 1
        if waiting[key] == 0:
            generation.append(key)
    while generation:
        following = []
        for key in generation:
            task = dag.tasks[key]
            release = max(0, (task.start - start).days) if task.start is not None else 0
            choice = (release, _SOURCE)  # the first of equal maxima wins, as in max()
            # networkx adds the weighted edges in node order, so predecessors come in that order
            for before in sorted(dag.pred[key], key=position.__getitem__):
                link = dag.edges[before, key]
                weight = (spans[before] if link.relation == "finish_to_start" else 0) \
                    + link.lead_days
                length = best[before][0] + weight
                if length > choice[0]:
                    choice = (length, before)
            best[key] = choice if choice[0] >= 0 else (0, key)
            for child in dag.succ[key]:
                waiting[child] -= 1
                if waiting[child] == 0:
                    following.append(child)
        generation = following
    finish = max(((best[key][0] + spans[key], key) for key in dag.tasks),
                 key=lambda pair: pair[0])
    best[_SINK] = finish if finish[0] >= 0 else (0, _SINK)
    end = max(best, key=lambda key: best[key][0])
    path: list[str] = []
    previous: str | None = None
    key = end
    while previous != key:
        path.append(key)
        previous, key = key, best[key][1]
    path.reverse()
    return [key for key in path if key not in (_SOURCE, _SINK)], int(best[end][0])
