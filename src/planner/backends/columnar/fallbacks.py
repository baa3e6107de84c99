"""Columnar backend: the rules of a run it leaves to the Python backend, and why, in two languages.

``planner check --explain-backend`` prints these lines; tests/test_columnar_coverage.py keeps the
list of built-in rules that stay Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.backends.columnar.checker import ColumnarChecker

#: What ``compile_rules`` records for a rule with no spec (planner.backends.columnar.rules).
PYTHON_BODY = "a Python body"


@dataclass(frozen=True, slots=True)
class Fallback:
    """One rule run by the Python backend inside a columnar run, and why."""

    code: str
    zh: str
    en: str

    def line(self, lang: str) -> str:
        """The line shown to the user in ``lang`` (``zh`` or ``en``)."""
        if lang == "zh":
            return f"规则 {self.code} 在 Python 中逐条运行：{self.zh}"
        return f"rule {self.code} runs in Python: {self.en}"


def _compile_reason(code: str, why: str) -> Fallback:
    if why == PYTHON_BODY:
        return Fallback(code, "规则体是 Python 代码，没有可编译的规格",
                        "its body is Python code, with no spec to compile")
    # ``why`` names what is not vectorised (a fact, a helper, a parameter): a path, kept as it is
    return Fallback(code, f"尚未向量化（{why}）", f"not vectorised yet ({why})")


def fallbacks(checker: ColumnarChecker) -> list[Fallback]:
    """The rules of ``checker``'s run that the Python backend runs, in the checker's order:
    household and member rules not compiled, rules reading other findings, village, project and
    dataset rules (less those read from the batch's columns, :mod:`.dataset`, and the rates
    over projects, which read no household)."""
    found = [_compile_reason(code, why) for code, why in checker.compiled.unsupported.items()]
    found += [Fallback(rule.code, "读取本户其他规则的问题，在本户规则之后逐户运行",
                       "reads the household's other findings, run per household after them")
              if rule.code not in checker.after_gated else
              Fallback(rule.code, "读取本户其他规则的问题，只在其所读类别的规则命中的户运行",
                       "reads the household's other findings, run only where a rule of the "
                       "families it reads fires")
              for rule, _ in checker._after_rules]
    level = {"village": "村", "project": "项目"}
    found += [Fallback(rule.code, f"{level[rule.scope]}级规则，逐条记录运行",
                       f"a {rule.scope} rule, run per record")
              for rule, _ in (*checker._village_rules, *checker._project_rules)]
    found += [Fallback(rule.code, "数据集规则：逐户累积各户事实，读完后判断",
                       "a dataset rule: fed each household's facts, judged at the end")
              for rule, _ in checker._dataset_rules if rule.code not in checker._column_dataset]
    return found


def every_household_built(checker: ColumnarChecker, lang: str) -> str | None:
    """What the run costs when every household's record is built and all its facts derived (a
    rule the backend does not compile reads them, or waivers are to be judged), not only where
    a compiled rule fires; ``None`` when it is not so."""
    if checker._python_only:
        return ("因上列规则，每户都构建记录并计算全部事实（不仅是编译规则命中的户）" if lang == "zh"
                else "because of the rules above, every household's record is built and all its "
                     "facts derived (not only where a compiled rule fires)")
    if checker.run.waivers:
        return ("因需判断豁免，每户都构建记录" if lang == "zh"
                else "waivers are to be judged: every household's record is built")
    return None


__all__ = ["Fallback", "every_household_built", "fallbacks"]
