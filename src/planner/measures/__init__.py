"""Assistance measures: the catalog, the intervention graph and eligibility."""

from planner.measures.catalog import (
    CatalogError,
    Eligibility,
    Measure,
    MeasureCatalog,
    Prerequisite,
    default_catalog,
    load_catalog,
)

__all__ = [
    "CatalogError",
    "Eligibility",
    "Measure",
    "MeasureCatalog",
    "Prerequisite",
    "default_catalog",
    "load_catalog",
]
