"""Mutations of seed files: byte-level, and structure-level for JSON, CSV, XLSX and Parquet.

Every mutation is a pure function of the seed and a ``random.Random``, so an input is rebuilt
exactly from (run seed, reader, input number) when a reproducer has to be saved.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import zipfile
from collections.abc import Callable
from functools import cache
from typing import Any

from fuzz.seeds import Seed
from planner.io.formats import sniff_encoding
from planner.io.tabular import _sniff_delimiter

Files = dict[str, bytes]
MAX_BYTES = 4 << 20  # an input never grows past 4 MB, except the prepared zip bombs

TOKENS: tuple[bytes, ...] = (
    b"\x00", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b'"', b"'", b",", b";", b"\t", b"\n",
    b"\r\n", b"\r", b"[", b"]", b"{", b"}", b":", b"\\", b"\\ud800", b'"\\udfff"', b"NaN",
    b"Infinity", b"-Infinity", b"1e999", b"-0", b"99999999999999999999999", b"null", b"true",
    b"\xed\xa0\x80", b"\x80", b"\xc3", "٣٤٥".encode(), "１２３".encode(), "中文".encode(),
    "中文".encode("gb18030"), b"=1+1", b"@SUM(A1)", b"+1", b"-1", b"<", b"/>", b"&amp;", b"&#0;",
    b"]]>", b'"households":', b'"id":', b'"members":', b"2020-02-30", b"\x1a",
)

TEXTS: tuple[Any, ...] = (
    "", " ", "\t", "\n", "NaN", "nan", "Infinity", "-inf", "1e309", "-1e309", "٣٠٠٠", "１２３",
    "²", "Ⅻ", "৩", "-0", "0x10", "1_000", "99999999999999999999999999", "=cmd|' /C calc'!A0",
    "@SUM(1)", "+1", "-1", "中文字符", "\x00", "\x1b[31m", "\u2028", "\ud800", "\udfff",
    "2020-02-30", "1900-01-00", "1970/1/1", "99991231", "202013", "true", "是", "否", "[1,2]",
    '["a", 1]', "{}", '{"a": [1]}',
    "522425197005060016", "13885710101", "户主", "脱贫户", "  padded  ",
)
NUMBERS: tuple[Any, ...] = (0, -1, 1.5, 2**63, -(2**63) - 1, 10**30, float("nan"), float("inf"),
                            float("-inf"), -0.0, 1e308, True, False, None)


def long_text(rng: random.Random) -> str:
    """Text near the limits: CSV's 131,072-character field, Excel's 32,767-character cell."""
    size = rng.choice((32_767, 32_768, 40_000, 131_072, 131_073, 200_000))
    return rng.choice(("a", "长", "\n", "=")) * size


def any_text(rng: random.Random) -> str:
    """A hostile text value."""
    if rng.random() < 0.05:
        return long_text(rng)
    return rng.choice(TEXTS)


def any_value(rng: random.Random) -> Any:
    """A hostile JSON value of any type."""
    roll = rng.random()
    if roll < 0.45:
        return any_text(rng)
    if roll < 0.8:
        return rng.choice(NUMBERS)
    if roll < 0.9:
        return [any_text(rng) for _ in range(rng.randrange(3))]
    return {rng.choice(("id", "members", "x", "")): rng.choice(NUMBERS)}


# --- bytes -------------------------------------------------------------------------------------

def _span(rng: random.Random, data: bytes) -> tuple[int, int]:
    start = rng.randrange(len(data) + 1)
    return start, min(len(data), start + rng.choice((1, 2, 4, 8, 64, 512, 4096)))


def flip_bits(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    for _ in range(rng.randrange(1, 9)):
        out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def insert_token(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice(TOKENS) * rng.choice((1, 1, 2, 16)) + data[at:]


def replace_token(data: bytes, rng: random.Random) -> bytes:
    start, end = _span(rng, data)
    return data[:start] + rng.choice(TOKENS) + data[end:]


def insert_random(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.randbytes(rng.randrange(1, 32)) + data[at:]


def delete_span(data: bytes, rng: random.Random) -> bytes:
    start, end = _span(rng, data)
    return data[:start] + data[end:]


def duplicate_span(data: bytes, rng: random.Random) -> bytes:
    start, end = _span(rng, data)
    times = rng.choice((1, 2, 10, 1000))
    return data[:end] + data[start:end] * times + data[end:]


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def swap_spans(data: bytes, rng: random.Random) -> bytes:
    a, b = sorted((_span(rng, data), _span(rng, data)))
    if a[1] > b[0]:
        return data
    return data[: a[0]] + data[b[0]:b[1]] + data[a[1]:b[0]] + data[a[0]:a[1]] + data[b[1]:]


BYTE_MUTATIONS: tuple[Callable[[bytes, random.Random], bytes], ...] = (
    flip_bits, insert_token, replace_token, insert_random, delete_span, duplicate_span, truncate,
    swap_spans,
)


def mutate_bytes(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One byte-level mutation and its name."""
    mutation = rng.choice(BYTE_MUTATIONS)
    return mutation(data, rng), mutation.__name__


