"""Server-rendered SVG bar charts: geometry in Python, accessible markup in the template."""

from decimal import Decimal

import lxml.html
import pytest
from django.template.loader import render_to_string
from django.utils import translation

from portal.charts import ELLIPSIS, MAX_LABEL_CHARS, Bar, bar_chart, format_number

LONG_LABEL = "Inclusive and resilient urban governance in secondary cities"
XSS_LABEL = "<script>alert('x')</script> & co"


def make_chart(rows, **kwargs):
    options = {
        "id": "budget-by-theme",
        "title": "Budget by theme",
        "description": "Total budget of the programmes of each theme, in US dollars.",
        "value_label": "Budget (USD)",
    }
    options.update(kwargs)
    return bar_chart(rows=rows, **options)


def render(chart):
    return render_to_string("includes/bar_chart.html", {"chart": chart})


def parse(html):
    return lxml.html.fragment_fromstring(html, create_parent="div")


def texts(elements):
    return [element.text_content() for element in elements]


# --- geometry -----------------------------------------------------------------------------------


def test_largest_bar_takes_the_full_width_and_others_are_proportional():
    chart = make_chart([("Climate", 50), ("Governance", 200), ("Migration", 100)])
    widths = [bar.width for bar in chart.bars]
    full = max(widths)

    assert widths == [full / 4, full, full / 2]
    # The full width leaves room for the value text inside the viewBox.
    governance = chart.bars[1]
    assert governance.x + governance.width < governance.value_x < chart.svg_width


def test_bars_keep_the_order_given_one_row_each():
    chart = make_chart([("b", 1), ("a", 3), ("c", 2)])

    assert [bar.label for bar in chart.bars] == ["b", "a", "c"]
    ys = [bar.y for bar in chart.bars]
    assert ys == sorted(ys)
    assert len(set(ys)) == 3
    assert all(bar.y + bar.height <= chart.svg_height for bar in chart.bars)
    assert all(bar.x == chart.bars[0].x for bar in chart.bars)


def test_zero_values_give_zero_width_bars():
    chart = make_chart([("Something", 10), ("Nothing", 0)])

    assert chart.has_data
    assert chart.bars[1].width == 0
    assert chart.bars[1].value_x > chart.bars[1].x  # the "0" is still printed after the axis


def test_decimal_and_int_values_mix():
    chart = make_chart([("A", Decimal("3800000")), ("B", 1900000), ("C", Decimal("950000.00"))])

    full = chart.bars[0].width
    assert [bar.width for bar in chart.bars] == [full, full / 2, full / 4]
    assert [bar.formatted_value for bar in chart.bars] == ["3,800,000", "1,900,000", "950,000"]


@pytest.mark.parametrize("rows", [[], [("Climate", 0), ("Governance", Decimal("0.00"))]])
def test_no_rows_or_all_zero_means_no_data(rows):
    chart = make_chart(rows)

    assert not chart.has_data
    assert all(bar.width == 0 for bar in chart.bars)

    html = render(chart)
    tree = parse(html)
    assert not tree.xpath("//svg")
    assert not tree.xpath("//table")
    assert "No data" in tree.text_content()
    assert tree.xpath("//figcaption")[0].text_content() == "Budget by theme"


def test_long_labels_are_truncated_with_an_ellipsis():
    chart = make_chart([(LONG_LABEL, 1), ("Short", 2)])
    long_bar, short_bar = chart.bars

    assert long_bar.label == LONG_LABEL
    assert len(long_bar.short_label) == MAX_LABEL_CHARS
    assert long_bar.short_label.endswith(ELLIPSIS)
    assert LONG_LABEL.startswith(long_bar.short_label[:-1])
    assert long_bar.is_truncated
    assert short_bar.short_label == "Short"
    assert not short_bar.is_truncated


