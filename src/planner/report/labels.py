"""Chinese and English labels of the report: severities, families, ledger statuses, columns."""

from __future__ import annotations

#: Severity → (zh, en).
SEVERITY_LABELS: dict[str, tuple[str, str]] = {
    "error": ("严重", "error"), "warning": ("警告", "warning"), "info": ("提示", "info"),
}

#: Rule family → (zh, en); a family missing here is shown by its code.
FAMILY_LABELS: dict[str, tuple[str, str]] = {
    "basic_needs": ("两不愁", "basic needs"), "benefits": ("兜底保障", "benefits"),
    "data_quality": ("数据质量", "data quality"), "disability": ("残疾人保障", "disability"),
    "education": ("义务教育", "education"), "engine": ("运行", "engine"),
    "health": ("基本医疗", "health"), "housing": ("住房安全", "housing"),
    "income": ("收入", "income"), "industry": ("产业帮扶", "industry"),
    "monitoring": ("防返贫监测", "monitoring"), "policy": ("政策知晓", "policy"),
    "posts": ("公益岗位", "public-welfare posts"), "project": ("项目管理", "projects"),
    "risk": ("风险识别", "risk"), "support": ("帮扶工作", "support"),
    "village": ("村级工程", "village works"), "water": ("饮水安全", "drinking water"),
    "work": ("务工就业", "work"), "example": ("示例", "example"),
}

#: Ledger status (整改状态) → (zh, en); the first is the status of a new finding.
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "open": ("待整改", "open"),
    "in_progress": ("整改中", "in progress"),
    "done": ("已整改", "rectified"),
    "verified": ("已销号", "verified"),
    "disputed": ("核实无误", "disputed (record correct)"),
}

#: Subject kind of a finding → (zh, en).
SUBJECT_LABELS: dict[str, tuple[str, str]] = {
    "household": ("户", "household"), "village": ("村", "village"),
    "project": ("项目", "project"), "dataset": ("全县", "dataset"),
}


def label(labels: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    """The ``lang`` label of ``key`` in ``labels`` (``key`` itself when it has none)."""
    pair = labels.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]


def status_of(text: str) -> str | None:
    """The status code written as ``text`` (a code, or its Chinese or English label; case and
    surrounding spaces ignored), ``None`` when it is none of them."""
    wanted = text.strip().casefold()
    for code, (zh, en) in STATUS_LABELS.items():
        if wanted in (code, zh.casefold(), en.casefold()):
            return code
    return None


__all__ = ["FAMILY_LABELS", "SEVERITY_LABELS", "STATUS_LABELS", "SUBJECT_LABELS", "label",
           "status_of"]
