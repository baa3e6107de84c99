"""JSON text parsed without surprises: nesting too deep for Python is bad JSON like any other."""

from __future__ import annotations

import json
from typing import Any

TOO_DEEP_ZH = "JSON 嵌套层数过深"
TOO_DEEP_EN = "JSON nested too deeply"


class JsonTooDeep(ValueError):
    """JSON nested deeper than Python's recursion limit allows to parse."""

    def __init__(self) -> None:
        super().__init__(TOO_DEEP_EN)


def load_json(text: str | bytes) -> Any:
    """``json.loads``, raising :class:`JsonTooDeep` (a ``ValueError``) instead of RecursionError.

    Python's parser recurses once per ``[`` or ``{``; a file of a hundred thousand brackets would
    otherwise end the run with a traceback.
    """
    try:
        return json.loads(text)
    except RecursionError:
        raise JsonTooDeep() from None
