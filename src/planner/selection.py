"""Rule selection: ``select`` / ``ignore`` / ``extend-select`` with ruff's precedence.

A selector is ``ALL``, a family (``income``), a code prefix (``INC``, ``INC00``), a full code or
alias (``INC001``) or a rule name (``income-below-line``). Resolution follows ruff:

* levels are applied in order (configuration file, then command line); the default before any
  level is every loaded rule;
* a level that gives ``select`` starts afresh from it (a command-line ``--select`` discards the
  configuration's select, ignore and extend-select); a level without ``select`` adjusts the set
  it inherits;
* within one level, selectors are applied from the least to the most specific (``ALL`` < family <
  shorter prefix < longer prefix < exact code or name), so ``--select ALL --ignore INC`` and
  ``--ignore INC --select INC001`` both mean what they say; at equal specificity ``ignore`` wins.

A selector that matches no rule is an error, as in ruff.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from planner.errors import BilingualError
from planner.registry import RuleSet

_PREFIX = re.compile(r"^([A-Z]{1,3})([0-9]{0,3})$")
ALL = "ALL"
EXACT = 100
_SOURCES_ZH = {"command line": "命令行", "configuration": "配置"}


class SelectionError(BilingualError):
    """A selector names no rule, code prefix or family (message in Chinese, then English)."""


@dataclass(frozen=True, slots=True)
class Selection:
    """One level of selection (a config file or the command line).

    ``select=None`` means the level does not set ``select`` and adjusts what it inherits.
    """

    select: Sequence[str] | None = None
    ignore: Sequence[str] = ()
    extend_select: Sequence[str] = ()
    source: str = ""

    def __post_init__(self) -> None:
        for name in ("select", "ignore", "extend_select"):
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, split_selectors([value]))
            elif value is not None:
                object.__setattr__(self, name, tuple(value))


def split_selectors(values: Iterable[str]) -> tuple[str, ...]:
    """``["INC,HOU", " DQ005"]`` → ``("INC", "HOU", "DQ005")`` (commas and repeats both work)."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def resolve(selector: str, rules: RuleSet, source: str = "") -> tuple[int, frozenset[str]]:
    """The specificity of ``selector`` and the codes it matches."""
    if selector == ALL:
        return 0, frozenset(r.code for r in rules)
    exact = rules.get(selector) or rules.by_name(selector)
    if exact is not None:
        return EXACT, frozenset({exact.code})
    family = frozenset(r.code for r in rules if r.family == selector)
    if family:
        return 1, family
    match = _PREFIX.match(selector)
    if match:
        letters, digits = match.groups()
        codes = frozenset(
            r.code
            for r in rules
            if (m := _PREFIX.match(r.code))
            and m.group(1) == letters
            and r.code.startswith(selector)
        )
        if codes:
            return 10 + len(digits), codes
    where_zh = f"（来自 {_SOURCES_ZH.get(source, source)}）" if source else ""
    where_en = f" (in {source})" if source else ""
    known = {name for r in rules for name in (r.code, r.name, r.family)}
    close = difflib.get_close_matches(selector, known, n=1) or difflib.get_close_matches(
        selector.upper(), known, n=1)
    hint_zh = f"；是否想用 {close[0]}？" if close else ""
    hint_en = f"; did you mean {close[0]}?" if close else ""
    raise SelectionError(
        f"未知的规则选择 {selector!r}{where_zh}：不是 ALL、规则代码、代码前缀、规则名称"
        f"或已加载规则的类别（用 `planner rules` 查看）{hint_zh}",
        f"unknown rule selector {selector!r}{where_en}: not ALL, a rule code, a code prefix, a"
        f" rule name or a family of the loaded rules (see `planner rules`){hint_en}",
    )


def selected_codes(rules: RuleSet, levels: Sequence[Selection]) -> set[str]:
    """The codes enabled after applying ``levels`` in order (ruff's resolution)."""
    enabled = {r.code for r in rules}
    carried_ignores: Sequence[str] = ()
    for level in levels:
        updates: dict[str, bool] = {}
        choices: list[tuple[int, bool, frozenset[str]]] = []
        for selector in (*(level.select or ()), *level.extend_select):
            specificity, codes = resolve(selector, rules, level.source)
            choices.append((specificity, True, codes))
        for selector in (*level.ignore, *carried_ignores):
            specificity, codes = resolve(selector, rules, level.source)
            choices.append((specificity, False, codes))
        carried_ignores = ()
        # Least specific first; at equal specificity selects before ignores, so ignore wins.
        for _, on, codes in sorted(choices, key=lambda c: (c[0], not c[1])):
            for code in codes:
                updates[code] = on
        if level.select is not None:
            enabled = {code for code, on in updates.items() if on}
            if not level.select and not level.extend_select and level.ignore:
                # as in ruff, an empty select with ignores hands the ignores to the next level
                carried_ignores = level.ignore
        else:
            for code, on in updates.items():
                if on:
                    enabled.add(code)
                else:
                    enabled.discard(code)
    return enabled


def select_rules(rules: RuleSet, levels: Sequence[Selection]) -> RuleSet:
    """The rules of ``rules`` enabled by ``levels``."""
    enabled = selected_codes(rules, levels)
    return RuleSet(r for r in rules if r.code in enabled)


__all__ = [
    "ALL",
    "Selection",
    "SelectionError",
    "resolve",
    "select_rules",
    "selected_codes",
    "split_selectors",
]
