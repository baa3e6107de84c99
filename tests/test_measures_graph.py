"""The intervention graph: layers and the DOT, Mermaid, JSON and SVG exports; the CLI command."""

from __future__ import annotations

import json

import networkx as nx
from click.testing import CliRunner

from planner.cli import cli
from planner.measures import default_catalog, to_dot, to_json, to_mermaid, to_svg, write_graph


def test_layers_follow_the_prerequisites() -> None:
    graph = default_catalog().graph
    assert graph.nodes["credit_rating"]["layer"] == 0
    assert graph.nodes["microcredit"]["layer"] == 1
    assert graph.nodes["housing_renovation"]["layer"] == 1
    for source, target in graph.edges:
        assert graph.nodes[source]["layer"] < graph.nodes[target]["layer"]


def test_dot_names_every_node_and_labels_edges_with_relation_and_lead() -> None:
    text = to_dot(default_catalog().graph)
    assert text.startswith("digraph measures {")
    assert '"credit_rating" -> "microcredit" [label="FS +7d"];' in text
    assert '"housing_assessment" -> "housing_renovation" [label="FS +7d"];' in text
    assert "信用评级授信\\ncredit_rating" in text


def test_mermaid_is_a_flowchart_with_labelled_edges() -> None:
    text = to_mermaid(default_catalog().graph, language="en")
    assert text.splitlines()[0] == "flowchart LR"
    assert "  credit_rating -->|FS +7d| microcredit" in text
    assert '  microcredit["Micro-credit' in text


def test_json_is_node_link_data_that_networkx_reads_back() -> None:
    graph = default_catalog().graph
    data = json.loads(json.dumps(to_json(graph), ensure_ascii=False))
    back = nx.node_link_graph(data, edges="edges")
    assert set(back.nodes) == set(graph.nodes)
    assert back.edges["credit_rating", "microcredit"]["lead_days"] == 7


def test_svg_is_drawn_without_graphviz() -> None:
    svg = to_svg(default_catalog().graph)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg


def test_write_graph_picks_the_format_from_the_suffix(tmp_path) -> None:
    graph = default_catalog().graph
    for suffix, marker in (("dot", "digraph"), ("mmd", "flowchart"), ("json", '"edges"'),
                           ("svg", "<svg")):
        path = write_graph(graph, tmp_path / f"graph.{suffix}")
        assert marker in path.read_text(encoding="utf-8")


def test_planner_measures_lists_the_catalog_and_writes_graphs(tmp_path) -> None:
    runner = CliRunner()
    listed = runner.invoke(cli, ["measures", "--lang", "en"])
    assert listed.exit_code == 0, listed.output
    assert "microcredit" in listed.output and "credit_rating (FS +7d)" in listed.output
    as_json = runner.invoke(cli, ["measures", "--format", "json"])
    assert len(json.loads(as_json.output)["measures"]) == len(default_catalog())
    target = tmp_path / "g.mmd"
    written = runner.invoke(cli, ["measures", "--graph", str(target)])
    assert written.exit_code == 0, written.output
    assert "credit_rating -->|FS +7d| microcredit" in target.read_text(encoding="utf-8")
    wrong = runner.invoke(cli, ["measures", "--graph", str(tmp_path / "g.png")])
    assert wrong.exit_code == 2
