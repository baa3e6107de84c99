"""``planner monitor ingest|status|due``: Chinese first, JSON on request, rejected events listed
with exit 1, a second ingest of the same file all duplicates."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from planner.cli import cli
from planner.live.events import event_json

from .live import event

RUN = ("--province", "贵州", "--date", "2023-10-31")


def planner(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def write(path: Path) -> Path:
    household = {"id": "h1", "members": [{"name": "赵六", "labour_capacity": "normal"}]}
    events = [event("snapshot", "h1", 0, "2023-01-01", household=household),
              event("household_identified", "h1", 1, "2023-03-01", group="marginal")]
    lines = [event_json(e) for e in events]
    lines.append('{"id":"x","household_id":"h1","time":"2023-03-02","type":"illness",'
                 '"member":7}')
    lines.append('{"id":"y","household_id":"h1","time":"2023-03-02","type":"illness",'
                 '"member":"one"}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_ingest_status_and_due(tmp_path: Path) -> None:
    events = write(tmp_path / "events.jsonl")
    journal = str(tmp_path / "j.sqlite")
    code, out = planner("monitor", "ingest", str(events), "--journal", journal, *RUN)
    assert code == 1
    assert "接受 2 条，重复 0 条，拒绝 2 条" in out
    assert "第4行" in out and "member" in out  # the unreadable line, located
    assert "没有第 7 名成员" in out  # the line that cannot be applied

    code, out = planner("monitor", "ingest", str(events), "--journal", journal,
                        "--output-format", "json", *RUN)
    summary = json.loads(out[out.index("{"):])
    assert (code, summary["accepted"], summary["duplicate"], summary["rejected"]) == (1, 0, 3, 1)

    code, out = planner("monitor", "status", "--journal", journal, *RUN)
    assert code == 0 and "监测户 1 户" in out and "已识别（疑似，待核实）: 1" in out
    code, out = planner("monitor", "status", "h1", "--journal", journal,
                        "--output-format", "json", *RUN)
    state = json.loads(out)
    assert state["stage"] == "identified"
    assert {d["kind"] for d in state["deadlines"]} == {"verification", "development",
                                                        "elimination_review"}

    code, out = planner("monitor", "due", "--as-of", "2023-04-02", "--journal", journal,
                        "--lang", "en", *RUN)
    assert code == 0 and "as of 2023-04-02: 2 due, 2 overdue findings" in out
    assert "MON002" in out and "MON011" in out


def test_status_of_a_journal_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    code, out = planner("monitor", "status", "--journal", str(tmp_path / "none.sqlite"))
    assert code == 2 and "不存在" in out


def test_a_file_that_is_not_a_journal_is_a_usage_error(tmp_path: Path) -> None:
    events = write(tmp_path / "events.jsonl")
    not_a_journal = tmp_path / "j.sqlite"
    not_a_journal.write_text("这不是数据库 " * 200, encoding="utf-8")
    code, out = planner("monitor", "ingest", str(events), "--journal", str(not_a_journal), *RUN)
    assert code == 2 and "不是事件日志" in out and "is not an event journal" not in out
    code, out = planner("monitor", "ingest", str(events), "--journal", str(not_a_journal), *RUN,
                        "--lang", "en")
    assert code == 2 and "is not an event journal" in out and "不是事件日志" not in out
