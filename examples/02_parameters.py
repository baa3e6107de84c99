"""Dated parameters: the poverty line by date, where each value comes from, and a district file
overriding the national values.

    .venv/bin/python examples/02_parameters.py
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from planner import default_parameters, load_parameters

DISTRICT = Path(__file__).resolve().parent / "district" / "params.yaml"


def main() -> None:
    parameters = default_parameters()
    print("贫困线 / poverty line (income.poverty_line):")
    for when in (
        date(2010, 6, 30),
        date(2011, 6, 30),
        date(2015, 6, 30),
        date(2019, 9, 30),
        date(2020, 9, 30),
    ):
        values = parameters.at(when)
        if "income.poverty_line" not in values:
            print(f"  {when}: 未生效 / not in force")
            continue
        dated = values.provenance("income.poverty_line")
        flag = "" if dated.confirmed else "  (UNCONFIRMED 未证实)"
        print(f"  {when}: {dated.value} 元  since {dated.start}  [{dated.series}]")
        print(f"      {dated.reference}{flag}")

    print("\n示范县 district file / 地方参数文件:", DISTRICT.name)
    district = load_parameters(DISTRICT)
    on = date(2020, 9, 30)
    for name in ("projects.completion_benchmark", "projects.disbursement_benchmark"):
        national, local = parameters.at(on).provenance(name), district.at(on).provenance(name)
        source = Path(local.source).name
        print(f"  {name}: {national.value} ({national.source}) → {local.value} ({source})")

    with tempfile.TemporaryDirectory() as folder:
        override = Path(folder) / "province.yaml"
        override.write_text(
            "income.poverty_line:\n"
            "  values:\n"
            "    2020-01-01: {value: 4100, reference: 'province exit standard (example)'}\n"
            "    2021-01-01: 4300\n",
            encoding="utf-8",
        )
        province = load_parameters(override)
        print("\n省级覆盖 / a province file changes 2020 and adds 2021:")
        for when in (date(2019, 9, 30), date(2020, 9, 30), date(2021, 9, 30)):
            dated = province.at(when).provenance("income.poverty_line")
            print(f"  {when}: {dated.value} 元  ← {Path(dated.source).name}")

    print("\n贫困线数列止于 2020 / the national series ends with 2020:")
    ended = parameters.at(date(2023, 6, 30)).ended("income.poverty_line")
    if ended is not None:
        print(f"  {ended.start}: {ended.reference}")

    print("\n省级参数 / shipped provincial values (--province 贵州):")
    guizhou = load_parameters(province="贵州").at(date(2023, 12, 31))
    dated = guizhou.provenance("monitoring.threshold")
    print(f"  monitoring.threshold 2023: {dated.value} 元  ← {dated.source}")
    print(f"      {dated.reference}")


if __name__ == "__main__":
    main()
