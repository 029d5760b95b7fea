"""CSV downloads of the insights tables, safe to open in a spreadsheet.

A cell that starts with = + - @ a tab or a carriage return can be run as a formula by Excel,
LibreOffice or Google Sheets (CSV injection); such a cell is written with a leading apostrophe,
which spreadsheets show as text. Message reasons come partly from outside (Twilio, patients'
replies), so every text cell is checked, not only the ones we expect.
"""

import csv
from collections.abc import Iterable, Sequence
from datetime import date

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | date | None


def spreadsheet_safe(value: Cell) -> Cell:
    """The cell as written to the file: text that a spreadsheet would evaluate gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def csv_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> HttpResponse:
    response = HttpResponse(
        content_type="text/csv; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
    writer = csv.writer(response)
    writer.writerow([spreadsheet_safe(cell) for cell in header])
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return response
