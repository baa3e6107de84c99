"""Shared fixtures: the named example households and the project paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
HOUSEHOLDS = EXAMPLES / "households"


@pytest.fixture
def example_household():
    """Load a named example household (``examples/households/<name>.json``) as a dict."""

    def load(name: str) -> dict:
        return json.loads((HOUSEHOLDS / f"{name}.json").read_text(encoding="utf-8"))

    return load