# --- JSON --------------------------------------------------------------------------------------

def _slots(tree: Any, limit: int = 5000) -> list[tuple[Any, Any]]:
    """(container, key) pairs of every value in ``tree``, breadth first."""
    slots: list[tuple[Any, Any]] = []
    todo = [tree]
    while todo and len(slots) < limit:
        node = todo.pop(0)
        pairs = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in list(pairs):
            slots.append((node, key))
            if isinstance(value, (dict, list)):
                todo.append(value)
    return slots


_DEEP = re.compile(r'"__deep_(\d+)_(\w+)__"')


def deep(rng: random.Random) -> str:
    """A stand-in for nesting deeper than any recursion limit, spelled out by :func:`dumps`
    (``json.dumps`` itself cannot write it)."""
    return f"__deep_{rng.choice((200, 1_000, 5_000, 100_000))}_{rng.choice(('list', 'object'))}__"


def _spell_deep(match: re.Match[str]) -> str:
    depth = int(match.group(1))
    if match.group(2) == "list":
        return "[" * depth + "1" + "]" * depth
    return '{"members":' * depth + "1" + "}" * depth


def dumps(tree: Any, ensure_ascii: bool) -> str:
    """``json.dumps`` (NaN and Infinity as literals) with the deep stand-ins spelled out."""
    return _DEEP.sub(_spell_deep, json.dumps(tree, ensure_ascii=ensure_ascii))


def mutate_tree(tree: Any, rng: random.Random) -> tuple[Any, str]:
    """One structure-level mutation of a parsed JSON document."""
    roll = rng.random()
    if roll < 0.05:
        return rng.choice((any_value(rng), [any_value(rng)], "[]", deep(rng))), "top_level"
    slots = _slots(tree) if isinstance(tree, (dict, list)) else []
    if not slots:
        return any_value(rng), "replace_root"
    node, key = rng.choice(slots)
    value = node[key]
    if roll < 0.45:
        node[key] = any_value(rng)
        return tree, "replace_value"
    if roll < 0.55 and isinstance(value, (list, dict)):
        node[key] = json.dumps(value, ensure_ascii=False)  # a JSON list given as a string
        return tree, "stringify"
    if roll < 0.62:
        node[key] = deep(rng)
        return tree, "deep"
    if roll < 0.72 and isinstance(node, dict):
        del node[key]
        return tree, "delete_key"
    if roll < 0.8 and isinstance(node, dict):
        node[rng.choice(("unknown", "身份证", "id", "members", "income"))] = any_value(rng)
        return tree, "add_key"
    if roll < 0.9 and isinstance(node, list):
        node.insert(rng.randrange(len(node) + 1), value)  # duplicate ids, duplicate members
        return tree, "duplicate_item"
    if isinstance(value, str):
        node[key] = rng.choice(("", " ", value + any_text(rng), value * 2, "\ud800" + value))
        return tree, "edit_text"
    node[key] = rng.choice(NUMBERS)
    return tree, "replace_number"


