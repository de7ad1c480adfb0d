"""Accessible horizontal bar charts, drawn as SVG on the server.

``bar_chart()`` turns rows of ``(label, value)`` or ``(label, value, url)`` into a ``Chart``
whose geometry is already computed, so ``templates/includes/bar_chart.html`` only prints
numbers::

    chart = bar_chart(
        id="budget-by-theme",
        title=_("Budget by theme"),
        description=_("Total budget of the programmes of each theme, in US dollars."),
        rows=[(theme.name, theme.budget, theme_url) for theme in themes],
        value_label=_("Budget (USD)"),
    )

    {% include "includes/bar_chart.html" with chart=chart %}

The SVG is drawn in a fixed coordinate system (``VIEW_WIDTH`` wide) and scaled by the browser
through its ``viewBox``: a label column on the left, then the bar, then the formatted value
just after the bar's end. The same data is always offered as a table under the chart.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlsplit

Number = Decimal | int | float

# Coordinate system of the SVG (user units; the browser scales them to the page width).
VIEW_WIDTH = 560
FONT_SIZE = 13
LABEL_X = 0  # labels start at the left edge
LABEL_COLUMN_WIDTH = 200  # room for MAX_LABEL_CHARS characters at FONT_SIZE
BAR_X = LABEL_COLUMN_WIDTH + 8
MIN_BAR_WIDTH = 160  # the longest bar is never shorter than this
ROW_HEIGHT = 28
BAR_HEIGHT = 18
PADDING_Y = 6
VALUE_GAP = 6  # between a bar's end and its value
VALUE_CHAR_WIDTH = 7.5  # generous average advance of a digit or separator at FONT_SIZE
# Offset from a bar's vertical centre to the text baseline that centres FONT_SIZE text on it
# (computed here rather than with dominant-baseline, which browsers render inconsistently).
TEXT_BASELINE_OFFSET = round(FONT_SIZE * 0.35, 1)

MAX_LABEL_CHARS = 28
ELLIPSIS = "\u2026"

BAR_COLOUR = "#005c8a"  # 7.0:1 against white
TEXT_COLOUR = "#1a1a1a"

ID_RE = re.compile(r"[a-z][a-z0-9-]*")
_CENT = Decimal("0.01")


def format_number(value: Number) -> str:
    """Thousands-separated: 3800000 -> "3,800,000"; fractions keep two decimals."""
    number = _to_decimal(value)
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.quantize(_CENT, rounding=ROUND_HALF_UP):,}"


def truncate_label(label: str, limit: int = MAX_LABEL_CHARS) -> str:
    """``label`` cut to at most ``limit`` characters, the last being an ellipsis if cut."""
    if len(label) <= limit:
        return label
    return label[: limit - 1].rstrip() + ELLIPSIS


@dataclass(frozen=True)
class Bar:
    """One row of input: a label, a non-negative value and, optionally, a link for the label."""

    label: str
    value: Decimal | int
    url: str = ""


@dataclass(frozen=True)
class ChartBar:
    """A bar with everything the template prints. Coordinates are SVG user units."""

    label: str  # full text: table and <title>
    short_label: str  # text drawn in the SVG (truncated with an ellipsis when too long)
    value: Decimal | int
    formatted_value: str
    url: str
    x: float
    y: int
    width: float
    height: float
    label_x: float
    text_y: float  # baseline of both the label and the value text
    value_x: float

    @property
    def is_truncated(self) -> bool:
        return self.short_label != self.label


@dataclass(frozen=True)
class Chart:
    """A bar chart ready for ``includes/bar_chart.html``."""

    id: str
    title: str
    description: str
    value_label: str
    label_heading: str
    bars: tuple[ChartBar, ...]
    svg_width: int
    svg_height: int
    font_size: int = FONT_SIZE
    bar_colour: str = BAR_COLOUR
    text_colour: str = TEXT_COLOUR

    @property
    def has_data(self) -> bool:
        """False when there are no rows or every value is zero: no SVG is drawn then."""
        return any(bar.value > 0 for bar in self.bars)

    @property
    def title_id(self) -> str:
        return f"{self.id}-title"

    @property
    def desc_id(self) -> str:
        return f"{self.id}-desc"

    @property
    def view_box(self) -> str:
        return f"0 0 {self.svg_width} {self.svg_height}"


def bar_chart(
    *,
    id: str,
    title: str,
    description: str,
    rows: Iterable[tuple[str, Number] | tuple[str, Number, str] | Bar],
    value_label: str,
    value_format: Callable[[Number], str] = format_number,
    label_heading: str = "",
) -> Chart:
    """Lay out a horizontal bar chart, one bar per row, in the order given.

    ``id`` names the chart in the page (its SVG title and description get ``ID-title`` and
    ``ID-desc``), so it must be unique on the page and match ``^[a-z][a-z0-9-]*$``.
    Values must be finite and not negative; bar widths are proportional to the largest value.
    ``label_heading`` heads the label column of the data table (a generic heading otherwise).
    """
    if not isinstance(id, str) or not ID_RE.fullmatch(id):
        raise ValueError(f"Chart id must match ^[a-z][a-z0-9-]*$, not {id!r}.")

    items = [_to_bar(row) for row in rows]
    formatted = [str(value_format(item.value)) for item in items]
    numbers = [_to_decimal(item.value) for item in items]
    largest = max(numbers, default=Decimal(0))

    longest_value = max((len(text) for text in formatted), default=0)
    value_space = math.ceil(VALUE_GAP + longest_value * VALUE_CHAR_WIDTH)
    # Very long formatted values widen the drawing rather than squeeze the bars to nothing.
    svg_width = max(VIEW_WIDTH, BAR_X + MIN_BAR_WIDTH + value_space)
    max_bar_width = svg_width - BAR_X - value_space

    bars = []
    for index, (item, number, text) in enumerate(zip(items, numbers, formatted, strict=True)):
        width = _round(Decimal(max_bar_width) * number / largest) if largest > 0 else 0.0
        y = PADDING_Y + index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2
        label = str(item.label)
        bars.append(
            ChartBar(
                label=label,
                short_label=truncate_label(label),
                value=item.value,
                formatted_value=text,
                url=item.url,
                x=BAR_X,
                y=y,
                width=width,
                height=BAR_HEIGHT,
                label_x=LABEL_X,
                text_y=y + BAR_HEIGHT / 2 + TEXT_BASELINE_OFFSET,
                value_x=_round(Decimal(BAR_X) + Decimal(str(width)) + VALUE_GAP),
            )
        )

    return Chart(
        id=id,
        title=title,
        description=description,
        value_label=value_label,
        label_heading=label_heading,
        bars=tuple(bars),
        svg_width=svg_width,
        svg_height=2 * PADDING_Y + len(bars) * ROW_HEIGHT,
    )


def _to_bar(row: tuple | Bar) -> Bar:
    if isinstance(row, Bar):
        bar = row
    elif isinstance(row, tuple | list) and len(row) in (2, 3):
        bar = Bar(*row)
    else:
        raise ValueError(f"A chart row is (label, value) or (label, value, url), not {row!r}.")
    number = _to_decimal(bar.value)
    if number < 0:
        raise ValueError(f"Bar values cannot be negative: {bar.label!r} has {bar.value!r}.")
    url = bar.url or ""
    if urlsplit(url.strip()).scheme.lower() not in ("", "http", "https"):
        raise ValueError(f"Bar links must be http(s) or relative URLs, not {url!r}.")
    return Bar(label=bar.label, value=bar.value, url=url)


def _to_decimal(value: Number) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        raise TypeError(f"Bar values must be numbers, not {value!r}.")
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"Bar values must be finite, not {value!r}.")
    return number


def _round(number: Decimal) -> float:
    """Two decimals are plenty in SVG user units."""
    return float(number.quantize(_CENT, rounding=ROUND_HALF_UP))
