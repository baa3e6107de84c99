"""``Aggregates.to_frames``: the example district's aggregates as polars (or pandas) frames."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from planner.backends.python.engine import Checker
from planner.extras import MissingExtra
from planner.io import open_dataset
from planner.params import load_parameters
from planner.report import Aggregates, aggregate
from planner.report.frames import tables
from planner.run import Run

from .conftest import EXAMPLES

WHEN = date(2020, 9, 30)
DISTRICT = EXAMPLES / "district"


@pytest.fixture(scope="module")
def district() -> tuple[Aggregates, list]:
    dataset = open_dataset([DISTRICT])
    run = Run.build(parameters=load_parameters(DISTRICT / "params.yaml"), reference_date=WHEN)
    households = list(dataset.households())
    findings = list(Checker(run).iter_findings(households, dataset.villages, dataset.projects))
    result = aggregate(households, findings, reference_date=WHEN, projects=dataset.projects,
                       completion_benchmark=run.values["projects.completion_benchmark"],
                       disbursement_benchmark=run.values["projects.disbursement_benchmark"])
    return result, findings


def test_polars_frames_hold_the_aggregates(district) -> None:
    pl = pytest.importorskip("polars")
    result, findings = district
    frames = result.to_frames("polars")
    assert set(frames) == {"areas", "counts", "rankings", "helpers", "collectors"}
    assert all(isinstance(frame, pl.DataFrame) for frame in frames.values())
    areas = frames["areas"]
    assert areas["level"].to_list() == ["county"] + ["town"] * 3 + ["village"] * 12
    town = areas.filter((pl.col("level") == "town") & (pl.col("name") == "河口镇")).row(
        0, named=True)
    assert (town["projects_due"], town["projects_completed"]) == (19, 10)
    assert round(100 * town["completion_rate"], 1) == 52.6
    assert round(100 * town["disbursement_rate"], 1) == 45.0
    assert (town["completion_benchmark"], town["disbursement_benchmark"]) == (0.8791, 0.8848)
    assert areas.filter(pl.col("level") == "village")["households"].sum() == 307
    counts = frames["counts"]
    unwaived = [f for f in findings if not f.waived]
    county_codes = counts.filter((pl.col("level") == "county") & (pl.col("dimension") == "code"))
    assert dict(zip(county_codes["key"], county_codes["count"], strict=True)) == dict(
        Counter(f.code for f in unwaived))
    families = counts.filter((pl.col("level") == "town") & (pl.col("dimension") == "family"))
    assert families["count"].sum() == len(unwaived)
    completion = frames["rankings"].filter(pl.col("ranking") == "towns_by_completion")
    assert completion.sort("rank")["area"].to_list() == ["河口镇", "青山乡", "龙场镇"]
    helpers = frames["helpers"]
    assert helpers.height == len(result.helpers)
    assert helpers["findings"].sum() == sum(h.findings for h in result.helpers) > 0
    assert all(name[1:] == "*" * (len(name) - 1) for name in helpers["name"])  # masked
    # as many rows as collectors named (none in a district built before the generator named them)
    assert frames["collectors"].height == len(result.collectors)
    assert frames["collectors"]["households"].sum() == sum(c.households for c in result.collectors)
    assert frames["collectors"].columns == helpers.columns


def test_pandas_frames_have_the_same_rows(district) -> None:
    pd = pytest.importorskip("pandas")
    result, _ = district
    frames = result.to_frames("pandas")
    for name, (columns, rows) in tables(result).items():
        assert isinstance(frames[name], pd.DataFrame)
        assert list(frames[name].columns) == list(columns)
        assert len(frames[name]) == len(rows)


def test_an_unknown_or_missing_library_is_a_bilingual_error(district) -> None:
    result, _ = district
    with pytest.raises(ValueError, match=r"未知的数据框库.*\n.*unknown frame library"):
        result.to_frames("spark")
    for library in ("pandas", "polars"):
        try:
            __import__(library)
        except ImportError:
            with pytest.raises(MissingExtra, match=f"{library} 未安装"):
                result.to_frames(library)


def test_frames_are_chosen_as_every_frame_of_planner(district) -> None:
    """``to_frames()`` with no library takes the one planner.frames.frame takes (pandas first)."""
    result, _ = district
    from planner.frames import frame

    chosen = type(frame([], ["a"]))
    assert all(type(f) is chosen for f in result.to_frames().values())