def dump_json(tree: Any, rng: random.Random) -> bytes:
    """JSON text as a hostile writer would make it: NaN literals, raw surrogates, other codecs."""
    text = dumps(tree, ensure_ascii=rng.random() < 0.5)
    encoding = rng.choice(("utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "gb18030"))
    return text.encode(encoding, errors="surrogatepass" if encoding.startswith("utf") else
                       "replace")


def _parse_json(data: bytes) -> Any:
    return json.loads(data.decode(sniff_encoding(data[:4096])))


def mutate_json(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    tree, name = mutate_tree(_parse_json(data), rng)
    return dump_json(tree, rng), name


def mutate_jsonl(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    lines = data.decode("utf-8-sig").splitlines()
    if not lines:
        return data, "empty"
    roll = rng.random()
    if roll < 0.6:
        at = rng.randrange(len(lines))
        tree, name = mutate_tree(json.loads(lines[at]), rng)
        lines[at] = dumps(tree, ensure_ascii=rng.random() < 0.5)
    elif roll < 0.8:
        at = rng.randrange(len(lines))
        lines.insert(rng.randrange(len(lines) + 1), lines[at])
        name = "duplicate_line"
    else:
        rng.shuffle(lines)
        name = "shuffle_lines"
    encoding = rng.choice(("utf-8", "utf-8", "utf-8", "utf-16", "gb18030"))
    text = "\n".join(lines) + rng.choice(("\n", "", "\r\n", "\n\n"))
    return text.encode(encoding, errors="surrogatepass" if encoding.startswith("utf") else
                       "replace"), name


# --- rows (CSV and XLSX) -----------------------------------------------------------------------

def mutate_rows(rows: list[list[Any]], rng: random.Random, text_only: bool) -> str:
    """One structure-level mutation of spreadsheet rows (header included), in place."""
    if not rows:
        rows.append([any_text(rng)])
        return "add_row"
    roll = rng.random()
    body = range(1, len(rows)) if len(rows) > 1 else range(len(rows))
    row = rows[rng.choice(body)]
    if roll < 0.45 and row:
        value = any_text(rng) if text_only or rng.random() < 0.6 else rng.choice(NUMBERS)
        row[rng.randrange(len(row))] = value
        return "set_cell"
    if roll < 0.55:
        rows.insert(rng.randrange(1, len(rows) + 1), list(row))
        return "duplicate_row"
    if roll < 0.62 and len(rows) > 2:
        a, b = rng.sample(range(1, len(rows)), 2)
        rows[a], rows[b] = rows[b], rows[a]  # member rows out of order
        return "swap_rows"
    if roll < 0.7:
        column = rng.randrange(max(1, len(rows[0])))
        for other in rows[1:]:
            if column < len(other) and rng.random() < 0.5:
                other[column] = rng.choice(("", " ", None))  # blank household ids and more
        return "blank_column"
    if roll < 0.77:
        column = rng.randrange(max(1, len(rows[0])))
        for other in rows:
            if column < len(other):
                del other[column]
        return "drop_column"
    if roll < 0.83 and rows[0]:
        column = rng.randrange(len(rows[0]))
        rows[0][column] = rng.choice((*rows[0], "未知列", "", "户编号", "id"))
        return "rename_header"
    if roll < 0.9:
        rows.insert(0, [rng.choice(("示范县防止返贫监测对象信息表", "", "单位：元"))])
        return "title_row"
    if roll < 0.95:
        del rows[rng.randrange(len(rows))]
        return "delete_row"
    row.extend(any_text(rng) for _ in range(rng.randrange(1, 4)))
    return "ragged_row"


def mutate_csv(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    encoding = sniff_encoding(data[:4096])
    text = data.decode(encoding, errors="replace")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text)))
    name = mutate_rows(rows, rng, text_only=True)
    out = io.StringIO(newline="")
    delimiter = rng.choice((",", ",", ",", "\t", ";", "|"))
    quote_all = rng.random() < 0.3
    csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
               lineterminator="\r\n").writerows(rows)
    target = rng.choice(("utf-8-sig", "utf-8", "gb18030", "utf-16", "utf-16-le"))
    return out.getvalue().encode(target, errors="surrogatepass" if target.startswith("utf") else
                                 "replace"), name


# --- XLSX --------------------------------------------------------------------------------------

def xlsx_rows(data: bytes) -> dict[str, list[list[Any]]]:
    """Every sheet of a workbook as rows of Python values."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        return {name: [list(r) for r in book.get_sheet_by_name(name).to_python()]
                for name in book.sheet_names}
    finally:
        book.close()


def write_xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    """A workbook of ``sheets`` written with XlsxWriter; text stays text."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False,
                                        "nan_inf_to_errors": True})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name[:31])
        for number, row in enumerate(rows):
            for column, value in enumerate(row):
                if isinstance(value, str):
                    sheet.write_string(number, column, value.encode("utf-8", "replace").decode())
                elif value is not None and value != "":
                    sheet.write(number, column, value)
    book.close()
    return buffer.getvalue()


def _sheet_members(names: list[str]) -> list[str]:
    return [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]


