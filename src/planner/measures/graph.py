"""The intervention graph: one function builds and checks it; exports to DOT, Mermaid, JSON, SVG.

Nodes are measure ids (with labels, family, duration, cost and gain as attributes); an edge
``credit_rating → microcredit`` says the first is a prerequisite of the second, with its
``relation`` (finish-to-start or start-to-start) and ``lead_days``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from planner.atomic import write_text
from planner.measures.measure import CatalogError, Measure

GRAPH_FORMATS = ("dot", "mmd", "json", "svg")
_RELATION_SHORT = {"finish_to_start": "FS", "start_to_start": "SS"}


def build_graph(measures: Iterable[Measure]) -> nx.DiGraph:
    """Build the prerequisite DAG of ``measures``.

    Raises :class:`CatalogError` naming every unknown prerequisite (``microcredit → credit_rate``),
    a prerequisite cycle (``a → b → a``), or a village work that waits for a household measure.
    """
    graph = nx.DiGraph()
    measures = list(measures)
    for measure in measures:
        graph.add_node(
            measure.id,
            label_zh=measure.label.zh,
            label_en=measure.label.en,
            family=measure.family,
            beneficiary=measure.beneficiary,
            duration_days=measure.duration_days,
            unit_cost=measure.unit_cost,
            annual_gain=measure.annual_gain,
            responsible_zh=measure.responsible.zh,
            responsible_en=measure.responsible.en,
        )
    unknown: list[str] = []
    misplaced: list[str] = []
    for measure in measures:
        for prerequisite in measure.prerequisites:
            if prerequisite.measure not in graph:
                unknown.append(f"{measure.id} → {prerequisite.measure}")
                continue
            if (
                measure.beneficiary == "village"
                and graph.nodes[prerequisite.measure]["beneficiary"] != "village"
            ):
                misplaced.append(f"{measure.id} → {prerequisite.measure}")
            graph.add_edge(
                prerequisite.measure,
                measure.id,
                relation=prerequisite.relation,
                lead_days=prerequisite.lead_days,
            )
    if unknown:
        raise CatalogError(f"unknown prerequisite ids: {', '.join(sorted(unknown))}")
    if misplaced:
        raise CatalogError(
            f"a village work cannot wait for a household measure: {', '.join(sorted(misplaced))}"
        )
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        cycle = None
    if cycle:
        ids = [edge[0] for edge in cycle] + [cycle[0][0]]
        raise CatalogError(f"prerequisite cycle: {' → '.join(ids)}")
    for layer, generation in enumerate(nx.topological_generations(graph)):
        for node in generation:
            graph.nodes[node]["layer"] = layer
    return graph


def _edge_label(data: dict[str, Any]) -> str:
    short = _RELATION_SHORT.get(data.get("relation", ""), data.get("relation", ""))
    lead = data.get("lead_days", 0)
    return f"{short} +{lead}d" if lead else short


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def to_dot(graph: nx.DiGraph, language: str = "zh") -> str:
    """Graphviz DOT text (labels in ``language``; no Graphviz binary is needed to write it)."""
    lines = ["digraph measures {", "  rankdir=LR;", '  node [shape=box, style=rounded];']
    for node, data in graph.nodes(data=True):
        label = f"{data.get(f'label_{language}', node)}\n{node}"
        lines.append(f"  {_quote(node)} [label={_quote(label)}, family={_quote(data['family'])}];")
    for source, target, data in graph.edges(data=True):
        lines.append(f"  {_quote(source)} -> {_quote(target)} [label={_quote(_edge_label(data))}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_mermaid(graph: nx.DiGraph, language: str = "zh") -> str:
    """A Mermaid ``flowchart`` (renders on GitHub and in most Markdown viewers)."""
    lines = ["flowchart LR"]
    for node, data in graph.nodes(data=True):
        label = str(data.get(f"label_{language}", node)).replace('"', "'")
        lines.append(f'  {node}["{label}<br/>{node}"]')
    for source, target, data in graph.edges(data=True):
        lines.append(f"  {source} -->|{_edge_label(data)}| {target}")
    return "\n".join(lines) + "\n"


def to_json(graph: nx.DiGraph) -> dict[str, Any]:
    """Node-link JSON (``nodes`` and ``edges``), readable by ``networkx.node_link_graph``."""
    return nx.node_link_data(graph, edges="edges")


def to_svg(graph: nx.DiGraph, language: str = "zh") -> str:
    """An SVG picture, layered left to right by topological generation (matplotlib only).

    Chinese labels need an installed CJK font; without one the picture shows measure ids.
    """
    return draw_graph(graph, language, "svg").decode("utf-8")


def _columns(graph: nx.DiGraph) -> list[list[str]]:
    """Node columns: one per topological generation (rows ordered by the mean row of their
    successors, to keep arrows short), then the measures without prerequisites or dependents."""
    linked = [n for n in graph.nodes if graph.degree(n)]
    alone = sorted((n for n in graph.nodes if not graph.degree(n)),
                   key=lambda n: (graph.nodes[n]["family"], n))
    layers: dict[int, list[str]] = {}
    for node in linked:
        layers.setdefault(graph.nodes[node].get("layer", 0), []).append(node)
    columns: list[list[str]] = [[] for _ in range(max(layers, default=-1) + 1)]
    rows: dict[str, float] = {}
    for layer in sorted(layers, reverse=True):

        def barycentre(node: str) -> tuple[float, str, str]:
            below = [rows[s] for s in graph.successors(node) if s in rows]
            mean = sum(below) / len(below) if below else float(len(rows))
            return (mean, graph.nodes[node]["family"], node)

        ordered = sorted(layers[layer], key=barycentre)
        for row, node in enumerate(ordered):
            rows[node] = row
        columns[layer] = ordered
    height = max((len(c) for c in columns), default=0) or 12
    for start in range(0, len(alone), height):
        columns.append(alone[start:start + height])
    return columns


def draw_graph(graph: nx.DiGraph, language: str = "zh", fmt: str = "svg") -> bytes:
    """The graph picture in a matplotlib format (``svg``, ``png``, ``pdf``)."""
    import io

    from planner.measures.drawing import font_properties, label_language, pyplot

    plt = pyplot()
    language = label_language(language)
    columns = _columns(graph)
    positions = {node: (index * 4.0, -row)
                 for index, column in enumerate(columns) for row, node in enumerate(column)}
    tallest = max((len(column) for column in columns), default=1)
    figure, axes = plt.subplots(figsize=(2 + 2.6 * len(columns), 1 + 0.45 * tallest))
    try:
        families = sorted({data["family"] for _, data in graph.nodes(data=True)})
        colours = {family: plt.get_cmap("tab20")(i % 20) for i, family in enumerate(families)}
        boxes = {}
        for node, (x, y) in positions.items():
            data = graph.nodes[node]
            text = node if language == "en" else f"{data['label_zh'][:14]}\n{node}"
            boxes[node] = axes.text(
                x, y, text, ha="center", va="center", fontsize=6.5,
                bbox={"boxstyle": "round,pad=0.3", "fc": colours[data["family"]], "ec": "#333333"},
                **font_properties(),
            )
        for source, target, data in graph.edges(data=True):
            (x0, y0), (x1, y1) = positions[source], positions[target]
            axes.annotate(
                "", xy=(x1, y1), xytext=(x0, y0),
                arrowprops={"arrowstyle": "->", "color": "#555555", "lw": 0.8,
                            "patchA": boxes[source].get_bbox_patch(),
                            "patchB": boxes[target].get_bbox_patch()},
            )
            axes.text(x0 + 0.62 * (x1 - x0), y0 + 0.62 * (y1 - y0) + 0.15, _edge_label(data),
                      fontsize=5.5, ha="center", color="#555555")
        axes.set_xlim(-1.6, 4.0 * max(len(columns) - 1, 0) + 1.6)
        axes.set_ylim(-tallest, 0.8)
        axes.axis("off")
        buffer = io.BytesIO()
        figure.savefig(buffer, format=fmt, bbox_inches="tight")
    finally:
        plt.close(figure)
    return buffer.getvalue()


def write_graph(graph: nx.DiGraph, path: str | Path, language: str = "zh") -> Path:
    """Write the graph in the format named by the file suffix: .dot, .mmd, .json or .svg."""
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "dot":
        text = to_dot(graph, language)
    elif suffix in ("mmd", "mermaid"):
        text = to_mermaid(graph, language)
    elif suffix == "json":
        text = json.dumps(to_json(graph), ensure_ascii=False, indent=2)
    elif suffix == "svg":
        text = to_svg(graph, language)
    else:
        raise ValueError(f"{path}: graph files are .dot, .mmd, .json or .svg")
    return write_text(path, text)  # whole or not at all
