"""Errors whose message is given in Chinese and English (Chinese first), as users read them."""

from __future__ import annotations


class BilingualError(ValueError):
    """A ``ValueError`` with a Chinese and an English message.

    ``str(error)`` is the Chinese line, then the English line; ``.zh`` and ``.en`` hold each
    alone. Given one message only (third-party code), it is used for both and shown once.
    """

    def __init__(self, zh: str, en: str | None = None):
        super().__init__(*((zh,) if en is None else (zh, en)))
        self.zh = zh
        self.en = zh if en is None else en

    def __str__(self) -> str:
        return self.zh if self.zh == self.en else f"{self.zh}\n{self.en}"

    def message(self, lang: str = "zh") -> str:
        """The message in one language (``"zh"`` or ``"en"``)."""
        return self.en if lang == "en" else self.zh


def yaml_problem(exc: Exception, source: str) -> tuple[str, str]:
    """Where a YAML parse error is (``file:line``) and its reason on one line."""
    mark = getattr(exc, "problem_mark", None)
    where = f"{source}:{mark.line + 1}" if mark is not None else source
    reason = getattr(exc, "problem", None) or " ".join(str(exc).split())
    return where, str(reason)


__all__ = ["BilingualError", "yaml_problem"]
