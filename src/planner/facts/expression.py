"""The formula language of declared facts: Python expression syntax, parsed into a closed node set.

A formula is text such as ``net_income / size if size else None``. It is parsed with :mod:`ast`
and turned into the plain-data nodes below; anything else (an unknown name or helper, a lambda, a
subscript, a keyword argument…) is rejected when the fact is declared, never when a household is
evaluated. Nothing is ever passed to ``eval``. The semantics every backend implements are
three-valued: an unknown (``None``) operand makes an arithmetic, comparison or attribute unknown,
``x / 0`` is unknown, ``and``/``or``/``not`` are Kleene's, and a conditional on an unknown test is
unknown. Helpers (:mod:`planner.facts.helpers`) receive their arguments as they are and say what
they do with an unknown.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from planner.errors import BilingualError
from planner.facts.helpers import AGGREGATES, HELPERS

PARAM_READERS = ("param", "param_at_year_end")


class FormulaError(BilingualError):
    """A fact's formula that is not in the language, or names something that does not exist."""


@dataclass(frozen=True, slots=True)
class Scope:
    """What names a formula may use: the entity's facts and inputs, plus named constants."""

    entity: str
    facts: frozenset[str]
    inputs: frozenset[str]
    constants: Mapping[str, Any]
    # The scope of the items an aggregate walks (the members of a household), if any.
    items: Scope | None = None
    # Record fields that ``record.<field>`` may name (the input model's fields).
    record_fields: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Const:
    value: Any


@dataclass(frozen=True, slots=True)
class Name:
    """A fact or input of the entity, or (``item``) a fact or the record of an aggregate's item."""

    name: str
    source: str  # "fact" | "input" | "item"


@dataclass(frozen=True, slots=True)
class Attr:
    base: Node
    attr: str


@dataclass(frozen=True, slots=True)
class Param:
    """``param("a.b")``; ``param_at_year_end("a.b", year)``: its value on 31 December."""

    key: str
    year: Node | None = None


@dataclass(frozen=True, slots=True)
class Call:
    helper: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Convert:
    """``IdProblem(x)``: a value turned into a member of a named vocabulary."""

    vocabulary: Any
    arg: Node


@dataclass(frozen=True, slots=True)
class Aggregate:
    """``count(members, can_work)``: ``inner`` is evaluated on each item (``None`` counts items)."""

    function: str
    over: Name
    inner: Node | None


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # "not" | "-"
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    op: str  # + - * / & | (and - on sets)
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Compare:
    ops: tuple[str, ...]  # == != < <= > >= in "not in"
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Logic:
    op: str  # "and" | "or"
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Conditional:
    test: Node
    then: Node
    otherwise: Node


@dataclass(frozen=True, slots=True)
class Collection:
    kind: str  # "tuple" | "set" | "dict" (only the empty dict)
    items: tuple[Node, ...]


Node = (
    Const | Name | Attr | Param | Call | Convert | Aggregate | Unary | Binary | Compare | Logic
    | Conditional | Collection
)

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.BitAnd: "&", ast.BitOr: "|"}
_COMPARE = {
    ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
    ast.In: "in", ast.NotIn: "not in",
}


