"""Synthetic households, villages and projects with a known mix of injected problems.

Deterministic (same config and seed → byte-identical files), realistic for a Guizhou-like rural
county in 2020, and streamed so that a million households never sit in memory at once. Every
injected problem is listed in a manifest of expected findings, so the rules' precision and
recall on generated data can be measured.
"""

from planner.generate.config import GeneratorConfig
from planner.generate.household import BuildContext, build_household
from planner.generate.problems import Expected, Injector, NotApplicable, all_injectors
from planner.generate.stream import Generated, Generator, Summary, generate_households
from planner.generate.writer import FORMATS, OutputPaths, output_paths, write_dataset

__all__ = [
    "FORMATS",
    "BuildContext",
    "Expected",
    "Generated",
    "Generator",
    "GeneratorConfig",
    "Injector",
    "NotApplicable",
    "OutputPaths",
    "Summary",
    "all_injectors",
    "build_household",
    "generate_households",
    "output_paths",
    "write_dataset",
]
