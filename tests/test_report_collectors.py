"""Data collectors (信息采集人): read from the Chinese header, counted per collector."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from planner.backends.python.engine import Checker
from planner.io import open_dataset
from planner.params import load_parameters
from planner.report import aggregate
from planner.run import Run

from .conftest import EXAMPLES

PLANNER = Path(sys.executable).with_name("planner")
DISTRICT = EXAMPLES / "district"
WHEN = date(2020, 9, 30)
#: Collector by town; 龙场镇's records name none.
COLLECTORS = {"河口镇": "王采集", "青山乡": "欧阳采集"}


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example district as a CSV whose 信息采集人 column names each town's collector."""
    out = tmp_path_factory.mktemp("collectors")
    flat = out / "flat.csv"
    done = subprocess.run([str(PLANNER), "convert", DISTRICT / "households.jsonl", flat],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with flat.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert "collector" in rows[0]
    target = out / "households.csv"
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        names = ["信息采集人" if name == "collector" else name for name in rows[0]]
        writer = csv.DictWriter(handle, names)
        writer.writeheader()
        for row in rows:
            del row["collector"]
            row["信息采集人"] = COLLECTORS.get(row["region.town"], "")
            writer.writerow(row)
    return target


def test_the_collector_header_is_read(collected: Path) -> None:
    households = list(open_dataset([collected]).households())
    assert len(households) == 307
    by_town = {(h.region.town, h.collector) for h in households}
    assert by_town == {("河口镇", "王采集"), ("青山乡", "欧阳采集"), ("龙场镇", None)}


def test_findings_are_counted_per_collector(collected: Path) -> None:
    dataset = open_dataset([collected])
    households = list(dataset.households())
    run = Run.build(parameters=load_parameters(DISTRICT / "params.yaml"), reference_date=WHEN)
    findings = list(Checker(run).iter_findings(households, dataset.villages, dataset.projects))
    result = aggregate(households, findings, reference_date=WHEN, projects=dataset.projects)
    assert result.collectors_recorded
    collector_of = {h.id: h.collector for h in households}
    mine = [f for f in findings if not f.waived and f.subject_kind == "household"
            and collector_of.get(f.subject)]
    counts = Counter(collector_of[f.subject] for f in mine)
    stats = {c.name: c for c in result.collectors}
    assert set(stats) == {"王**", "欧***"}  # masked
    for name, masked in (("王采集", "王**"), ("欧阳采集", "欧***")):
        person = stats[masked]
        assert person.households == sum(h.collector == name for h in households)
        assert person.households == result.town(
            "河口镇" if name == "王采集" else "青山乡").households
        assert person.findings == counts[name] > 0
        assert person.households_with_findings == len(
            {f.subject for f in mine if collector_of[f.subject] == name})
        assert person.data_problems == sum(
            f.family == "data_quality" for f in mine if collector_of[f.subject] == name)
    shown = aggregate(households, findings, reference_date=WHEN, show_personal=True)
    assert {c.name for c in shown.collectors} == set(COLLECTORS.values())


def test_the_report_lists_the_collectors(collected: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [str(PLANNER), "report", collected, "--out", tmp_path / "out", "--date", "2020-09-30",
         "--params", DISTRICT / "params.yaml", "--no-plan"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["collectors_recorded"] is True
    assert sorted(c["name"] for c in report["collectors"]) == ["欧***", "王**"]
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    people = page[page.index('id="sec-people"'):page.index('id="sec-examples"')]
    assert "<td>王**</td>" in people and "欧阳" not in page and "数据未记录信息采集人" not in page


def test_generated_households_carry_their_villages_collectors(tmp_path: Path) -> None:
    """The generator names a data collector per household, a few per village, and the report
    counts each one's households and findings."""
    from planner.generate import GeneratorConfig, output_paths, write_dataset
    from planner.privacy import mask_name

    folder = tmp_path / "generated"
    write_dataset(GeneratorConfig(240, seed=3, problem_share=0.3, towns=2, villages=6),
                  output_paths(folder))
    households = list(open_dataset([folder / "households.jsonl"]).households())
    assert all(h.collector for h in households)
    per_village: dict[str, set[str]] = {}
    for household in households:
        per_village.setdefault(household.region.village or "", set()).add(
            household.collector or "")
    assert len(per_village) == 6
    assert all(1 <= len(names) <= 3 for names in per_village.values())
    assert len(set().union(*per_village.values())) > 6  # several villages have several
    done = subprocess.run(
        [str(PLANNER), "report", folder, "--out", tmp_path / "out", "--no-plan"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["collectors_recorded"] is True
    counted = Counter(h.collector for h in households)
    assert sorted((c["name"], c["households"]) for c in report["collectors"]) == sorted(
        (mask_name(name), count) for name, count in counted.items())
    assert sum(c["households"] for c in report["collectors"]) == report["county"]["households"]
    assert sum(c["findings"] for c in report["collectors"]) > 0
