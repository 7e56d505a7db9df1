"""Query results (`Table`s) to CSV, Excel and JSON.

CSV is UTF-8 without a byte-order mark, one header line; lists are JSON text. Excel files are
written with openpyxl's streaming (write-only) workbook, one sheet named "result", with fixed
document timestamps so that the same table gives the same file.
"""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import BinaryIO

from govkg.errors import GovkgError
from graph.store import Table

TABLE_FORMATS = ("csv", "xlsx", "json")
_EPOCH = datetime(2000, 1, 1)


def _plain(v):
    if isinstance(v, (list, tuple, dict)):
        return json.dumps(v, ensure_ascii=False)
    return v


def write_table(table: Table, fmt: str, out: BinaryIO) -> int:
    """Write the table to a binary stream; returns the number of rows written."""
    if fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        w = csv.writer(text, lineterminator="\n")
        w.writerow(table.columns)
        for row in table.rows:
            w.writerow(["" if v is None else ("true" if v is True else "false" if v is False else _plain(v))
                        for v in row])
        text.flush()
        text.detach()
    elif fmt == "json":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=True)
        text.write("[")
        sep = "\n"
        for row in table.rows:
            text.write(sep + json.dumps(dict(zip(table.columns, row)), ensure_ascii=False, default=str))
            sep = ",\n"
        text.write("\n]\n")
        text.flush()
        text.detach()
    elif fmt == "xlsx":
        _write_xlsx(table, out)
    else:
        raise GovkgError(f"unknown table format {fmt!r}; choose one of {', '.join(TABLE_FORMATS)}")
    return len(table.rows)


def _write_xlsx(table: Table, out: BinaryIO) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = Workbook(write_only=True)
    wb.properties.creator = "govkg"
    wb.properties.created = _EPOCH
    wb.properties.modified = _EPOCH
    ws = wb.create_sheet("result")
    ws.append(list(table.columns))
    for row in table.rows:
        cells = []
        for v in row:
            v = _plain(v)
            if isinstance(v, str):
                v = ILLEGAL_CHARACTERS_RE.sub("\ufffd", v)
            cells.append(v)
        ws.append(cells)
    wb.save(out)


def table_bytes(table: Table, fmt: str) -> bytes:
    """The table in a format, in memory (for download buttons)."""
    buf = io.BytesIO()
    write_table(table, fmt, buf)
    return buf.getvalue()
