"""CSV lines for streamed downloads (no REST framework here: the site, the API and the export
jobs all write through it)."""

import csv
from collections.abc import Iterable, Iterator, Sequence


class _Echo:
    def write(self, value):
        return value


def csv_lines(columns: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """The header line, then one line per row (each a sequence of values in column order)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow(row)
