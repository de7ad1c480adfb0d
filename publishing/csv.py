"""CSV lines for streamed downloads (no REST framework here: the site, the API and the export
jobs all write through it)."""

import csv
import re
from collections.abc import Iterable, Iterator, Sequence

# A spreadsheet reads a cell that starts with one of these as a formula (``=HYPERLINK(...)``,
# ``+cmd|...``, ``@SUM(...)``) or, after a tab or carriage return, may still do so.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A signed number written as text (the API writes decimals as text) is a value, not a formula.
_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")


class _Echo:
    def write(self, value):
        return value


def neutralised(value):
    """A text cell that a spreadsheet would run as a formula, as text: prefixed with ``'``, as
    OWASP recommends. Numbers (a negative budget, as a number or as text) stay as they are."""
    if type(value) is str and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_lines(columns: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """The header line, then one line per row (each a sequence of values in column order), with
    every text cell that could run as a formula neutralised."""
    writer = csv.writer(_Echo())
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([neutralised(value) for value in row])