@cache
def zip_bomb(data: bytes, rows: int, level: int = 9) -> bytes:
    """The workbook ``data`` with its first sheet replaced by ``rows`` rows of 16 cells without
    cell references, compressed at ``level``: at level 9, 200,000 rows are a bomb (50 MB from
    under 100 KB, refused from its declared sizes); at level 1, 20,000 rows are a big plain sheet
    the reader must scan and read. Streamed into the zip and kept, because building it takes a
    second or two."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    target = (_sheet_members(list(parts)) or list(parts))[0]
    row = b"<row>" + b"<c><v>1</v></c>" * 16 + b"</row>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as package:
        for part, content in parts.items():
            if part != target:
                package.writestr(part, content)
                continue
            with package.open(part, "w", force_zip64=True) as sheet:
                sheet.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet '
                            b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                            b"<sheetData>")
                for _ in range(rows // 1000):
                    sheet.write(row * 1000)
                sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def _far_cell(xml: bytes, rng: random.Random) -> bytes:
    ref = rng.choice((b"XFD1048576", b"A1048576", b"XFD1", b"ZZZ999999999", b"A0", b"AAAA1"))
    xml = xml.replace(b'<dimension ref="', b'<dimension ref="A1:' + ref + b'" old="', 1)
    cell = b'<c r="' + ref + b'" t="inlineStr"><is><t>far</t></is></c>'
    row = ref.lstrip(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ") or b"1"
    return xml.replace(b"</sheetData>", b'<row r="' + row + b'">' + cell + b"</row></sheetData>")


def mutate_zip(data: bytes, rng: random.Random, in_process: bool = False) -> tuple[bytes, str]:
    """Mutate the parts of an XLSX package: a sheet's XML, a far cell, a zip bomb, a lost part.

    ``in_process`` leaves out far cells and zip bombs, which make calamine abort the process.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    sheets = _sheet_members(list(parts)) or list(parts)
    roll = rng.uniform(0.3 if in_process else 0.0, 1.0)
    target = rng.choice(sheets)
    if roll < 0.05:
        rows, level = rng.choice(((200_000, 9), (1_000_000, 9), (20_000, 1)))
        return zip_bomb(data, rows, level), "zip_bomb"
    if roll < 0.2:
        parts[target] = _far_cell(parts[target], rng)
        name = "far_cell"
    elif roll < 0.3:
        del parts[rng.choice(list(parts))]
        name = "drop_part"
    else:
        target = rng.choice(sheets if rng.random() < 0.7 else list(parts))
        parts[target], name = mutate_bytes(parts[target], rng)
        name = f"part_{name}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for part, content in parts.items():
            package.writestr(part, content)
    return buffer.getvalue(), name


def mutate_xlsx(data: bytes, rng: random.Random, in_process: bool) -> tuple[bytes, str]:
    if rng.random() < 0.5:
        return mutate_zip(data, rng, in_process)
    sheets = xlsx_rows(data)
    name = rng.choice(list(sheets))
    mutation = mutate_rows(sheets[name], rng, text_only=False)
    return write_xlsx(sheets), mutation


# --- Parquet -----------------------------------------------------------------------------------

def _table(data: bytes) -> Any:
    import pyarrow.parquet as pq

    return pq.read_table(io.BytesIO(data))


def _write_table(table: Any, rng: random.Random) -> bytes:
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(table, buffer, row_group_size=rng.choice((1, 2, 64, 4096)),
                   compression=rng.choice(("zstd", "snappy", "none")),
                   use_dictionary=rng.random() < 0.5)
    return buffer.getvalue()


def _column_value(column: Any, rng: random.Random) -> Any:
    import pyarrow as pa

    if pa.types.is_floating(column.type):
        return rng.choice((float("nan"), float("inf"), float("-inf"), -0.0, 1e308, None))
    if pa.types.is_integer(column.type):
        return rng.choice((0, -1, 2**63 - 1, -(2**63), None))
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return any_text(rng).encode("utf-8", "replace").decode()
    return None


