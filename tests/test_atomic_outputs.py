"""Outputs appear whole or not at all, and an output never overwrites an input.

A real ``planner`` process is killed (SIGKILL) in the middle of writing: the final path then holds
the previous complete file, or nothing, never part of the new one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.atomic import Replacement, atomic_open
from planner.cli import cli
from planner.generate import GeneratorConfig, output_paths, write_dataset
from planner.io import read_households, write_households

ROOT = Path(__file__).resolve().parent.parent
DISTRICT = ROOT / "examples" / "district"
PREVIOUS = b'{"previous": "complete file"}\n'


def _run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _temps(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.tmp"))


def _writing(folder: Path, out: Path, previous: bytes | None) -> bool:
    """True once a temporary output holds data, or the output itself changed (an unsafe write)."""
    if any(p.stat().st_size > 0 for p in _temps(folder) if p.exists()):
        return True
    try:
        return out.read_bytes() != previous
    except FileNotFoundError:
        return previous is not None


def _kill_while_writing(args: list[str], out: Path, previous: bytes | None = None,
                        timeout: float = 120, sent: int = signal.SIGKILL) -> int:
    """Start ``planner ARGS``, wait until it is writing ``out``, then send it ``sent`` (SIGKILL);
    its exit status."""
    command = [sys.executable, "-c", "from planner.cli import main; main()", *args]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    try:
        deadline = time.monotonic() + timeout
        while not _writing(out.parent, out, previous):
            assert process.poll() is None, "the command ended before it was killed"
            assert time.monotonic() < deadline, "no temporary output appeared"
            time.sleep(0.02)
        process.send_signal(sent)
        process.wait(timeout=60)
    finally:
        process.kill()
        process.wait()
    if sent == signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL
    return process.returncode


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_generate_killed_mid_write_leaves_the_previous_file(tmp_path) -> None:
    out = tmp_path / "households.jsonl"
    out.write_bytes(PREVIOUS)
    _kill_while_writing(["generate", "--households", "200000", "--out", str(out), "-q"], out,
                        PREVIOUS)
    assert out.read_bytes() == PREVIOUS
    assert not (tmp_path / "households.jsonl.expected.jsonl").exists()


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    write_dataset(GeneratorConfig(1500, seed=7), output_paths(folder / "households.jsonl"))
    return folder / "households.jsonl"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_convert_killed_mid_write_leaves_no_file_and_no_part_file(tmp_path, generated) -> None:
    out = tmp_path / "households.csv"
    _kill_while_writing(["convert", str(generated), str(out)], out)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == []


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_check_killed_mid_write_leaves_the_previous_findings(tmp_path, generated) -> None:
    out = tmp_path / "findings.jsonl"
    out.write_bytes(PREVIOUS)
    _kill_while_writing(["check", str(generated), "--output-format", "jsonl", "--output",
                         str(out)], out, PREVIOUS)
    assert out.read_bytes() == PREVIOUS


def test_ctrl_c_exits_130_and_keeps_the_previous_findings(tmp_path, generated) -> None:
    """An interrupted run is neither "findings found" (1) nor a traceback."""
    out = tmp_path / "findings.jsonl"
    out.write_bytes(PREVIOUS)
    status = _kill_while_writing(["check", str(generated), "--output-format", "jsonl",
                                  "--output", str(out)], out, PREVIOUS, sent=signal.SIGINT)
    assert status == 130
    assert out.read_bytes() == PREVIOUS and not _temps(tmp_path)


def test_a_failed_write_keeps_the_previous_files_and_removes_its_temporary_ones(tmp_path):
    households = list(read_households(DISTRICT / "households.jsonl"))[:5]
    path = tmp_path / "households.csv"
    write_households(households, path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert len(before) > 1  # the main file and its part files

    def failing():
        yield from households[:3]
        raise RuntimeError("input broke off")

    with pytest.raises(RuntimeError):
        write_households(failing(), path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    write_households(households[:1], path, fmt="csv")
    assert _temps(tmp_path) == []


def test_stale_part_files_go_only_when_the_new_files_are_in_place(tmp_path) -> None:
    households = list(read_households(DISTRICT / "households.jsonl"))[:5]
    path = tmp_path / "households.csv"
    write_households(households, path)
    stale = tmp_path / "households.stale_part.csv"
    bare = [h.model_copy(update={"income": [], "production_costs": [], "measures": [],
                                 "visits": []}) for h in households]
    parts_before = sorted(p.name for p in tmp_path.glob("households.*.csv"))
    write_households(bare, path)
    parts_after = sorted(p.name for p in tmp_path.glob("households.*.csv"))
    assert set(parts_after) < set(parts_before)  # empty part tables left no stale file
    assert list(read_households(path)) == bare
    assert not stale.exists()


def test_a_symlinked_output_is_written_through_and_keeps_its_mode(tmp_path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with atomic_open(link, "w", encoding="utf-8") as handle:
        handle.write("new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"
    assert real.stat().st_mode & 0o777 == 0o640
    files = Replacement()
    temp = files.path(tmp_path / "never.json")
    files.discard()
    assert not temp.exists() and not (tmp_path / "never.json").exists()


@pytest.fixture
def copied(tmp_path) -> Path:
    path = tmp_path / "households.jsonl"
    path.write_bytes((DISTRICT / "households.jsonl").read_bytes())
    return path


def _refused(result, path: Path, before: bytes) -> None:
    assert result.exit_code == 2, result.output
    assert "也是输入文件" in result.output and "is also an input" not in result.output
    assert "Traceback" not in result.output
    assert path.read_bytes() == before


def test_check_refuses_to_write_over_its_input(copied) -> None:
    before = copied.read_bytes()
    result = _run("check", copied, "--output", copied, "--output-format", "jsonl")
    _refused(result, copied, before)


def test_convert_refuses_the_same_file_a_symlink_or_a_hard_link(copied, tmp_path) -> None:
    before = copied.read_bytes()
    _refused(_run("convert", copied, copied), copied, before)
    link = tmp_path / "link.jsonl"
    link.symlink_to(copied)
    _refused(_run("convert", copied, link), copied, before)
    hard = tmp_path / "hard.jsonl"
    os.link(copied, hard)
    _refused(_run("convert", copied, hard), copied, before)
    assert _run("convert", copied, tmp_path / "other.jsonl").exit_code == 0


def test_convert_refuses_a_part_file_of_a_flat_input(tmp_path) -> None:
    households = list(read_households(DISTRICT / "households.jsonl"))[:5]
    path = tmp_path / "households.csv"
    write_households(households, path)
    part = tmp_path / "households.income.csv"
    before = part.read_bytes()
    _refused(_run("convert", path, part), part, before)
    # an output whose part file is an input's part file (hard link)
    other = tmp_path / "copy.csv"
    os.link(part, tmp_path / "copy.income.csv")
    _refused(_run("convert", path, other), part, before)


def test_convert_refuses_a_folder_into_itself(tmp_path) -> None:
    folder = tmp_path / "district"
    folder.mkdir()
    for name in ("households.jsonl", "villages.json", "projects.json"):
        (folder / name).write_bytes((DISTRICT / name).read_bytes())
    before = (folder / "households.jsonl").read_bytes()
    _refused(_run("convert", folder, folder, "--to", "jsonl"), folder / "households.jsonl",
             before)


def test_plan_refuses_to_write_over_its_input(copied) -> None:
    before = copied.read_bytes()
    _refused(_run("plan", copied, "--output", copied, "--output-format", "jsonl"), copied,
             before)


@pytest.mark.parametrize("command", [
    ["plan", DISTRICT, "--output", "{out}/plan.xlsx"],
    ["convert", DISTRICT / "households.jsonl", "{out}/households.csv"],
    ["measures", "--graph", "{out}/measures.svg"],
    ["check", DISTRICT, "--output-format", "json", "--output", "{out}/findings.json"],
])
def test_every_command_creates_the_folders_it_writes_into(tmp_path: Path, command: list) -> None:
    out = tmp_path / "new" / "deeper"
    result = _run(*(str(part).format(out=out) for part in command))
    assert result.exit_code in (0, 1), result.output
    written = str(command[-1]).format(out=out)
    assert Path(written).is_file() and not _temps(out)


def test_a_file_in_the_way_of_a_folder_is_named_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("not a folder")
    result = _run("convert", DISTRICT / "households.jsonl", blocker / "households.csv")
    assert result.exit_code == 2, result.output
    assert "Not a directory" in result.output and "路径中有一段是文件" in result.output
    assert blocker.read_text() == "not a folder"
