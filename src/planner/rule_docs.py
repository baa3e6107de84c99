"""Rule documentation generated from the registry: ``docs/rules.md`` and ``planner rules CODE``.

Regenerate the committed page after changing rules::

    .venv/bin/python -m planner.rule_docs docs/rules.md
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from importlib.metadata import entry_points
from typing import Any

from planner.atomic import write_text
from planner.measures import default_catalog
from planner.registry import ENTRY_POINT_GROUP, RuleSet, entry_point_rules, load_rules
from planner.rule import DOC_SECTIONS, DOC_SECTIONS_ZH, Rule

BUILTIN_PACKAGE = "planner.rules"
REGENERATE = ".venv/bin/python -m planner.rule_docs docs/rules.md"


def builtin_rules() -> RuleSet:
    """The rules shipped with planner: the engine's own and the ``planner.rules.*`` families."""
    names = [
        e.name for e in entry_points(group=ENTRY_POINT_GROUP)
        if e.module == BUILTIN_PACKAGE or e.module.startswith(BUILTIN_PACKAGE + ".")
    ]
    return load_rules(entry_points=False) + entry_point_rules(names)


def _measures(ids: Iterable[str], catalog: Any) -> list[str]:
    labels = []
    for measure_id in ids:
        measure = catalog.get(measure_id) if catalog is not None else None
        if measure is None:
            labels.append(f"`{measure_id}`")
        else:
            labels.append(f"`{measure_id}` ({measure.label.zh} / {measure.label.en})")
    return labels


def _section_body(text: str, deeper: int = 1) -> str:
    # Doc pages use level-2 headings for their sections; nest them under the rule's heading.
    return "\n".join(
        "#" * deeper + line if line.startswith("#") else line
        for line in text.strip().splitlines()
    )


def _near_lines(code: str, nears: Mapping[str, Sequence[Any]], none: Mapping[str, str]
                ) -> list[str]:
    """What the precision corpus says a rule deliberately does not flag (planner.generate.near):
    its near-threshold households, or why it has none."""
    if code in nears:
        return ["**Deliberately not flagged** (near-threshold households of the precision "
                "corpus, `planner generate --near-share`; the tests hold the rule silent on "
                "each):", "", *(f"- {builder.summary}" for builder in nears[code]), ""]
    if code in none:
        return [f"**No near-threshold case:** {none[code]}.", ""]
    return []


def rule_markdown(rule: Rule, catalog: Any = None,
                  nears: Mapping[str, Sequence[Any]] | None = None,
                  no_near: Mapping[str, str] | None = None) -> str:
    """The Markdown section of one rule; ``nears`` (code → near builders) and ``no_near``
    (code → reason) add what it deliberately does not flag."""
    lines = [
        f"## {rule.code} {rule.name}",
        "",
        f"**Family** {rule.family} · **Scope** {rule.scope} · **Severity** {rule.severity}"
        + (f" · **Aliases** {', '.join(rule.aliases)}" if rule.aliases else ""),
        "",
        rule.summary_in("zh"),
        "",
        rule.summary,
        "",
        f"- Message (zh): {rule.message.zh}",
        f"- Message (en): {rule.message.en}",
        "",
    ]
    sections = rule.doc_sections()
    for name in DOC_SECTIONS:
        if name in sections:
            lines += [f"### {name}", "", _section_body(sections[name]), ""]
    if rule.has_doc_in("zh"):  # the Chinese page, its sections one level down
        sections = rule.doc_sections("zh")
        lines += ["### 中文说明", ""]
        for name in DOC_SECTIONS:
            if name in sections:
                lines += [f"#### {DOC_SECTIONS_ZH[name]}", "", _section_body(sections[name], 2),
                          ""]
    if rule.parameters:
        lines.append("**Parameters read:** " + ", ".join(f"`{p}`" for p in rule.parameters))
        lines.append("")
    if rule.proposes:
        lines.append("**Measures proposed:** " + ", ".join(_measures(rule.proposes, catalog)))
        lines.append("")
    if rule.needs:
        lines.append("**Fields needed** (not run on a source without them): "
                     + ", ".join(f"`{field}`" for field in rule.needs))
        lines.append("")
    lines += _near_lines(rule.code, nears or {}, no_near or {})
    return "\n".join(lines)


def rules_markdown(rules: Iterable[Rule], catalog: Any = None) -> str:
    """The whole rules page: an index table, then one section per rule."""
    rules = list(rules)
    catalog = catalog if catalog is not None else default_catalog()
    lines = [
        "# Rules",
        "",
        f"Generated from the rule registry by `{REGENERATE}`; do not edit by hand.",
        "`planner rules CODE` prints the same page for one rule.",
        "",
        "| code | name | severity | family | scope | 说明 | summary |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in rules:
        zh, en = (rule.summary_in(lang).replace("|", "\\|") for lang in ("zh", "en"))
        lines.append(
            f"| [{rule.code}](#{rule.code.lower()}-{rule.name}) | {rule.name} | {rule.severity}"
            f" | {rule.family} | {rule.scope} | {zh} | {en} |"
        )
    lines.append("")
    from planner.generate.near import NO_NEAR_CASE, all_nears

    nears = all_nears()
    for rule in rules:
        lines.append(rule_markdown(rule, catalog, nears, NO_NEAR_CASE))
    return "\n".join(lines).rstrip() + "\n"


def rule_page(rule: Rule, catalog: Any = None, lang: str = "zh") -> str:
    """The doc page of one rule as printed by ``planner rules CODE``: both languages, the
    language of the run first; the doc text in ``lang``, then (where the rule has a Chinese
    page) the other language's below."""
    catalog = catalog if catalog is not None else default_catalog()
    summaries = [f"说明：{rule.summary_in('zh')}", f"summary: {rule.summary}"]
    head = [
        f"{rule.code} {rule.name}  [{rule.severity}] family={rule.family} scope={rule.scope}",
        f"来源 / source: {rule.source}",
        "",
        *(summaries if lang == "zh" else summaries[::-1]),
        "",
        f"消息 (zh): {rule.message.zh}",
        f"message (en): {rule.message.en}",
        "",
        rule.doc_in(lang) or rule.summary,
        "",
        "参数 / parameters: " + (", ".join(rule.parameters) or "—"),
        "所需字段 / needs fields: " + (", ".join(rule.needs) or "— (不跳过 / never skipped)"),
        "措施 / measures: " + (", ".join(_measures(rule.proposes, catalog)).replace("`", "")
                              or "—"),
        "依据 / references: " + ("; ".join(rule.references) or "—"),
    ]
    if rule.has_doc_in("zh"):
        other = "en" if lang == "zh" else "zh"
        head += ["", "—— English ——" if other == "en" else "—— 中文 ——", "", rule.doc_in(other)]
    return "\n".join(head)


def main(argv: list[str] | None = None) -> int:
    """Write the built-in rules page to the named file (or standard output)."""
    args = sys.argv[1:] if argv is None else argv
    text = rules_markdown(builtin_rules())
    if args:
        write_text(args[0], text)
    else:
        sys.stdout.write(text)
    return 0


__all__ = ["builtin_rules", "main", "rule_markdown", "rule_page", "rules_markdown"]

if __name__ == "__main__":
    raise SystemExit(main())