def mutate_arrow(data: bytes, rng: random.Random, record_column: bool) -> tuple[bytes, str]:
    """Mutate a Parquet table's values, columns and rows; nested records as JSON."""
    import pyarrow as pa

    table = _table(data)
    roll = rng.random()
    if table.num_rows and table.num_columns and roll < 0.5:
        index = rng.randrange(table.num_columns)
        field = table.schema.field(index)
        values = table.column(index).to_pylist()
        row = rng.randrange(len(values))
        if record_column and field.name == "record" and values[row]:
            tree, name = mutate_tree(json.loads(values[row]), rng)
            values[row] = dumps(tree, ensure_ascii=rng.random() < 0.5)
            if "\ud800" in values[row] or "\udfff" in values[row]:
                values[row] = values[row].encode("utf-8", "replace").decode()
        else:
            values[row] = _column_value(table.column(index), rng)
            name = "set_value"
        table = table.set_column(index, field, pa.array(values, type=field.type))
        return _write_table(table, rng), name
    if table.num_columns and roll < 0.65:
        index = rng.randrange(table.num_columns)
        field = table.schema.field(index)
        kind = rng.choice(("binary", "int", "drop", "rename", "nulls"))
        column = table.column(index)
        if kind == "binary":
            junk = [rng.choice((b"\xff\xfe", b"\xed\xa0\x80", b"ok")) for _ in range(len(column))]
            table = table.set_column(index, pa.field(field.name, pa.binary()), pa.array(junk))
        elif kind == "int":
            table = table.set_column(index, pa.field(field.name, pa.int64()),
                                     pa.array([rng.randrange(-5, 5) for _ in range(len(column))]))
        elif kind == "drop":
            table = table.remove_column(index)
        elif kind == "rename":
            names = list(table.column_names)
            names[index] = rng.choice((*names, "unknown", "", "户编号"))
            table = table.rename_columns(names)
        else:
            table = table.set_column(index, field, pa.nulls(len(column), field.type))
        return _write_table(table, rng), f"column_{kind}"
    if table.num_rows > 1 and roll < 0.85:
        order = list(range(table.num_rows))
        kind = rng.choice(("shuffle", "duplicate"))
        if kind == "shuffle":
            rng.shuffle(order)  # member rows out of order
        else:
            order.insert(rng.randrange(len(order)), rng.randrange(len(order)))
        return _write_table(table.take(order), rng), f"rows_{kind}"
    return _write_table(table, rng), "rewrite"


def corrupt_pages(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Damage the data pages but keep the footer, so the file opens and fails while reading."""
    footer = int.from_bytes(data[-8:-4], "little") + 8 if len(data) > 12 else len(data)
    end = max(4, len(data) - footer)
    out = bytearray(data)
    for _ in range(rng.randrange(1, 16)):
        if end > 4:
            out[rng.randrange(4, end)] = rng.randrange(256)
    return bytes(out), "corrupt_pages"


# --- inputs ------------------------------------------------------------------------------------

def mutate_file(reader: str, data: bytes, rng: random.Random, in_process: bool = False,
                structural: bool = True) -> tuple[bytes, str]:
    """One mutation of one file of ``reader``: byte-level a third of the time, and always when
    not ``structural``."""
    if rng.random() < 0.3 or not data or not structural:
        return mutate_bytes(data, rng)
    try:
        if reader == "json":
            return mutate_json(data, rng)
        if reader == "jsonl":
            return mutate_jsonl(data, rng)
        if reader == "csv":
            return mutate_csv(data, rng)
        if reader == "xlsx":
            return mutate_xlsx(data, rng, in_process)
        if rng.random() < 0.2:
            return corrupt_pages(data, rng)
        return mutate_arrow(data, rng, record_column=reader == "parquet")
    except Exception:  # an earlier mutation made it unparsable: fall back to bytes
        return mutate_bytes(data, rng)


def make_input(seeds: list[Seed], rng: random.Random,
               in_process: bool = False) -> tuple[Seed, Files, list[str]]:
    """A mutated input: a seed, one to three mutations of its files, and their names.

    ``in_process`` leaves out the mutations that make a native reader abort the process.
    """
    seed = rng.choice(seeds)
    files = dict(seed.files)
    names: list[str] = []
    # Only a seed file is parsed for a structure-level mutation: parsing a mutated one could take
    # any time and memory (a far cell opens as a million rows), and differently in a worker,
    # under its memory limit, than in the parent rebuilding the input for a reproducer.
    touched: set[str] = set()
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        target = seed.main if rng.random() < 0.75 or len(files) == 1 else rng.choice(list(files))
        if target not in files:
            continue
        data, name = mutate_file(seed.reader, files[target], rng, in_process,
                                 structural=target not in touched)
        touched.add(target)
        names.append(f"{target}:{name}")
        if name == "zip_bomb":  # opening it again to mutate further would be the bomb going off
            files[target] = data
            break
        files[target] = data[:MAX_BYTES]
    return seed, files, names
