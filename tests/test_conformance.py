"""Conformance: every YAML rule case runs on every backend present, with the same findings.

The cases are ``tests/rules/*.yaml`` and the example pack's ``examples/plugin_pack/tests/rules``;
the backends are :func:`planner.backends.available` (``python``, ``columnar`` when polars is
installed, ``durable`` when durable-rules is). ``pytest -k HOU001`` picks one rule on every
backend, ``pytest -k python`` one backend. A case whose rules a backend cannot run is skipped,
naming them.
"""

from __future__ import annotations

import pytest

from planner.backends import available
from planner.testing import RuleCase, pytest_params

from .conftest import EXAMPLES, HOUSEHOLDS, ROOT

CASE_FOLDERS = (ROOT / "tests" / "rules", EXAMPLES / "plugin_pack" / "tests" / "rules")
CASES = [param for folder in CASE_FOLDERS for param in pytest_params(folder, HOUSEHOLDS)]


@pytest.mark.parametrize("backend", available())
@pytest.mark.parametrize("case", CASES)
def test_rule_case(case: RuleCase, backend: str) -> None:
    unsupported = case.unsupported(backend)
    if unsupported:
        pytest.skip(f"backend {backend} does not run {', '.join(unsupported)}")
    case.check(backend)


def test_every_case_folder_holds_cases() -> None:
    for folder in CASE_FOLDERS:
        assert any(folder.glob("*.yaml")), f"no rule cases in {folder}"
    assert len(CASES) > 100


def test_an_unknown_backend_is_refused() -> None:
    case = CASES[0].values[0]
    with pytest.raises(ValueError, match="no backend 'no-such-backend'"):
        case.run("no-such-backend")
