"""Properties of the model, the readers and the writers, checked on generated inputs (hypothesis).

The budget of each property is set by the hypothesis profile (``ci`` by default, ``fuzz`` for a
long run: ``HYPOTHESIS_PROFILE=fuzz pytest tests/test_properties.py``). Properties that known
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import random
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from fuzz.check import Verdict, read_fully
from fuzz.mutate import make_input, mutate_zip
from fuzz.seeds import EXTENSIONS, READERS, build_seeds
from planner.io import FormatError, InputError, ReadStats, read_households, write_households
from planner.model import (
    Benefit,
    Household,
    IncomeCategory,
    MonitoringGroup,
    PovertyCause,
    Project,
    Relation,
    Sex,
    Village,
    WorkPlace,
)

ROOT = Path(__file__).resolve().parent.parent
CI_EXAMPLES = 20


def examples(count: int) -> int:
    """``count`` examples under the ``ci`` profile, as many more under a bigger profile."""
    return max(1, count * settings.default.max_examples // CI_EXAMPLES)


# --- strategies --------------------------------------------------------------------------------

TRICKY = ("=SUM(A1:A3)", "+86 138 0000 0000", "-5", "@cmd", "中文 名字", "第一行\n第二行",
          "a,b;c、d", '"quoted"', "[1, 2]", "{}", "null", "NaN", "true", "是", "0012", "1e5",
          "=1+1", "\t制表", "a\r\nb", "名 字")
# Any character but lone surrogates: control characters (U+001C–U+001F among them), Chinese,
# emoji, whitespace.
characters = st.characters(exclude_categories=("Cs",))
hostile_text = st.one_of(
    st.text(characters, max_size=20),
    st.sampled_from(TRICKY),
    st.text(st.sampled_from("=+-@ 中文ab\n\t,;\"'、"), max_size=30),
    st.builds(lambda c, n: c * n, st.sampled_from("a长="), st.integers(200, 3000)),
)
# Flat formats write an empty text and a missing one alike (see the test of empty texts below).
filled_text = hostile_text.filter(str.strip)
surrogate_text = st.tuples(st.text(characters, max_size=5), st.integers(0xD800, 0xDFFF).map(chr),
                           st.text(characters, max_size=5)).map("".join)
days = st.dates(date(1900, 1, 1), date(2100, 12, 31))
amounts = st.floats(0, 1e12, allow_nan=False, allow_infinity=False)
id_numbers = st.from_regex(r"\A[0-9]{6,18}X?\Z")


def members(text: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Member records with hostile text."""
    return st.fixed_dictionaries({}, optional={
        "name": text, "id_number": id_numbers, "relation": st.sampled_from(Relation),
        "sex": st.sampled_from(Sex), "birth_date": days, "registered": st.booleans(),
        "ethnicity": text, "dropout_reason": text, "phone": text,
        "benefits": st.none() | st.lists(st.sampled_from(Benefit), max_size=2, unique=True),
        "employment": st.lists(st.fixed_dictionaries({}, optional={
            "start": days, "place": st.sampled_from(WorkPlace), "county": text,
            "monthly_pay": amounts, "months": st.integers(0, 12)}), max_size=2),
    })


