"""Python backend: the comparison operators of the spec as closures over two readers."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from planner.backends.python.env import Compiled, Env, Getter, Tri


def count_result(op: str, low: int, high: int, limit: Any) -> Tri:
    """Compare a count known to lie in ``[low, high]`` (unknown members) with ``limit``."""
    if op in ("eq", "ne"):
        if low == high:
            return (low == limit) == (op == "eq")
        if limit < low or limit > high:
            return op == "ne"
        return None
    compare = _BINARY[op]
    at_low, at_high = compare(low, limit), compare(high, limit)
    return at_low if at_low == at_high else None


# Member matches (``env.matched_members``, reported as evidence) are kept only from the parts
# that made the condition true: a quantifier inside a false ``all``, a non-deciding part of an
# ``any`` or anything under ``not`` matched nothing that explains the finding.



_BINARY: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


def _binary(op: str) -> Callable[[Getter, Getter], Compiled]:
    binary = _BINARY[op]

    def make(get: Getter, rhs: Getter) -> Compiled:
        def compare(env: Env) -> Tri:
            value = get(env)
            if value is None:
                return None
            other = rhs(env)
            if other is None:
                return None
            return bool(binary(value, other))

        return compare

    return make


def _between(get: Getter, rhs: Getter) -> Compiled:
    def between(env: Env) -> Tri:
        value, bounds = get(env), rhs(env)
        if value is None or bounds is None or None in bounds:
            return None
        return bool(bounds[0] <= value <= bounds[1])

    return between


def _member_of(negate: bool) -> Callable[[Getter, Getter], Compiled]:
    def make(get: Getter, rhs: Getter) -> Compiled:
        def member_of(env: Env) -> Tri:
            value, options = get(env), rhs(env)
            if value is None or options is None:
                return None
            return (value in options) != negate

        return member_of

    return make


def _contains(get: Getter, rhs: Getter) -> Compiled:
    def contains(env: Env) -> Tri:
        value, item = get(env), rhs(env)
        if value is None or item is None:
            return None
        return item in value

    return contains


COMPARISONS: dict[str, Callable[[Getter, Getter], Compiled]] = {
    **{op: _binary(op) for op in _BINARY},
    "between": _between,
    "in": _member_of(False),
    "not_in": _member_of(True),
    "contains": _contains,
}
