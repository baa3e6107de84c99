"""The scheduler without networkx gives the dates, conflicts and critical paths networkx gave.

``schedule`` and ``critical_path`` once built two ``networkx`` graphs per household; they now walk
plain dicts. The reference here is that networkx formulation (lexicographical topological sort,
``dag_longest_path`` over a weighted graph with a start and a finish node), run on random plans
with ties, given dates, repeated links and both link relations.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import networkx as nx
import pytest

from planner.planning.schedule import Link, Task, critical_path, schedule

pytestmark = pytest.mark.core  # needs no extra (scripts/test.sh: .venv-core)

START = date(2020, 10, 1)


def _graph(tasks: list[Task], links: list[Link]) -> nx.DiGraph:
    graph = nx.DiGraph()
    for task in tasks:
        graph.add_node(task.key, task=task)
    for link in links:
        if link.before in graph and link.after in graph:
            graph.add_edge(link.before, link.after, relation=link.relation, lead=link.lead_days)
    return graph


def _reference_schedule(tasks: list[Task], links: list[Link]) -> tuple[dict, list]:
    graph = _graph(tasks, links)
    order = nx.lexicographical_topological_sort(graph, key=lambda k: graph.nodes[k]["task"].order)
    dates: dict = {}
    conflicts = []
    for key in order:
        task = graph.nodes[key]["task"]
        earliest, binding = START, None
        for before in graph.predecessors(key):
            edge = graph.edges[before, key]
            anchor = dates[before][1] if edge["relation"] == "finish_to_start" else dates[before][0]
            ready = anchor + timedelta(days=edge["lead"])
            if ready > earliest:
                earliest, binding = ready, before
        due = task.due
        if task.start is not None:
            begin = task.start
            if binding is not None and begin < earliest:
                conflicts.append((key, binding, begin, earliest, None))
        else:
            begin = earliest
            if due is not None and binding is not None and begin > due:
                conflicts.append((key, binding, None, earliest, due))
                due = None
        if due is None:
            due = begin + timedelta(days=task.duration_days)
        dates[key] = (begin, max(due, begin))
    return dates, conflicts


def _reference_path(tasks: list[Task], links: list[Link], dates: dict) -> tuple[list[str], int]:
    graph = _graph(tasks, links)
    spans = {key: (due - max(begin, START)).days for key, (begin, due) in dates.items()}
    weighted = nx.DiGraph()
    for key in graph.nodes:
        task = graph.nodes[key]["task"]
        release = max(0, (task.start - START).days) if task.start is not None else 0
        weighted.add_edge("S", key, weight=release)
        weighted.add_edge(key, "F", weight=max(0, spans[key]))
    for before, after, data in graph.edges(data=True):
        weight = (max(0, spans[before]) if data["relation"] == "finish_to_start" else 0)
        weighted.add_edge(before, after, weight=weight + data["lead"])
    path = nx.dag_longest_path(weighted, weight="weight")
    length = nx.path_weight(weighted, path, weight="weight")
    return [key for key in path if key not in ("S", "F")], int(length)


def _random_plan(rng: random.Random) -> tuple[list[Task], list[Link]]:
    keys = [f"m{i}" for i in range(rng.randint(1, 9))]
    tasks = []
    for index, key in enumerate(keys):
        given = rng.random()
        begin = START + timedelta(days=rng.randint(-30, 90)) if given < 0.2 else None
        due = START + timedelta(days=rng.randint(0, 200)) if given < 0.35 else None
        order = rng.choice([index, 0, -1])  # ties on order are broken by insertion
        tasks.append(Task(key, rng.choice([0, 30, 30, 60, 180]), order, begin, due))
    # links follow a hidden order unlike the order tasks are listed in, so a task's
    # prerequisites come in another order than the tasks (ties in max() are decided by order)
    hidden = rng.sample(keys, len(keys))
    links = []
    for _ in range(rng.randint(0, 2 * len(keys)) if len(keys) > 1 else 0):
        first, second = sorted(rng.sample(range(len(keys)), 2))
        links.append(Link(hidden[first], hidden[second],
                          rng.choice(["finish_to_start", "start_to_start"]),
                          rng.choice([0, 0, 7, 15])))
    rng.shuffle(links)
    if links and rng.random() < 0.3:  # the same link twice, the later values win
        again = links[0]
        links.append(Link(again.before, again.after, "start_to_start", 3))
    links.append(Link("elsewhere", keys[0]))  # a link to a task not in the plan is ignored
    return tasks, links


@pytest.mark.parametrize("seed", range(400))
def test_schedule_and_critical_path_are_those_of_networkx(seed: int) -> None:
    tasks, links = _random_plan(random.Random(seed))
    dates, conflicts = schedule(tasks, links, START)
    expected_dates, expected_conflicts = _reference_schedule(tasks, links)
    assert list(dates.items()) == list(expected_dates.items())
    assert [(c.key, c.prerequisite, c.given_start, c.earliest_start, c.given_due)
            for c in conflicts] == expected_conflicts
    assert critical_path(tasks, links, dates, START) == _reference_path(tasks, links, dates)


def test_a_cycle_is_named() -> None:
    tasks = [Task("a", 10, 0), Task("b", 10, 1), Task("c", 5, 2)]
    links = [Link("a", "b"), Link("b", "a")]
    with pytest.raises(ValueError, match="schedule cycle: a → b"):
        schedule(tasks, links, START)


def test_no_tasks_no_path() -> None:
    assert critical_path([], [], {}, START) == ([], 0)