def helpers(text: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Helper records (帮扶责任人) with hostile text."""
    return st.fixed_dictionaries({}, optional={"name": text, "phone": text, "organisation": text})


def households(text: st.SearchStrategy[str] = filled_text) -> st.SearchStrategy[dict[str, Any]]:
    """Household records with hostile text in every text field."""
    return st.fixed_dictionaries({"id": text}, optional={
        "region": st.fixed_dictionaries({}, optional={"county": text, "village": text}),
        "causes": st.lists(st.sampled_from(PovertyCause), max_size=2, unique=True),
        "members": st.lists(members(text), max_size=3),
        "income": st.none() | st.lists(st.fixed_dictionaries(
            {"category": st.sampled_from(IncomeCategory), "amount": amounts,
             "year": st.integers(1980, 2100)}, optional={"subtype": text}), max_size=2),
        "income_history": st.dictionaries(st.integers(1980, 2100), amounts, max_size=2),
        "recorded_per_capita_income": amounts,
        "monitoring": st.fixed_dictionaries({"group": st.sampled_from(MonitoringGroup)},
                                            optional={"risks": st.lists(text, max_size=3)}),
        "visits": st.lists(st.fixed_dictionaries({"on": days}, optional={
            "visitor": text, "notes": text}), max_size=2),
        "helper": helpers(text).filter(bool),
        "waivers": st.lists(st.fixed_dictionaries({
            "code": st.sampled_from(("HOU001", "INC002")), "reason": text, "approver": text,
            "expires": days}), max_size=1),
    })


def validated(records: list[dict[str, Any]]) -> list[Household]:
    """The records as the model accepts them, with distinct ids; others are not this property's
    business (the model's own validation is)."""
    try:
        accepted = [Household.model_validate(r) for r in records]
    except ValidationError:
        reject()
    if len({h.id for h in accepted}) != len(accepted):
        reject()
    return accepted


def read_back(path: Path) -> tuple[list[Household], list[InputError], ReadStats]:
    errors: list[InputError] = []
    stats = ReadStats()
    return list(read_households(path, errors=errors, stats=stats)), errors, stats


def assert_no_crash(verdict: Verdict) -> None:
    assert verdict.crash is None, verdict.detail
    assert verdict.mismatch is None, verdict.mismatch


# --- writers and readers: round trips ----------------------------------------------------------

@pytest.mark.parametrize("fmt", READERS)
@settings(max_examples=examples(15), deadline=None)
@given(records=st.lists(households(), min_size=1, max_size=3))
def test_a_household_the_model_accepts_reads_back_unchanged(fmt, records, tmp_path_factory):
    accepted = validated(records)
    path = tmp_path_factory.mktemp(fmt) / f"households.{EXTENSIONS[fmt]}"
    write_households(accepted, path, fmt=fmt)
    back, errors, stats = read_back(path)
    assert errors == []
    assert back == accepted
    assert stats.to_dict() == {"read": len(accepted), "accepted": len(accepted), "rejected": 0}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet-flat"])
def test_an_empty_helper_record_reads_back_as_no_helper_from_a_flat_table(fmt, tmp_path):
    """A flat table has no way to say "a helper with nothing recorded" (docs/io.md)."""
    household = Household.model_validate({"id": "A", "helper": {}})
    path = tmp_path / f"households.{EXTENSIONS[fmt]}"
    write_households([household], path, fmt=fmt)
    assert read_back(path)[:2] == ([household.model_copy(update={"helper": None})], [])


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet-flat"])
def test_an_empty_text_reads_back_as_missing_from_a_flat_table(fmt, tmp_path):
    """An empty cell is a missing value: a flat table cannot tell ``""`` from nothing."""
    household = Household.model_validate({"id": "A", "members": [{"name": ""}]})
    path = tmp_path / f"households.{EXTENSIONS[fmt]}"
    write_households([household], path, fmt=fmt)
    back = read_back(path)[0]
    assert [m.name for m in back[0].members] == [None]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet-flat"])
def test_a_text_ending_in_a_separator_character_reads_back_unchanged(fmt, tmp_path):
    household = Household.model_validate({"id": "A", "members": [{"name": "\x1c张三"}]})
    path = tmp_path / f"households.{EXTENSIONS[fmt]}"
    write_households([household], path, fmt=fmt)
    assert read_back(path)[:2] == ([household], [])


@pytest.mark.parametrize("reader", ["json", "jsonl", "csv"])
@settings(max_examples=examples(10), deadline=None)
@given(record=households(surrogate_text))
def test_lone_surrogates_in_a_file_give_input_errors_that_can_be_printed(reader, record,
                                                                        tmp_path_factory):
    """The model refuses lone surrogates; JSON can still spell them (``"\\ud800"``) and a
    CSV cell can hold the bytes of one: the reader says so in a message the CLI can print."""
    text = json.dumps(record, default=str)
    if reader == "json":
        data = f"[{text}]".encode()
    elif reader == "jsonl":
        data = text.encode() + b"\n"
    else:
        data = b"id,members.name\r\n" + record["id"].encode("utf-8", "surrogatepass")
    folder = tmp_path_factory.mktemp(reader)
    main = f"households.{reader}"
    assert_no_crash(_read_files({main: data}, main, reader, folder))


def _refused_or_equal(households: list[Household], path: Path, fmt: str) -> None:
    """Writing either refuses the records with a FormatError or they read back unchanged."""
    try:
        write_households(households, path, fmt=fmt)
    except FormatError:
        return
    back, errors, _stats = read_back(path)
    assert (back, errors) == (households, [])


@settings(max_examples=examples(3), deadline=None)
@given(size=st.integers(32_768, 40_000), character=st.sampled_from("a长"))
def test_text_longer_than_an_excel_cell_is_kept_or_refused(size, character, tmp_path_factory):
    household = Household.model_validate({"id": "A", "visits": [
        {"on": "2020-05-01", "notes": character * size}]})
    _refused_or_equal([household], tmp_path_factory.mktemp("xlsx") / "households.xlsx", "xlsx")


@settings(max_examples=examples(3), deadline=None)
@given(size=st.integers(131_073, 140_000))
def test_csv_cells_longer_than_the_csv_field_limit_read_back(size, tmp_path_factory):
    household = Household.model_validate({"id": "A", "visits": [
        {"on": "2020-05-01", "notes": "长" * size}]})
    _refused_or_equal([household], tmp_path_factory.mktemp("csv") / "households.csv", "csv")


def _live_formulas(path: Path, fmt: str) -> list[str]:
    """Cells a spreadsheet would run: CSV text starting with = + - @ (tab, CR), XLSX formulas."""
    if fmt == "csv":
        text = path.read_text(encoding="utf-8-sig")
        return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row
                if cell.lstrip("\t\r").startswith(("=", "+", "-", "@"))]
    with zipfile.ZipFile(path) as book:  # a text cell is a string, never a <f> formula element
        return [name for name in book.namelist()
                if name.startswith("xl/worksheets/") and b"<f>" in book.read(name)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@settings(max_examples=examples(10), deadline=None)
@given(text=st.tuples(st.sampled_from("=+-@"), st.text(characters, max_size=10)).map("".join))
def test_no_text_cell_written_can_run_as_a_formula(fmt, text, tmp_path_factory):
    household = Household.model_validate({"id": "A", "visits": [
        {"on": "2020-05-01", "notes": text, "visitor": text}]})
    path = tmp_path_factory.mktemp(fmt) / f"households.{fmt}"
    write_households([household], path)
    assert _live_formulas(path, fmt) == []
    assert read_back(path)[0] == [household]


# --- the model ---------------------------------------------------------------------------------

FIELD_NAMES = sorted({*Household.model_fields, "members", "name", "birth_date", "amount", "on",
                      "category", "year", "group", "risks", *Village.model_fields,
                      *Project.model_fields})
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8),
                    st.binary(max_size=8), st.dates(), st.sampled_from(TRICKY))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.tuples(inner), st.frozensets(scalars, max_size=2),
    st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=4) | st.integers(), inner,
                    max_size=4)), max_leaves=20)