def test_rows_can_carry_urls_or_be_bars():
    chart = make_chart([("A", 1, "/programmes/?theme=a"), Bar("B", 2), Bar("C", 3, "/c/")])

    assert [bar.url for bar in chart.bars] == ["/programmes/?theme=a", "", "/c/"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("3800000"), "3,800,000"),
        (Decimal("3800000.00"), "3,800,000"),
        (Decimal("1234.5"), "1,234.50"),
        (12, "12"),
        (1000, "1,000"),
        (0, "0"),
    ],
)
def test_default_format_separates_thousands(value, expected):
    assert format_number(value) == expected


def test_a_custom_value_format_is_used():
    chart = make_chart([("A", 3), ("B", 1)], value_format=lambda value: f"{value} programmes")

    assert [bar.formatted_value for bar in chart.bars] == ["3 programmes", "1 programmes"]


@pytest.mark.parametrize("chart_id", ["", "Budget", "1st", "by theme", "a_b", "-a", "a\n", "é"])
def test_chart_ids_are_validated(chart_id):
    with pytest.raises(ValueError, match="id"):
        make_chart([("A", 1)], id=chart_id)


@pytest.mark.parametrize(
    "rows",
    [
        [("A", -1)],
        [("A",)],
        [("A", 1, "/a/", "extra")],
        [("A", Decimal("NaN"))],
        [("A", 1, "javascript:alert(1)")],
        [("A", 1, " JavaScript:alert(1)")],
    ],
)
def test_bad_rows_are_refused(rows):
    with pytest.raises(ValueError):
        make_chart(rows)


def test_non_numbers_are_refused():
    with pytest.raises(TypeError):
        make_chart([("A", "12")])


# --- rendering ----------------------------------------------------------------------------------


def test_svg_is_an_image_labelled_by_its_title_and_description():
    tree = parse(render(make_chart([("Climate", 5), ("Governance", 10)])))

    (figure,) = tree.xpath("//figure")
    assert figure.xpath("./figcaption")[0].text_content() == "Budget by theme"
    (svg,) = figure.xpath("./svg")
    assert svg.get("role") == "img"
    assert svg.get("width") == "100%"
    assert svg.get("viewbox") == "0 0 560 68"  # HTML parsers lower-case attribute names

    title_id, desc_id = svg.get("aria-labelledby").split()
    assert title_id == "budget-by-theme-title"
    assert desc_id == "budget-by-theme-desc"
    (title,) = svg.xpath(f"./title[@id='{title_id}']")
    (desc,) = svg.xpath(f"./desc[@id='{desc_id}']")
    assert title.text_content() == "Budget by theme"
    assert desc.text_content().startswith("Total budget")

    groups = svg.xpath("./g")
    assert len(groups) == 2
    assert [g.xpath("./rect")[0].get("fill") for g in groups] == ["#005c8a"] * 2
    assert float(groups[1].xpath("./rect")[0].get("width")) == pytest.approx(
        2 * float(groups[0].xpath("./rect")[0].get("width")), abs=0.02
    )
    assert texts(svg.xpath(".//text[contains(@class, 'bar-chart__value')]")) == ["5", "10"]


def test_the_table_has_one_row_per_bar_with_formatted_values():
    chart = make_chart(
        [("Climate", Decimal("3800000")), ("Governance", Decimal("1250000.5")), ("Other", 0)],
        label_heading="Theme",
    )
    tree = parse(render(chart))

    (details,) = tree.xpath("//figure/details")
    # Right after the chart, and closed behind a keyboard-operable summary.
    assert details.getprevious().tag == "svg"
    assert details.xpath("./summary")[0].text_content() == "Show the data as a table"
    (table,) = details.xpath("./table")
    assert table.xpath("./caption")[0].text_content() == "Budget by theme"
    assert texts(table.xpath("./thead/tr/th[@scope='col']")) == ["Theme", "Budget (USD)"]

    rows = table.xpath("./tbody/tr")
    assert len(rows) == len(chart.bars) == 3
    assert [
        (row.xpath("./th[@scope='row']")[0].text_content(), row.xpath("./td")[0].text_content())
        for row in rows
    ] == [("Climate", "3,800,000"), ("Governance", "1,250,000.50"), ("Other", "0")]


