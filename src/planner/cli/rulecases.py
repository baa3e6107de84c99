"""CLI: ``test``, a rule pack's YAML cases run without writing a pytest file (OpenFisca's
``openfisca test``)."""

from __future__ import annotations

from pathlib import Path

import click
import yaml

from planner.cli.i18n import lang_option
from planner.cli.inputs import UsageProblem


def _case_files(paths: tuple[Path, ...]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    return files


@click.command("test")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--households", "households_dir", type=click.Path(exists=True, file_okay=False,
                                                                 path_type=Path),
              help="Folder of the named households the cases' `base:` names (default: the "
                   "example households shipped with planner).")
@click.option("--backend", default="python", show_default=True,
              help="Backend to run the cases on, or `all` (every backend installed).")
@click.option("-k", "match", help="Run only the cases whose id contains this text.")
@lang_option
def test_command(paths: tuple[Path, ...], households_dir: Path | None, backend: str,
                 match: str | None, lang: str) -> None:
    """Run YAML rule cases: a household in, the exact finding codes out.

    PATHS are case files (``CODE.yaml``) or folders of them. Each case's findings are compared
    with its ``expect`` list; a difference is printed with both lists. Exit 0 when every case
    passes, 1 when one fails, 2 when a case file cannot be read.
    """
    from planner.backends import available
    from planner.testing import CaseError, RuleCase, load_cases

    backends = available() if backend == "all" else (backend,)
    unknown = [b for b in backends if b not in available()]
    if unknown:
        raise UsageProblem(f"未知或未安装的后端 {unknown[0]}（可用：{', '.join(available())}）",
                           f"unknown or uninstalled backend {unknown[0]} (available: "
                           f"{', '.join(available())})")
    cases: list[RuleCase] = []
    for path in _case_files(paths):
        try:
            cases.extend(load_cases(path, households_dir))
        except (CaseError, yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
            raise UsageProblem(f"无法读取用例文件 {path}：{exc}",
                               f"cannot read case file {path}: {exc}") from exc
    passed = failed = skipped = 0
    for case in cases:
        if match and match not in case.id:
            continue
        for name in backends:
            label = case.id if len(backends) == 1 else f"{case.id} [{name}]"
            if case.unsupported(name):
                skipped += 1
                continue
            try:
                got, want = case.run(name), sorted(case.expect)
            except Exception as exc:  # a bad household or an unknown code fails this case only
                failed += 1
                click.echo(f"✗ {label}\n    {case.source}: {type(exc).__name__}: {exc}")
                continue
            if got == want:
                passed += 1
                continue
            failed += 1
            click.echo(f"✗ {label}  ({case.source})\n"
                       f"    {'预期' if lang == 'zh' else 'expected'} {want}\n"
                       f"    {'实际' if lang == 'zh' else 'got     '} {got}")
    if lang == "zh":
        click.echo(f"规则用例：通过 {passed}，失败 {failed}，跳过 {skipped}（后端不支持）")
    else:
        click.echo(f"rule cases: {passed} passed, {failed} failed, {skipped} skipped "
                   "(backend cannot run them)")
    if failed:
        raise SystemExit(1)


COMMANDS = (test_command,)
