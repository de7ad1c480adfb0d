"""Figures and charts of the home page and the how-we-work page (published content only).

They change only when published content does, so each is computed once per publication
version (``public_aggregate``), with one aggregate query per figure or chart.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, Sum
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from finances.selectors import Spending, spending
from jwp.models import JointWorkProgramme, Output
from programmes.filters import START
from programmes.models import City, Programme
from publishing.cache import public_aggregate
from publishing.models import published_condition
from windows.models import FundingWindow, Instrument, Theme

from .charts import Chart, bar_chart

ACTIVE = ("2", "3")  # IATI implementation and finalisation
PUBLISHED = published_condition("programme__")  # on a programme's link table


def _links(field):
    """The link table of a programme relation, restricted to published programmes."""
    return getattr(Programme, field).through.objects.filter(PUBLISHED)


def headline_figures() -> dict:
    return public_aggregate("headline-figures", _headline_figures)


def _headline_figures() -> dict:
    programmes = Programme.objects.published()
    totals = programmes.aggregate(
        active=Count("pk", filter=Q(activity_status__in=ACTIVE)), total=Count("pk")
    )
    budgets = list(
        programmes.exclude(budget=None)
        .values("currency")
        .annotate(total=Sum("budget"))
        .order_by("-total")
    )
    city_ids = _links("cities").values("city").distinct()
    return {
        "programmes": totals["total"],
        "active_programmes": totals["active"],
        "countries": _links("countries").values("country").distinct().count(),
        "cities": City.objects.filter(pk__in=city_ids).count(),
        "budgets": budgets,
        "outputs": Output.objects.public().count(),
    }


def _list_url(**params) -> str:
    return reverse("programme-list") + "?" + urlencode(params)


def portfolio_charts() -> list:
    return public_aggregate("portfolio-charts", _portfolio_charts)


def _portfolio_charts() -> list:
    """Programmes and budget (USD only: we never add up different currencies) by theme, by
    window and by start year, and programmes by country. One aggregate query each."""
    usd = Q(programme__currency="USD")
    by_theme = {
        row["theme"]: row
        for row in _links("themes")
        .values("theme")
        .annotate(n=Count("pk"), budget=Sum("programme__budget", filter=usd))
        .order_by()
    }
    themes = list(Theme.objects.order_by("order", "name"))
    by_window = {
        row["instrument__window"]: row
        for row in Programme.objects.published()
        .values("instrument__window")
        .annotate(n=Count("pk"), budget=Sum("budget", filter=Q(currency="USD")))
        .order_by()
    }
    windows = list(FundingWindow.objects.order_by("order"))
    by_year = list(
        Programme.objects.published()
        .annotate(start_year=ExtractYear(START))
        .exclude(start_year=None)
        .values("start_year")
        .annotate(n=Count("pk"))
        .order_by("start_year")
    )
    by_country = list(
        _links("countries")
        .values("country__iso2", "country__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "country__name")[:15]
    )
    empty = {"n": 0, "budget": None}
    return [
        bar_chart(
            id="programmes-by-theme",
            title=_("Programmes by theme"),
            description=_("Number of published programmes in each thematic focus area."),
            rows=[
                (t.name, by_theme.get(t.pk, empty)["n"], _list_url(theme=t.slug)) for t in themes
            ],
            value_label=_("Programmes"),
        ),
        bar_chart(
            id="budget-by-theme",
            title=_("Budget by theme (US$)"),
            description=_(
                "Sum of the budgets given in US dollars of the programmes in each "
                "theme; a programme with several themes counts in each."
            ),
            rows=[
                (t.name, by_theme.get(t.pk, empty)["budget"] or 0, _list_url(theme=t.slug))
                for t in themes
            ],
            value_label=_("US$"),
        ),
        bar_chart(
            id="programmes-by-window",
            title=_("Programmes by funding window"),
            description=_("Number of published programmes in each funding window."),
            rows=[
                (w.name, by_window.get(w.pk, empty)["n"], _list_url(window=w.code)) for w in windows
            ],
            value_label=_("Programmes"),
        ),
        bar_chart(
            id="budget-by-window",
            title=_("Budget by funding window (US$)"),
            description=_("Sum of the budgets given in US dollars, by funding window."),
            rows=[
                (w.name, by_window.get(w.pk, empty)["budget"] or 0, _list_url(window=w.code))
                for w in windows
            ],
            value_label=_("US$"),
        ),
        bar_chart(
            id="programmes-by-year",
            title=_("Programmes by start year"),
            description=_("Number of published programmes starting in each year."),
            rows=[(str(r["start_year"]), r["n"], _list_url(year=r["start_year"])) for r in by_year],
            value_label=_("Programmes"),
        ),
        bar_chart(
            id="programmes-by-country",
            title=_("Programmes by country"),
            description=_("The countries with the most published programmes."),
            rows=[
                (r["country__name"], r["n"], _list_url(country=r["country__iso2"]))
                for r in by_country
            ],
            value_label=_("Programmes"),
        ),
    ]


def windows_with_instruments() -> list[FundingWindow]:
    return public_aggregate("windows-with-instruments", _windows_with_instruments)


def _windows_with_instruments() -> list[FundingWindow]:
    counts = dict(
        Programme.objects.published()
        .values_list("instrument__window")
        .annotate(n=Count("pk"))
        .order_by()
    )
    windows = list(
        FundingWindow.objects.prefetch_related(
            Prefetch("instruments", queryset=Instrument.objects.order_by("order", "name"))
        ).order_by("order", "name")
    )
    for window in windows:
        window.programme_count = counts.get(window.pk, 0)
    return windows


def featured_jwps():
    return (
        JointWorkProgramme.objects.published().filter(activity_status__in=ACTIVE).order_by("title")
    )


def themes():
    return Theme.objects.order_by("order", "name")


def money_charts(money) -> list:
    """An activity's budget against disbursements and expenditure, year by year: one chart
    per currency (amounts in different currencies are never drawn on one scale). A year's
    negative sum (corrections larger than the spending) has no bar; the table shows it."""
    charts = []
    for total in money.totals:
        rows = []
        for row in money.years:
            if row.currency != total.currency:
                continue
            for label, value in (
                (_("%(year)s budget"), row.budget),
                (_("%(year)s disbursed"), row.disbursed),
                (_("%(year)s spent"), row.spent),
            ):
                if value is not None and value >= 0:
                    rows.append((label % {"year": row.year}, value))
        if rows:
            charts.append(
                bar_chart(
                    id=f"money-{total.currency.lower()}",
                    title=_("Budget and spending by year, in %(currency)s")
                    % {"currency": total.currency},
                    description=_(
                        "For each year: the budget, then what was disbursed and spent, in "
                        "%(currency)s."
                    )
                    % {"currency": total.currency},
                    rows=rows,
                    value_label=total.currency,
                    label_heading=_("Year and measure"),
                )
            )
    return charts


# -- spending: the home, theme and country pages --------------------------------------------

COUNTRIES_SHOWN = 12  # countries in a chart of spending by country, the largest first


@dataclass
class SpendingTable:
    """One breakdown in one currency: its chart and the rows of its data table (negative
    sums included, which have no bar)."""

    currency: str
    chart: Chart
    rows: list[tuple[Spending, str]]  # with the link of its theme or country, if any
    more: int = 0  # rows left out (the smaller countries)


@dataclass
class SpendingSection:
    name: str  # year, theme, country
    title: str
    heading: str  # of the table's first column
    tables: list[SpendingTable] = field(default_factory=list)


def portfolio_spending() -> list[SpendingSection]:
    """The home page's: by year, by theme and by country (kept per publication version)."""
    return public_aggregate("spending", lambda: _spending_sections(("year", "theme", "country")))


