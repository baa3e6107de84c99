"""Generate 1,000 synthetic households into a temporary folder, check them with the built-in
rules, and score the findings against the generator's manifest (precision and recall).

    .venv/bin/python examples/03_generate.py
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path

import planner
from planner.generate import GeneratorConfig, output_paths, write_dataset
from planner.generate.score import finding_keys, read_manifest, score

BUILT_IN = (
    "INC", "BAS", "EDU", "MED", "HOU", "WAT", "DQ", "SUP", "POL", "MON", "VIL", "PRJ", "IND",
    "BEN", "PST", "WRK", "DIS", "RSK",
)


def main() -> None:
    config = GeneratorConfig(households=1000, seed=42, problem_share=0.2)
    with tempfile.TemporaryDirectory() as folder:
        paths = output_paths(Path(folder) / "county")
        summary = write_dataset(config, paths)
        print(
            f"已生成 {summary.households} 户，其中 {sum(summary.problems.values())} 户注入问题 / "
            f"generated {summary.households} households, "
            f"{sum(summary.problems.values())} with a problem"
        )

        with paths.households.open(encoding="utf-8") as lines:
            households = [planner.Household.model_validate_json(line) for line in lines]
        villages = [
            planner.Village.model_validate(v)
            for v in json.loads(paths.villages.read_text(encoding="utf-8"))
        ]
        projects = [
            planner.Project.model_validate(p)
            for p in json.loads(paths.projects.read_text(encoding="utf-8"))
        ]
        rules = planner.RuleSet(r for r in planner.load_rules() if r.code.startswith(BUILT_IN))
        result = planner.check(
            households,
            villages=villages,
            projects=projects,
            rules=rules,
            reference_date=config.when,
        )
        result_score = score(read_manifest(paths.manifest), finding_keys(result.findings))

    print(f"检查出 {result.stats.findings} 条问题 / {result.stats.findings} findings")
    for code, count in sorted(Counter(f.code for f in result.findings).items()):
        print(f"  {code}: {count}")
    print(f"precision 精确率 {result_score.precision:.3f}, recall 召回率 {result_score.recall:.3f}")


if __name__ == "__main__":
    main()