def parse(text: str, scope: Scope, where: str) -> Node:
    """Parse ``text`` in ``scope``; ``where`` (``household.size``) names the fact in errors."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        zh, en = f"不是合法的表达式：{exc.msg}", f"not an expression: {exc.msg}"
        raise _error(where, zh, en) from None
    return _Parser(scope, where).node(tree.body)


def _error(where: str, zh: str, en: str) -> FormulaError:
    return FormulaError(f"事实 {where} 的公式：{zh}", f"formula of fact {where}: {en}")


class _Parser:
    """Turns the ``ast`` of one formula into nodes, checking every name against the scope."""

    def __init__(self, scope: Scope, where: str) -> None:
        self.scope = scope
        self.where = where

    def fail(self, zh: str, en: str) -> FormulaError:
        return _error(self.where, zh, en)

    def node(self, tree: ast.expr) -> Node:
        if isinstance(tree, ast.Constant) and isinstance(tree.value, int | float | str | None):
            return Const(tree.value)
        if isinstance(tree, ast.Name):
            return self.name(tree.id)
        if isinstance(tree, ast.Attribute):
            return self.attribute(tree)
        if isinstance(tree, ast.Call):
            return self.call(tree)
        if isinstance(tree, ast.UnaryOp) and isinstance(tree.op, ast.Not | ast.USub):
            return Unary("not" if isinstance(tree.op, ast.Not) else "-", self.node(tree.operand))
        if isinstance(tree, ast.BinOp) and type(tree.op) in _BINARY:
            return Binary(_BINARY[type(tree.op)], self.node(tree.left), self.node(tree.right))
        if isinstance(tree, ast.Compare) and all(type(op) in _COMPARE for op in tree.ops):
            return Compare(
                tuple(_COMPARE[type(op)] for op in tree.ops),
                tuple(self.node(part) for part in (tree.left, *tree.comparators)),
            )
        if isinstance(tree, ast.BoolOp):
            op = "and" if isinstance(tree.op, ast.And) else "or"
            return Logic(op, tuple(self.node(value) for value in tree.values))
        if isinstance(tree, ast.IfExp):
            return Conditional(self.node(tree.test), self.node(tree.body), self.node(tree.orelse))
        if isinstance(tree, ast.Tuple | ast.Set):
            kind = "tuple" if isinstance(tree, ast.Tuple) else "set"
            return Collection(kind, tuple(self.node(item) for item in tree.elts))
        if isinstance(tree, ast.Dict) and not tree.keys:
            return Collection("dict", ())
        syntax = type(tree).__name__
        raise self.fail(f"不支持的语法 {syntax}", f"syntax {syntax} is not part of the language")

    def name(self, name: str) -> Node:
        scope = self.scope
        # An input wins over the fact of the same name: the fact ``record`` is the input record.
        if name in scope.inputs:
            return Name(name, "input")
        if name in scope.facts:
            return Name(name, "fact")
        if name in scope.constants:
            return Const(scope.constants[name])
        raise self.fail(f"未知的名称 {name!r}", f"unknown name {name!r}")

    def attribute(self, tree: ast.Attribute) -> Node:
        base = tree.value
        if isinstance(base, ast.Name) and base.id in self.scope.constants:
            vocabulary = self.scope.constants[base.id]
            if isinstance(vocabulary, type) and hasattr(vocabulary, "__members__"):
                if tree.attr not in vocabulary.__members__:
                    raise self.fail(
                        f"{base.id} 没有 {tree.attr}", f"{base.id} has no member {tree.attr}"
                    )
                return Const(vocabulary.__members__[tree.attr])
        if (
            isinstance(base, ast.Name)
            and base.id == "record"
            and self.scope.record_fields
            and tree.attr not in self.scope.record_fields
        ):
            raise self.fail(
                f"记录没有字段 {tree.attr!r}", f"the record has no field {tree.attr!r}"
            )
        return Attr(self.node(base), tree.attr)

    def call(self, tree: ast.Call) -> Node:
        if not isinstance(tree.func, ast.Name) or tree.keywords:
            raise self.fail(
                "只能按位置调用具名函数", "only named helpers, with positional arguments"
            )
        function = tree.func.id
        args = tree.args
        if function in PARAM_READERS:
            expected = 1 if function == "param" else 2
            first = args[0] if args else None
            if len(args) != expected or not (
                isinstance(first, ast.Constant) and isinstance(first.value, str)
            ):
                raise self.fail(
                    f"{function} 需要参数名字符串", f"{function} takes a parameter name in quotes"
                )
            year = self.node(args[1]) if expected == 2 else None
            return Param(str(first.value), year)
        if function in AGGREGATES:
            return self.aggregate(function, args)
        vocabulary = self.scope.constants.get(function)
        if isinstance(vocabulary, type) and hasattr(vocabulary, "__members__"):
            if len(args) != 1:
                raise self.fail(f"{function}(…) 只取一个值", f"{function}(…) takes one value")
            return Convert(vocabulary, self.node(args[0]))
        helper = HELPERS.get(function)
        if helper is None:
            raise self.fail(f"未知的函数 {function!r}", f"unknown helper {function!r}")
        if len(args) not in helper.arity:
            raise self.fail(
                f"{function} 的参数个数不对（{len(args)}）",
                f"{function} takes {helper.arity_text} arguments, not {len(args)}",
            )
        return Call(function, tuple(self.node(arg) for arg in args))

    def aggregate(self, function: str, args: list[ast.expr]) -> Node:
        items = self.scope.items
        over = self.node(args[0]) if args else None
        if items is None or not isinstance(over, Name) or over.source != "fact" or len(args) > 2:
            raise self.fail(
                f"{function} 的写法是 {function}(members, 成员表达式)",
                f"{function} is written {function}(members, <member expression>)",
            )
        if len(args) == 1:
            if function != "count":
                raise self.fail(
                    f"{function} 需要成员表达式", f"{function} needs a member expression"
                )
            return Aggregate(function, over, None)
        inner_scope = Scope(
            items.entity, items.facts, frozenset({"record", "when"}), items.constants,
            record_fields=items.record_fields,
        )
        inner = _Parser(inner_scope, self.where).node(args[1])
        return Aggregate(function, over, _as_items(inner))


def _as_items(node: Node) -> Node:
    """Mark the names of an aggregate's inner expression as read from the item (but ``when``)."""
    if isinstance(node, Name):
        return node if node.name == "when" else Name(node.name, "item")
    if isinstance(node, Const | Param):
        return node
    if isinstance(node, Attr):
        return Attr(_as_items(node.base), node.attr)
    if isinstance(node, Call):
        return Call(node.helper, tuple(_as_items(arg) for arg in node.args))
    if isinstance(node, Convert):
        return Convert(node.vocabulary, _as_items(node.arg))
    if isinstance(node, Unary):
        return Unary(node.op, _as_items(node.operand))
    if isinstance(node, Binary):
        return Binary(node.op, _as_items(node.left), _as_items(node.right))
    if isinstance(node, Compare):
        return Compare(node.ops, tuple(_as_items(part) for part in node.operands))
    if isinstance(node, Logic):
        return Logic(node.op, tuple(_as_items(part) for part in node.operands))
    if isinstance(node, Conditional):
        return Conditional(_as_items(node.test), _as_items(node.then), _as_items(node.otherwise))
    if isinstance(node, Collection):
        return Collection(node.kind, tuple(_as_items(item) for item in node.items))
    raise _error("?", "聚合内不能再聚合", "an aggregate cannot hold another aggregate")


def walk(node: Node) -> Iterator[Node]:
    """Every node of a formula, the root first."""
    yield node
    children: tuple[Node | None, ...] = ()
    if isinstance(node, Attr):
        children = (node.base,)
    elif isinstance(node, Param):
        children = (node.year,)
    elif isinstance(node, Call | Collection):
        children = node.args if isinstance(node, Call) else node.items
    elif isinstance(node, Convert):
        children = (node.arg,)
    elif isinstance(node, Aggregate):
        children = (node.over, node.inner)
    elif isinstance(node, Unary):
        children = (node.operand,)
    elif isinstance(node, Binary):
        children = (node.left, node.right)
    elif isinstance(node, Compare | Logic):
        children = node.operands
    elif isinstance(node, Conditional):
        children = (node.test, node.then, node.otherwise)
    for child in children:
        if child is not None:
            yield from walk(child)
