"""Writing a generated dataset: households streamed to a file as they are made, the manifest of
expected findings beside them, and the county's villages and projects.

Layouts:

- a **folder** (``--out DIR``): ``households.jsonl`` (or ``.json``/``.parquet``/``.csv``),
  ``villages.json``, ``projects.json`` and ``expected.jsonl`` — the shape of a district folder;
- a **file** (``--out FILE.jsonl``): the households, ``FILE.jsonl.expected.jsonl`` beside it, and
  villages and projects only where ``villages_out``/``projects_out`` say.

The manifest has one JSON line per subject with a problem: ``{"subject", "kind", "injected",
"expected": [{"code", "member"}]}``; clean subjects are not listed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from planner.atomic import atomic_open, write_text
from planner.generate.config import GeneratorConfig
from planner.generate.problems import Expected
from planner.generate.stream import Generated, Generator, Summary

FORMATS = ("jsonl", "json", "parquet", "csv", "xlsx")
HOUSEHOLDS_NAME = "households"
MANIFEST_NAME = "expected.jsonl"


@dataclass(frozen=True, slots=True)
class OutputPaths:
    """Where each part of a generated dataset goes (``None``: not written)."""

    households: Path
    manifest: Path
    villages: Path | None
    projects: Path | None
    fmt: str


def output_paths(
    out: str | Path,
    fmt: str | None = None,
    villages_out: str | Path | None = None,
    projects_out: str | Path | None = None,
) -> OutputPaths:
    """Resolve ``out``: an existing folder or a path without suffix is a folder layout."""
    out = Path(out)
    if out.is_dir() or not out.suffix:
        fmt = fmt or "jsonl"
        return OutputPaths(
            out / f"{HOUSEHOLDS_NAME}.{fmt}",
            out / MANIFEST_NAME,
            Path(villages_out) if villages_out else out / "villages.json",
            Path(projects_out) if projects_out else out / "projects.json",
            fmt,
        )
    fmt = fmt or out.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise ValueError(
            f"unknown household format {fmt!r} (one of {', '.join(FORMATS)}) / 未知的户数据格式"
        )
    return OutputPaths(
        out,
        out.with_name(out.name + ".expected.jsonl"),
        Path(villages_out) if villages_out else None,
        Path(projects_out) if projects_out else None,
        fmt,
    )


def dumps(record: dict[str, Any]) -> str:
    """One record as compact, deterministic JSON (Chinese kept readable)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def manifest_lines(subject: str, kind: str, injected: str | None, expected: list[Expected]) -> str:
    """The manifest line of one subject."""
    return (
        dumps(
            {
                "subject": subject,
                "kind": kind,
                "injected": injected,
                "expected": [e.to_dict() for e in expected],
            }
        )
        + "\n"
    )


def _area_manifest(
    expected: list[Expected], villages: list[dict[str, Any]], projects: list[dict[str, Any]]
) -> Iterator[str]:
    kinds = {v["id"]: "village" for v in villages} | {p["id"]: "project" for p in projects}
    by_subject: dict[str, list[Expected]] = {}
    for item in expected:
        by_subject.setdefault(item.subject or "", []).append(item)
    for subject, items in by_subject.items():
        yield manifest_lines(subject, kinds.get(subject, "town"), items[0].code, items)


def _write_jsonl(items: Iterable[Generated], households: TextIO, manifest: TextIO) -> None:
    for item in items:
        households.write(dumps(item.household) + "\n")
        if item.expected:
            manifest.write(
                manifest_lines(item.household["id"], "household", item.injected, item.expected)
            )


def _write_json_array(items: Iterable[Generated], households: TextIO, manifest: TextIO) -> None:
    households.write("[")
    for number, item in enumerate(items):
        households.write(("\n" if number == 0 else ",\n") + dumps(item.household))
        if item.expected:
            manifest.write(
                manifest_lines(item.household["id"], "household", item.injected, item.expected)
            )
    households.write("\n]\n")


def _write_with_io(items: Iterable[Generated], path: Path, fmt: str, manifest: TextIO) -> None:
    try:
        from planner.io import write_households  # type: ignore[attr-defined]
    except ImportError as exc:
        raise ValueError(
            f"writing {fmt} needs planner.io.write_households; use jsonl or json "
            f"/ 写出 {fmt} 格式需要 planner.io"
        ) from exc
    from planner.model import Household

    def models() -> Iterator[Household]:
        for item in items:
            if item.expected:
                manifest.write(
                    manifest_lines(item.household["id"], "household", item.injected, item.expected)
                )
            yield Household.model_validate(item.household)

    write_households(models(), path, fmt)


def write_json(path: Path, records: list[dict[str, Any]]) -> None:
    """A small JSON list (villages, projects), one record per line for readable diffs."""
    body = ",\n".join("  " + dumps(r) for r in records)
    write_text(path, f"[\n{body}\n]\n" if records else "[]\n")


def write_dataset(
    config: GeneratorConfig, paths: OutputPaths, extra: Iterable[dict[str, Any]] = ()
) -> Summary:
    """Generate ``config`` into ``paths``, streaming households; ``extra`` households (already
    complete, e.g. named example cases) are written first. Returns what was generated."""
    generator = Generator(config)
    paths.households.parent.mkdir(parents=True, exist_ok=True)

    def items() -> Iterator[Generated]:
        for record in extra:
            yield Generated(record, [])
        yield from generator.households()

    with ExitStack() as stack:
        # Each file appears whole or not at all (planner.atomic), after the last household.
        manifest = stack.enter_context(
            atomic_open(paths.manifest, "w", encoding="utf-8", newline="\n")
        )
        if paths.fmt in ("jsonl", "json"):
            households = stack.enter_context(
                atomic_open(paths.households, "w", encoding="utf-8", newline="\n")
            )
            writer = _write_jsonl if paths.fmt == "jsonl" else _write_json_array
            writer(items(), households, manifest)
        else:
            _write_with_io(items(), paths.households, paths.fmt, manifest)
        villages, projects, expected = generator.area()
        manifest.writelines(_area_manifest(expected, villages, projects))
    if paths.villages is not None:
        paths.villages.parent.mkdir(parents=True, exist_ok=True)
        write_json(paths.villages, villages)
    if paths.projects is not None:
        paths.projects.parent.mkdir(parents=True, exist_ok=True)
        write_json(paths.projects, projects)
    return generator.summary