def theme_spending(theme: Theme) -> list[SpendingSection]:
    return public_aggregate(
        f"spending-theme-{theme.pk}",
        lambda: _spending_sections(("year", "country"), theme=theme),
    )


def country_spending(country) -> list[SpendingSection]:
    return public_aggregate(
        f"spending-country-{country.pk}",
        lambda: _spending_sections(("year", "theme"), country=country),
    )


SPENDING_TITLES = {
    "year": (gettext_lazy("By year"), gettext_lazy("Year")),
    "theme": (gettext_lazy("By theme"), gettext_lazy("Theme")),
    "country": (gettext_lazy("By country"), gettext_lazy("Country")),
}
MEASURES = (
    ("committed", gettext_lazy("%(label)s committed")),
    ("disbursed", gettext_lazy("%(label)s disbursed")),
    ("spent", gettext_lazy("%(label)s spent")),
)


def _spending_sections(breakdowns, **scope) -> list[SpendingSection]:
    """Commitments, disbursements and expenditure of public programmes and JWPs (``scope``:
    of one theme or country), one chart and table per breakdown and currency: amounts in
    different currencies never share a scale. Empty when nothing is recorded."""
    sections = []
    order = {}
    if "theme" in breakdowns:
        order = {theme.slug: n for n, theme in enumerate(themes())}
    for name in breakdowns:
        title, heading = (str(text) for text in SPENDING_TITLES[name])
        section = SpendingSection(name=name, title=title, heading=heading)
        by_currency: dict[str, list[Spending]] = {}
        for row in spending(by=name, **scope):
            by_currency.setdefault(row.currency, []).append(row)
        for currency, rows in sorted(by_currency.items()):
            more = 0
            if name == "theme":
                rows.sort(key=lambda row: order.get(row.key, len(order)))
            elif name == "country":
                rows.sort(key=lambda row: (-_paid_out(row), row.label))
                more = max(len(rows) - COUNTRIES_SHOWN, 0)
                rows = rows[:COUNTRIES_SHOWN]
            section.tables.append(
                SpendingTable(
                    currency=currency,
                    chart=_spending_chart(name, currency, rows, title=title),
                    rows=[(row, _spending_url(name, row)) for row in rows],
                    more=more,
                )
            )
        if section.tables:
            sections.append(section)
    return sections


def _paid_out(row: Spending):
    """Disbursed and spent, for ordering countries (one currency: never across)."""
    return (row.disbursed or 0) + (row.spent or 0)


def _spending_url(name: str, row: Spending) -> str:
    if name == "theme":
        return reverse("theme-detail", kwargs={"slug": row.key})
    if name == "country":
        return reverse("country-detail", kwargs={"iso2": row.key})
    return ""


def _spending_chart(name: str, currency: str, rows: list[Spending], *, title: str) -> Chart:
    bars = [
        (label % {"label": row.label}, value, _spending_url(name, row))
        for row in rows
        for measure, label in MEASURES
        if (value := getattr(row, measure)) is not None and value >= 0
    ]
    return bar_chart(
        id=f"spending-{name}-{currency.lower()}",
        title=_("Committed, disbursed and spent %(by)s, in %(currency)s")
        % {"by": title.lower(), "currency": currency},
        description=_(
            "For each %(item)s: what was committed, disbursed and spent, in %(currency)s."
        )
        % {"item": str(SPENDING_TITLES[name][1]).lower(), "currency": currency},
        rows=bars,
        value_label=currency,
        label_heading=_("%(item)s and measure") % {"item": SPENDING_TITLES[name][1]},
    )
