"""CLI: ``--backend python|columnar|durable|auto`` and the choice ``auto`` makes for a dataset."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from planner.extras import pip_hint
from planner.io import Dataset

if TYPE_CHECKING:
    from planner.backends.python.engine import Checker
    from planner.run import Run

BACKEND_CHOICES = ("auto", "python", "columnar", "durable")

backend_option = click.option(
    "--backend", type=click.Choice(BACKEND_CHOICES), default="auto", show_default=True,
    help="How rules run: python (per household), columnar (polars, per batch), durable "
         "(durable-rules sessions, extra durable); findings are the same. auto: columnar for "
         "typed Parquet input when polars is installed.",
)
"""``--backend`` of ``check``."""

explain_backend_option = click.option(
    "--explain-backend", is_flag=True,
    help="Say on standard error why this backend runs and, for the columnar one, each rule it "
         "leaves to Python and why.",
)
"""``--explain-backend`` of ``check``."""


def typed_input(dataset: Dataset) -> bool:
    """True when every household file of ``dataset`` is typed Parquet (and there are some)."""
    from planner.io.formats import detect_format

    if not dataset.household_files or dataset.export_files:
        return False
    for path in dataset.household_files:
        if detect_format(path, dataset.fmt) != "parquet":
            return False
        from planner.io.parquet import layout_of
        from planner.io.tabular import SourceError

        try:
            if layout_of(path) != "typed":
                return False
        except SourceError:
            return False  # the reader reports it
    return True


def choose_backend(requested: str, dataset: Dataset) -> str:
    """The backend to run: as requested, or for ``auto`` the columnar one where the input is
    typed Parquet (read column-wise, no record built where no rule needs it) and polars is
    installed, else the Python one."""
    if requested != "auto":
        return requested
    from planner.backends import available

    return "columnar" if "columnar" in available() and typed_input(dataset) else "python"


def why_backend(requested: str, backend: str, dataset: Dataset) -> tuple[str, str]:
    """Why ``backend`` runs (what :func:`choose_backend` saw), in Chinese and English."""
    if requested != "auto":
        return "由 --backend 指定", "as --backend asked"
    if backend == "columnar":
        return ("auto：输入是类型化 Parquet，且已安装 polars",
                "auto: the input is typed Parquet and polars is installed")
    from planner.backends import available

    if "columnar" not in available():
        return (f"auto：未安装 polars（{pip_hint('columnar')}）",
                f"auto: polars is not installed ({pip_hint('columnar')})")
    return ("auto：输入不是类型化 Parquet，记录逐条读取校验",
            "auto: the input is not typed Parquet; records are read and validated one by one")


def explain_lines(requested: str, backend: str, dataset: Dataset, checker: Checker,
                  lang: str) -> list[str]:
    """``--explain-backend``: the backend and why, then each rule the columnar backend leaves
    to Python and why, and what that costs (one line each, in ``lang``)."""
    zh, en = why_backend(requested, backend, dataset)
    lines = [f"{backend_line(backend, lang)}（{zh}）" if lang == "zh"
             else f"{backend_line(backend, lang)} ({en})"]
    if backend == "durable":
        from planner.backends.durable.checker import DurableChecker

        assert isinstance(checker, DurableChecker)
        return lines + [f"规则 {code} 在 Python 中逐条运行：durable 后端未编译（{why}）"
                        if lang == "zh" else
                        f"rule {code} runs in Python: not compiled for durable-rules ({why})"
                        for code, why in checker.unsupported.items()]
    if backend != "columnar":
        return lines
    from planner.backends.columnar.checker import ColumnarChecker
    from planner.backends.columnar.fallbacks import every_household_built, fallbacks

    assert isinstance(checker, ColumnarChecker)
    lines += [fallback.line(lang) for fallback in fallbacks(checker)]
    cost = every_household_built(checker, lang)
    if cost is not None:
        lines.append(cost)
    return lines


def start_checker(run: Run, backend: str) -> Checker:
    """The checker of ``backend`` for ``run``; a usage problem when it is not installed."""
    from planner.backends import available
    from planner.cli.inputs import UsageProblem

    if backend not in available():
        needs = "durable-rules" if backend == "durable" else "polars"
        raise UsageProblem(f"后端 {backend} 需要 {needs}：{pip_hint(backend)}",
                           f"backend {backend} needs {needs}: {pip_hint(backend)}")
    if backend == "durable":
        from planner.backends.durable.checker import DurableChecker

        return DurableChecker(run)
    if backend == "columnar":
        from planner.backends.columnar.checker import ColumnarChecker

        return ColumnarChecker(run)
    from planner.backends.python.engine import Checker

    return Checker(run)


def backend_line(backend: str, lang: str) -> str:
    """The summary line naming the backend that ran."""
    return f"运行后端：{backend}" if lang == "zh" else f"backend: {backend}"


__all__ = ["BACKEND_CHOICES", "backend_line", "backend_option", "choose_backend",
           "explain_backend_option", "explain_lines", "start_checker", "typed_input",
           "why_backend"]
