"""Assistance measures: the catalog, the intervention graph and eligibility."""

from planner.measures.catalog import (
    MeasureCatalog,
    default_catalog,
    load_catalog,
    load_catalog_file,
)
from planner.measures.graph import (
    GRAPH_FORMATS,
    build_graph,
    to_dot,
    to_json,
    to_mermaid,
    to_svg,
    write_graph,
)
from planner.measures.measure import (
    DEVELOPMENT_FAMILIES,
    INCOME_FAMILIES,
    PROTECTION_FAMILIES,
    CatalogError,
    Eligibility,
    Label,
    Measure,
    Prerequisite,
)

__all__ = [
    "DEVELOPMENT_FAMILIES",
    "GRAPH_FORMATS",
    "INCOME_FAMILIES",
    "PROTECTION_FAMILIES",
    "CatalogError",
    "Eligibility",
    "Label",
    "Measure",
    "MeasureCatalog",
    "Prerequisite",
    "build_graph",
    "default_catalog",
    "load_catalog",
    "load_catalog_file",
    "to_dot",
    "to_json",
    "to_mermaid",
    "to_svg",
    "write_graph",
]
