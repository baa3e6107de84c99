"""Shared fixtures: the named example households, the project paths, hypothesis profiles."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# One fingerprint key for the suite and the commands it starts, so that no test makes a key file
# in the home folder (tests/test_fingerprints.py tests the key file on its own).
os.environ.setdefault("PLANNER_FINGERPRINT_KEY", "planner test suite fingerprint key")
HOUSEHOLDS = EXAMPLES / "households"


@pytest.fixture
def example_household():
    """Load a named example household (``examples/households/<name>.json``) as a dict."""

    def load(name: str) -> dict:
        return json.loads((HOUSEHOLDS / f"{name}.json").read_text(encoding="utf-8"))

    return load


# Hypothesis budgets: ``ci`` (the default run, a few seconds in all; no shrinking, because the
# properties that known defects break would spend their time shrinking; derandomised, so that the
# test run gives the same verdict on every machine and every run) and ``fuzz`` (a hundred times
# the examples, random, with shrinking): HYPOTHESIS_PROFILE=fuzz pytest tests/test_properties.py
settings.register_profile(
    "ci", max_examples=20, deadline=None, print_blob=True, derandomize=True, database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz", max_examples=2000, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _language_from_no_environment(monkeypatch):
    """Tests see the default language (Chinese) whatever the machine's locale or PLANNER_LANG;
    a test asking for English sets them itself."""
    for name in ("PLANNER_LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture
def households_built(monkeypatch) -> list[int]:
    """How many households each ``TypedBatch.build_many`` call of the test builds (the columnar
    backend builds a typed row as a Python household only where it must)."""
    typedparquet = pytest.importorskip("planner.io.typedparquet")
    built: list[int] = []
    build_many = typedparquet.TypedBatch.build_many

    def counting(self, indices):
        built.append(len(indices))
        return build_many(self, indices)

    monkeypatch.setattr(typedparquet.TypedBatch, "build_many", counting)
    return built
