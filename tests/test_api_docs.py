"""The API reference is rendered from the docstrings (pdoc, a dev dependency) and builds: the
public names appear with their docstrings, Sphinx roles rendered (``:class:`X``` never shown as
written), and no rendering warning."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

import planner

pdoc = pytest.importorskip("pdoc")
render = pytest.importorskip("pdoc.render")

#: The modules of the reference: the package's names, reading, planning, the report, testing
#: rule packs, frames, extras and the output schemas.
MODULES = ("planner", "planner.io", "planner.planning", "planner.report", "planner.testing",
           "planner.frames", "planner.extras", "planner.output.schemas",
           "planner.planning.schema")


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("api")
    render.configure(docformat="restructuredtext", search=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdoc.pdoc(*MODULES, output_directory=out)
    assert [str(w.message) for w in caught if "pdoc" in (w.filename or "")] == []
    return out


def test_every_module_of_the_reference_is_written(reference: Path) -> None:
    for module in MODULES:
        assert (reference / (module.replace(".", "/") + ".html")).is_file(), module


def test_the_public_names_appear_with_their_docstrings(reference: Path) -> None:
    page = (reference / "planner.html").read_text(encoding="utf-8")
    for name in [n for n in planner.__all__ if n != "__version__"]:
        # the decorator rule shares its name with the module planner.rule: it is on that page
        where = page if name != "rule" else (reference / "planner" / "rule.html").read_text(
            encoding="utf-8")
        assert f'id="{name}"' in where, name
        assert (getattr(planner, name).__doc__ or "").strip(), f"{name} has no docstring"
    for member in ("CheckResult.to_frame", "DistrictPlan.to_frame"):
        assert f'id="{member}"' in page, member
    io_page = (reference / "planner" / "io.html").read_text(encoding="utf-8")
    for name in ("open_dataset", "read_households", "read_frame", "write_households",
                 "InputError"):
        assert f'id="{name}"' in io_page, name
    extras = (reference / "planner" / "extras.html").read_text(encoding="utf-8")
    assert 'id="require"' in extras and "fuping-planner" in extras


def test_docstrings_render_their_roles(reference: Path) -> None:
    shown = []
    for page in reference.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for block in re.findall(r'<div class="docstring">(.*?)</div>', text, flags=re.S):
            shown += [f"{page.name}: {m}" for m in re.findall(r":[a-z]+:`[^`]+`", block)]
    assert shown == []
