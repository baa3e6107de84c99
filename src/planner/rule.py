"""Rules and findings: what a rule is, what it yields, and how a finding is reported.

Defining a rule is inert: :func:`rule` and :func:`from_spec` return a :class:`Rule` value and
register nothing. A pack exposes its rules in a module-level ``RULES`` tuple; the registry loads
packs explicitly (entry points, named files).
"""

from __future__ import annotations

import inspect
import re
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from functools import lru_cache
from typing import Any, Literal, Protocol

from planner.facts import HouseholdFacts, MemberFacts
from planner.model.personal import personal_kind
from planner.model.vocab import Labelled
from planner.params import ParamValues
from planner.spec import CODE_PATTERN as _CODE
from planner.spec import NAME_PATTERN as _NAME
from planner.spec import (
    RULE_KINDS,
    SCOPES,
    Message,
    RuleKind,
    RuleSpec,
    SpecError,
    resolve_path,
    validate_form,
    validate_spec,
)
from planner.spec.needs import check_need, spec_needs
from planner.spec.paths import HOUSEHOLD, MEMBER

Severity = Literal["error", "warning", "info"]
Scope = Literal["household", "member", "village", "project", "dataset"]
Body = Literal["spec", "python", "dataset"]
SEVERITY_ORDER = {"info": 0, "warning": 1, "error": 2}
CODE_PATTERN = re.compile(_CODE)
NAME_PATTERN = re.compile(_NAME)
DOC_SECTIONS = (
    "What it checks",
    "Why it matters",
    "Example",
    "Proposed measures",
    "Parameters",
    "References",
)
#: The headings of :data:`DOC_SECTIONS` in a Chinese doc page (``## 检查内容``).
DOC_SECTIONS_ZH = {
    "What it checks": "检查内容",
    "Why it matters": "为何重要",
    "Example": "示例",
    "Proposed measures": "建议措施",
    "Parameters": "参数",
    "References": "依据",
}
_SECTION_OF_HEADING = {zh: en for en, zh in DOC_SECTIONS_ZH.items()}


@dataclass(slots=True)
class Hit:
    """What a rule function yields: the subject it concerns and the evidence that triggered it.

    ``member`` is a 1-based member number; ``household`` names the household for dataset rules;
    ``subject`` names a village, project or area. ``values`` feed the message template.
    ``measure`` is the planned measure id a mismatch hit is about (its beneficiary is ``member``);
    ``refers_to`` the code of the finding a meta hit points at. The planner reads these, never
    the evidence.
    """

    evidence: dict[str, Any] = field(default_factory=dict)
    member: int | None = None
    household: str | None = None
    subject: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    trace: list[dict[str, Any]] | None = None
    measure: str | None = None
    refers_to: str | None = None


@dataclass(slots=True)
class RuleContext:
    """What a rule function receives: the subject's facts and the parameters in force."""

    params: ParamValues
    reference_date: date
    household: HouseholdFacts | None = None
    member: MemberFacts | None = None
    village: Any = None
    project: Any = None
    villages: tuple[Any, ...] = ()
    projects: tuple[Any, ...] = ()
    explain: bool = False
    catalog: Any = None
    findings: list[Any] | None = None
    fields: frozenset[str] | None = None  # what the subject's source carries; None: any field


class DatasetCheck(Protocol):
    """A dataset-scope rule's accumulator: sees every household once, then yields hits."""

    def add(self, household: HouseholdFacts) -> None: ...

    def finish(self) -> Iterable[Hit]: ...


RuleFunction = Callable[[RuleContext], Iterable[Hit]]
"""A household, member, village or project rule: yields hits for one subject."""