@pytest.mark.parametrize("model", [Household, Village, Project])
@settings(max_examples=examples(60), deadline=None)
@given(data=values)
def test_validation_raises_nothing_but_a_validation_error(model, data):
    with contextlib.suppress(ValidationError):
        model.model_validate(data)
    with contextlib.suppress(ValidationError):
        model.model_validate_json(json.dumps(data, default=repr))


@settings(max_examples=examples(60), deadline=None)
@given(data=st.binary(max_size=200))
def test_validating_any_bytes_as_json_raises_nothing_but_a_validation_error(data):
    with contextlib.suppress(ValidationError):
        Household.model_validate_json(data)


# --- readers: nothing escapes, counts add up ---------------------------------------------------

@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    """The fuzz job's seed files of every reader."""
    return build_seeds(tmp_path_factory.mktemp("seeds"))


def _read_files(files: dict[str, bytes], main: str, reader: str, folder: Path) -> Verdict:
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return read_fully(folder / main, reader)


@pytest.mark.parametrize("reader", READERS)
@settings(max_examples=examples(25), deadline=None)
@given(data=st.binary(max_size=300))
def test_reading_arbitrary_bytes_gives_records_and_input_errors(reader, data, tmp_path_factory):
    folder = tmp_path_factory.mktemp(reader)
    assert_no_crash(_read_files({"households.x": data}, "households.x", reader, folder))


@pytest.mark.parametrize("reader", READERS)
@settings(max_examples=examples(25), deadline=None)
@given(rng_seed=st.integers(0, 2**32))
def test_reading_mutated_real_files_never_raises(reader, rng_seed, seeds, tmp_path_factory):
    """The fuzz job's mutations, in process: without the far cells and zip bombs that make
    calamine abort the process (the fuzz job meets them in worker processes)."""
    seed, files, _names = make_input(seeds[reader], random.Random(rng_seed), in_process=True)
    assert_no_crash(_read_files(files, seed.main, reader, tmp_path_factory.mktemp(reader)))


def _top_levels() -> st.SearchStrategy[Any]:
    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                    max_size=3), max_leaves=8)
    return json_values | json_values.map(lambda v: {"households": v}) | st.builds(
        lambda v: {"households": json.dumps(v)}, json_values)


@settings(max_examples=examples(40), deadline=None)
@given(document=_top_levels())
def test_a_json_file_of_any_shape_gives_records_and_input_errors(document, tmp_path_factory):
    data = json.dumps(document, ensure_ascii=False).encode()
    folder = tmp_path_factory.mktemp("json")
    assert_no_crash(_read_files({"households.json": data}, "households.json", "json", folder))