def test_table_has_a_generic_label_heading_by_default():
    tree = parse(render(make_chart([("A", 1)])))

    assert texts(tree.xpath("//thead//th")) == ["Item", "Budget (USD)"]


def test_labels_are_escaped():
    chart = make_chart([(XSS_LABEL, 1)], title="<b>Title</b>", description="<i>Desc</i>")
    html = render(chart)

    assert "<script" not in html
    assert "<b>" not in html
    assert "<i>" not in html
    assert "&lt;script&gt;" in html
    tree = parse(html)
    assert not tree.xpath("//script | //b | //i")
    assert tree.xpath("//tbody/tr/th")[0].text_content() == XSS_LABEL
    assert tree.xpath("//svg/title")[0].text_content() == "<b>Title</b>"


def test_long_labels_are_truncated_in_the_svg_but_whole_in_the_table():
    tree = parse(render(make_chart([(LONG_LABEL, 10), ("Short", 5)])))

    svg_labels = texts(tree.xpath("//svg//text[contains(@class, 'bar-chart__label')]"))
    assert svg_labels[1] == "Short"
    assert svg_labels[0] != LONG_LABEL
    assert len(svg_labels[0]) == MAX_LABEL_CHARS
    assert svg_labels[0].endswith(ELLIPSIS)
    assert texts(tree.xpath("//tbody/tr/th")) == [LONG_LABEL, "Short"]
    # The whole label is also the bar's tooltip.
    assert tree.xpath("//svg/g/title")[0].text_content() == f"{LONG_LABEL}: 10"


def test_urls_link_the_table_rows_and_nothing_inside_the_image():
    chart = make_chart([("Climate", 2, "/programmes/?theme=climate&window=1"), ("Other", 1)])
    tree = parse(render(chart))

    (row_link,) = tree.xpath("//tbody//a")
    assert row_link.get("href") == "/programmes/?theme=climate&window=1"
    assert row_link.text_content() == "Climate"
    # role="img" must hold nothing interactive (axe: nested-interactive); the table links.
    assert tree.xpath("//svg//a") == []


def test_the_decimal_budget_is_thousands_separated():
    tree = parse(render(make_chart([("Climate", Decimal("3800000"))])))

    assert tree.xpath("//tbody/tr/td")[0].text_content() == "3,800,000"
    assert texts(tree.xpath("//svg//text[contains(@class, 'bar-chart__value')]")) == ["3,800,000"]


def test_two_charts_on_a_page_have_distinct_ids():
    html = render(make_chart([("A", 1)], id="by-theme")) + render(
        make_chart([("A", 1)], id="by-window")
    )
    ids = parse(html).xpath("//@id")

    assert len(ids) == len(set(ids)) == 4


def test_svg_numbers_are_never_localised(settings):
    settings.USE_THOUSAND_SEPARATOR = True
    rows = [(f"Country {n}", Decimal(n) + Decimal("0.5")) for n in range(40)]
    chart = make_chart(rows)
    assert chart.svg_height > 1000

    with translation.override("de"):
        tree = parse(render(chart))

    svg = tree.xpath("//svg")[0]
    assert svg.get("viewbox") == f"0 0 560 {chart.svg_height}"
    for attribute in ("x", "y", "width", "height"):
        for value in tree.xpath(f"//svg//rect/@{attribute} | //svg//text/@{attribute}"):
            float(value)  # "1.132" or "12,5" would be wrong or fail
    assert tree.xpath("//svg//rect/@y")[-1] == str(chart.bars[-1].y)


def test_long_values_widen_the_drawing_instead_of_overflowing_it():
    chart = make_chart([("A", 2), ("B", 1)], value_format=lambda value: f"{value} " + "x" * 80)

    longest = chart.bars[0]
    assert longest.width >= 160
    assert longest.value_x + len(longest.formatted_value) * 7 < chart.svg_width