DatasetRuleFunction = Callable[[RuleContext], DatasetCheck]
"""A dataset rule: returns the accumulator that sees every household of the run."""


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule: explicit metadata plus one function, or a spec that each backend compiles.

    For household, member, village and project scope, ``function(ctx)`` yields :class:`Hit` for
    one subject. For dataset scope, ``function(ctx)`` returns a :class:`DatasetCheck`. A rule of
    a :class:`RuleSpec` has ``function=None``: backends compile ``spec`` when they run it
    (:func:`planner.backends.python.compile_rule`). ``kind`` and ``need`` tell the planner what
    the findings are (see :data:`planner.spec.RuleKind`); every finding carries them. ``needs``
    are the model fields the rule cannot judge without (:mod:`planner.spec.needs`): on a source
    that does not carry one of them the rule is not run (empty: it always runs). ``gate``, for a
    Python body, says where it can find something: given the run's parameters, a condition tree
    (data, as a spec's ``when``) true wherever ``function`` may yield a hit, or a list of such
    parts any of which holds, a part ``{"for_each": "work_record" | "post", "when": ...}``
    holding where one of the household's items satisfies it; a backend may run the body only
    where it holds (the columnar backend judges it column-wise), never elsewhere.
    ``after_families``, for a rule reading findings: the families of the findings without one
    of which it finds nothing; a backend that knows where every rule of those families fires
    may run it only there.
    """

    code: str
    name: str
    family: str
    scope: Scope
    severity: Severity
    message: Message
    function: Callable[[RuleContext], Any] | None
    doc: str = ""
    parameters: tuple[str, ...] = ()
    proposes: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    spec: RuleSpec | None = None
    origin: str = ""
    reads_findings: bool = False
    pack: str = ""
    kind: RuleKind = "need"
    need: str | None = None
    needs: tuple[str, ...] = ()
    gate: Callable[[Mapping[str, Any]], Any] | None = None
    after_families: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not CODE_PATTERN.match(self.code):
            raise ValueError(f"rule code {self.code!r} must be 1–3 capitals and 3 digits")
        if not NAME_PATTERN.match(self.name):
            raise ValueError(f"rule name {self.name!r} of {self.code} must be kebab-case")
        if self.severity not in SEVERITY_ORDER:
            raise ValueError(
                f"rule {self.code}: severity {self.severity!r} is not one of error, warning, info"
            )
        if self.scope not in SCOPES:
            raise ValueError(f"rule {self.code}: scope {self.scope!r} is not one of {SCOPES}")
        if not self.family:
            raise ValueError(f"rule {self.code}: family is empty")
        if self.reads_findings and self.scope != "household":
            raise ValueError(f"rule {self.code}: only household rules can read findings")
        if self.after_families and not self.reads_findings:
            raise ValueError(f"rule {self.code}: only a rule reading findings has after_families")
        if self.kind not in RULE_KINDS:
            raise ValueError(f"rule {self.code}: kind {self.kind!r} is not one of {RULE_KINDS}")
        if self.need is not None and self.kind != "need":
            raise ValueError(f"rule {self.code}: only a need rule names a need")

    @property
    def body(self) -> Body:
        """What the rule is written as: a declarative ``spec``, a ``python`` function, or a
        ``dataset`` accumulator (a Python rule of dataset scope).

        A spec of dataset form (duplicates by key, grouped rates) is ``spec``: every backend
        compiles it; a ``python`` or ``dataset`` body runs only where Python runs.
        """
        if self.spec is not None:
            return "spec"
        return "dataset" if self.scope == "dataset" else "python"

    @property
    def summary(self) -> str:
        """First line of the doc page (the default English message)."""
        return self.doc.strip().splitlines()[0] if self.doc.strip() else self.message.en

    def summary_in(self, lang: str) -> str:
        """The one-line summary in ``lang``: the English :attr:`summary`, or the Chinese of the
        message catalogue (``planner/locale/zh.toml`` ``[rules]``; the English where a rule
        pack has none)."""
        from planner.i18n import rule_summary

        return rule_summary(self.code, lang, self.summary)

    @property
    def source(self) -> str:
        """Where the rule comes from, for people: its pack and its origin."""
        if self.pack and self.origin:
            return f"pack {self.pack!r} ({self.origin})"
        return self.pack or self.origin or self.name

    def doc_in(self, lang: str) -> str:
        """The doc page in ``lang``: the English :attr:`doc`, or in Chinese the summary
        (:meth:`summary_in`) over the sections of the message catalogue
        (``planner/locale/zh.toml`` ``[rule_docs]``); the English where the rule has no Chinese
        page yet, as a third-party pack's."""
        if lang == "zh":
            from planner.i18n import rule_doc

            body = rule_doc(self.code)
            return f"{self.summary_in('zh')}\n\n{body}" if body else self.doc
        return self.doc

    def has_doc_in(self, lang: str) -> bool:
        """Whether the rule has its own doc page in ``lang`` (English: a non-empty doc)."""
        if lang == "zh":
            from planner.i18n import rule_doc

            return rule_doc(self.code) is not None
        return bool(self.doc.strip())

    def doc_sections(self, lang: str = "en") -> dict[str, str]:
        """The doc page in ``lang`` split into its fixed sections, keyed by their English
        names (``What it checks`` … ``References``; a Chinese page's ``## 检查内容`` …)."""
        return split_sections(self.doc_in(lang))


def split_sections(doc: str) -> dict[str, str]:
    """Split a rule docstring at lines naming one of :data:`DOC_SECTIONS` (``## Example``)."""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in doc.splitlines():
        heading = line.strip().lstrip("#").strip().rstrip(":：")
        heading = _SECTION_OF_HEADING.get(heading, heading)
        if heading in DOC_SECTIONS:
            current = heading
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return {name: "\n".join(lines).strip() for name, lines in sections.items()}


def rule(
    *,
    code: str,
    name: str,
    family: str,
    scope: Scope = "household",
    severity: Severity = "warning",
    message: Message | dict[str, str],
    parameters: Iterable[str] = (),
    proposes: Iterable[str] = (),
    references: Iterable[str] = (),
    aliases: Iterable[str] = (),
    reads_findings: bool = False,
    kind: RuleKind = "need",
    need: str | None = None,
    needs: Iterable[str] = (),
    gate: Callable[[Mapping[str, Any]], Any] | None = None,
    after_families: Iterable[str] = (),
) -> Callable[[RuleFunction | DatasetRuleFunction], Rule]:
    """Wrap a function into a :class:`Rule`; the function's docstring is the rule's doc page.

    A household rule with ``reads_findings=True`` runs after every other household and member rule
    and sees their findings for the same household in ``ctx.findings`` (e.g. "a need with no
    measure"). ``kind`` and ``need`` say what its findings are to the planner; ``needs`` the
    model fields without which it cannot judge (``member.birth_date``, ``visits``; see
    :mod:`planner.spec.needs`): the checker does not run it on a source lacking one; ``gate``
    (a Python body) and ``after_families`` (a rule reading findings) where it can find
    something (see :class:`Rule`). The message
    template is checked here: a field naming an unknown fact is an error
    when the module is imported, not when a finding is rendered.
    """
    text = message if isinstance(message, Message) else Message(**message)
    try:
        template_params = check_template(text, member_bound=True)
    except SpecError as exc:
        raise ValueError(f"rule {code}: message: {exc}") from exc
    declared = tuple(dict.fromkeys([*parameters, *template_params]))
    try:
        needed = tuple(sorted({check_need(path, scope) for path in needs}))
    except SpecError as exc:
        raise ValueError(f"rule {code}: {exc}") from exc

    def wrap(function: RuleFunction | DatasetRuleFunction) -> Rule:
        return Rule(
            code=code,
            name=name,
            family=family,
            scope=scope,
            severity=severity,
            message=text,
            function=function,
            doc=_dedent(function.__doc__ or ""),
            parameters=declared,
            proposes=tuple(proposes),
            references=tuple(references),
            aliases=tuple(aliases),
            origin=f"{function.__module__}.{function.__qualname__}",
            reads_findings=reads_findings,
            kind=kind,
            need=need,
            needs=needed,
            gate=gate,
            after_families=frozenset(after_families),
        )

    return wrap


def _dedent(doc: str) -> str:
    return inspect.cleandoc(doc)


def from_spec(
    spec: RuleSpec, origin: str = "", known_parameters: Iterable[str] | None = None
) -> Rule:
    """A :class:`Rule` of a declarative :class:`RuleSpec`, validated and not compiled.

    The spec is checked against the declared facts and ``known_parameters`` (fact paths, literal
    types, parameter names, message fields); each backend compiles it when it runs it
    (:func:`planner.backends.python.compile_rule`), so ``function`` is ``None``. Raises
    :class:`SpecError` naming the unknown fact or parameter.
    """
    if spec.form is not None:
        reader = validate_form(spec, known_parameters)
    else:
        reader = validate_spec(spec, known_parameters)
    template_params = check_template(spec.message, spec.scope == "member")
    for name in template_params:
        if reader.known_parameters is not None and name not in reader.known_parameters:
            raise SpecError(f"message reads unknown parameter {name!r}", name)
    if spec.needs is not None:
        for path in (*spec.needs.add, *spec.needs.drop):
            check_need(path, spec.scope)
    return Rule(
        code=spec.code,
        name=spec.name,
        family=spec.family,
        scope=spec.scope,
        severity=spec.severity,
        message=spec.message,
        function=None,
        doc=spec.doc.strip(),
        parameters=tuple(dict.fromkeys([*reader.parameters, *template_params])),
        proposes=tuple(spec.proposes),
        references=tuple(spec.references),
        aliases=tuple(spec.aliases),
        spec=spec,
        origin=origin,
        kind=spec.kind,
        need=spec.need,
        needs=spec_needs(spec),
    )


def check_template(message: Message, member_bound: bool) -> list[str]:
    """Reject message fields that are not fact paths, ``params[...]`` or hit values.

    Fields read household facts (and member facts in a member-scope rule); village, project and
    measure facts reach a message through the rule's ``values``. Returns the parameter names the
    template reads.
    """
    params: list[str] = []
    for text in (message.zh, message.en):
        try:
            parsed = list(string.Formatter().parse(text))
        except ValueError as exc:
            raise SpecError(f"malformed message template {text!r}: {exc}") from exc
        for _, field_name, _, _ in parsed:
            if not field_name:
                continue
            if field_name.startswith(("params[", "values[")):
                if not field_name.endswith("]"):
                    raise SpecError(f"malformed message field {{{field_name}}}", field_name)
                if field_name.startswith("params["):
                    params.append(field_name[7:-1])
                continue
            root = field_name.partition(".")[0]
            if root in ("village", "project", "measure"):
                raise SpecError(
                    f"message field {{{field_name}}}: a message reads {root} facts through"
                    f" the rule's values ({{values[name]}} with values: {{name: {field_name}}})",
                    field_name,
                )
            resolve_path(field_name, MEMBER if member_bound else HOUSEHOLD)
    return list(dict.fromkeys(params))


@lru_cache(maxsize=4096)
def _fact_getter(path: str, member_bound: bool) -> Callable[[Any, Any], Any]:
    """A reader of a household or member fact from the facts themselves (for messages)."""
    fact = resolve_path(path, MEMBER if member_bound else HOUSEHOLD)
    read = fact.reader()
    if fact.root == "household":
        return lambda household, member: read(household)
    return lambda household, member: read(member)


class _Missing:
    def __format__(self, spec: str) -> str:
        return "—"


class _Formatter(string.Formatter):
    def __init__(self, language: str):
        self.language = language

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> tuple[Any, str]:
        if field_name.startswith(("params[", "values[")):
            root, key = field_name[:-1].split("[", 1)
            value = kwargs[root].get(key)
            return (_Missing() if value is None else value), field_name
        try:
            get = _fact_getter(field_name, kwargs["member"] is not None)
        except SpecError:
            return _Missing(), field_name
        value = get(kwargs["household"], kwargs["member"])
        if value is None:
            return _Missing(), field_name
        personal = kwargs["personal"]
        if personal is not None and personal_kind(field_name) is not None:
            personal.append(str(value))
        return value, field_name

    def format_field(self, value: Any, format_spec: str) -> Any:
        if isinstance(value, Enum):
            if self.language == "zh" and isinstance(value, Labelled):
                return value.label_zh
            return str(value.value).replace("_", " ")
        if isinstance(value, (tuple, list, frozenset)):  # e.g. basic_guarantee_problems
            ordered = sorted(value, key=str) if isinstance(value, frozenset) else value
            items = [str(self.format_field(v, format_spec)) for v in ordered]
            return ("、" if self.language == "zh" else ", ").join(items) or "—"
        try:
            return super().format_field(value, format_spec)
        except (TypeError, ValueError):
            return str(value)


_FORMATTERS = {"zh": _Formatter("zh"), "en": _Formatter("en")}


def render(
    template: str,
    household: HouseholdFacts | None,
    member: MemberFacts | None,
    params: ParamValues,
    values: dict[str, Any],
    language: str = "zh",
    personal: list[str] | None = None,
) -> str:
    """Fill a message template; unknown values show as ``—``, enums by their label.

    Names, ID numbers and phone numbers filled in are appended to ``personal`` (when given), so
    that outputs can mask them.
    """
    if "{" not in template:
        return template
    return _FORMATTERS[language].vformat(
        template, (), {"household": household, "member": member, "params": params,
                       "values": values, "personal": personal},
    )


__all__ = [
    "CODE_PATTERN",
    "DOC_SECTIONS",
    "DOC_SECTIONS_ZH",
    "NAME_PATTERN",
    "SEVERITY_ORDER",
    "Body",
    "DatasetCheck",
    "Hit",
    "Rule",
    "RuleContext",
    "Scope",
    "Severity",
    "SpecError",
    "check_template",
    "from_spec",
    "render",
    "rule",
    "split_sections",
]