@pytest.mark.parametrize("reader", ["json", "jsonl"])
@settings(max_examples=examples(4), deadline=None)
@given(depth=st.integers(1_000, 50_000), bracket=st.sampled_from(["[]", "{}"]))
def test_deep_nesting_is_an_input_error(reader, depth, bracket, tmp_path_factory):
    opening = "[" if bracket == "[]" else '{"members":'
    data = f'{{"id":"A","members":{opening * depth}1{bracket[1] * depth}}}\n'.encode()
    folder = tmp_path_factory.mktemp(reader)
    main = f"households.{reader}"
    assert_no_crash(_read_files({main: data}, main, reader, folder))


NUMBER_COLUMN = "recorded_per_capita_income"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@settings(max_examples=examples(15), deadline=None)
@given(cell=st.one_of(
    st.text(st.characters(categories=("Nd", "No")), min_size=1, max_size=6),
    st.sampled_from(["NaN", "nan", "Infinity", "-Infinity", "inf", "1e309", "-1e309", "∞"])))
def test_a_number_cell_is_a_finite_number_or_an_input_error(fmt, cell, tmp_path_factory):
    path = tmp_path_factory.mktemp(fmt) / f"households.{fmt}"
    write_households([Household.model_validate({"id": "A", NUMBER_COLUMN: 1.0})], path)
    if fmt == "csv":
        text = path.read_text(encoding="utf-8-sig").replace(",1.0,", f",{cell},", 1)
        path.write_text(text, encoding="utf-8-sig")
    else:
        from fuzz.mutate import write_xlsx, xlsx_rows

        sheets = xlsx_rows(path.read_bytes())
        rows = sheets["households"]
        rows[1][rows[0].index(NUMBER_COLUMN)] = cell
        path.write_bytes(write_xlsx(sheets))
    verdict = read_fully(path, fmt)
    assert_no_crash(verdict)
    for household in read_households(path):
        assert household.recorded_per_capita_income is None or math.isfinite(
            household.recorded_per_capita_income)


@settings(max_examples=examples(20), deadline=None)
@given(ids=st.lists(st.sampled_from(["A", "B", "C", "", " "]), min_size=1, max_size=8))
def test_member_rows_in_any_order_count_one_per_household_id(ids, tmp_path_factory):
    """One household per id however its member rows are spread, one rejection per row
    without an id (ReadStats)."""
    path = tmp_path_factory.mktemp("csv") / "households.csv"
    rows = ["id,members.name"] + [f"{hid},成员{n}" for n, hid in enumerate(ids)]
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    verdict = read_fully(path, "csv")
    assert_no_crash(verdict)
    named = {hid for hid in ids if hid.strip()}
    assert verdict.read == len(named) + sum(1 for hid in ids if not hid.strip())


@pytest.mark.parametrize("reader", ["parquet", "parquet-flat"])
@settings(max_examples=examples(10), deadline=None)
@given(rng_seed=st.integers(0, 2**32))
def test_damaged_parquet_pages_are_input_errors(reader, rng_seed, seeds, tmp_path_factory):
    from fuzz.mutate import corrupt_pages

    rng = random.Random(rng_seed)
    seed = rng.choice(seeds[reader])
    files = dict(seed.files)
    target = rng.choice(sorted(files))
    files[target] = corrupt_pages(files[target], rng)[0]
    assert_no_crash(_read_files(files, seed.main, reader, tmp_path_factory.mktemp(reader)))


@settings(max_examples=examples(15), deadline=None)
@given(rng_seed=st.integers(0, 2**32))
def test_a_damaged_xlsx_sheet_is_an_input_error(rng_seed, seeds, tmp_path_factory):
    rng = random.Random(rng_seed)
    seed = rng.choice(seeds["xlsx"])
    data, _name = mutate_zip(seed.files[seed.main], rng, in_process=True)
    assert_no_crash(_read_files({seed.main: data}, seed.main, "xlsx",
                                tmp_path_factory.mktemp("xlsx")))


def _far_cell_workbook(path: Path) -> None:
    write_households([Household.model_validate({"id": "A"})], path)
    with zipfile.ZipFile(path) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(
        b"</sheetData>",
        b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>far</t></is></c></row>'
        b"</sheetData>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in parts.items():
            package.writestr(name, content)


def test_a_workbook_with_a_far_cell_is_read_within_a_memory_limit(tmp_path):
    """In a child process under a 1 GB address-space limit (calamine would abort it)."""
    path = tmp_path / "households.xlsx"
    _far_cell_workbook(path)
    script = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30));"
              "from fuzz.check import read_fully; v = read_fully(sys.argv[1], 'xlsx');"
              "sys.exit(1 if v.finding else 0)")
    done = subprocess.run([sys.executable, "-c", script, str(path)], cwd=ROOT, timeout=60,
                          capture_output=True)
    assert done.returncode == 0, done.stderr[-2000:]
