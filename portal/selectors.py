"""Figures and charts of the home page and the how-we-work page (published content only)."""

from django.db.models import Count, Prefetch, Q, Sum
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from jwp.models import JointWorkProgramme, Lesson
from jwp.selectors import output_list
from programmes.models import City, Country, Programme
from programmes.selectors import published_programmes
from windows.models import FundingWindow, Instrument, Theme

from .charts import bar_chart

ACTIVE = ("2", "3")  # IATI implementation and finalisation


def headline_figures() -> dict:
    programmes = Programme.objects.published()
    totals = programmes.aggregate(
        active=Count("pk", filter=Q(activity_status__in=ACTIVE)),
        total=Count("pk"),
    )
    budgets = list(
        programmes.exclude(budget=None)
        .values("currency")
        .annotate(total=Sum("budget"))
        .order_by("-total")
    )
    return {
        "programmes": totals["total"],
        "active_programmes": totals["active"],
        "countries": Country.objects.filter(programmes__in=programmes).distinct().count(),
        "cities": City.objects.filter(programmes__in=programmes).distinct().count(),
        "budgets": budgets,
        "outputs": output_list(filters={}).count(),
    }


def _list_url(**params) -> str:
    return reverse("programme-list") + "?" + urlencode(params)


def portfolio_charts() -> list:
    """Programmes and budget (USD only: we never add up different currencies) by theme, by
    window and by start year, and programmes by country. One aggregate query each."""
    published = Programme.objects.published()
    usd = Q(currency="USD")
    by_theme = list(
        Theme.objects.annotate(
            n=Count("programmes", filter=Q(programmes__in=published), distinct=True),
            budget=Sum("programmes__budget", filter=Q(programmes__in=published.filter(usd))),
        ).order_by("order", "name")
    )
    by_window = list(
        FundingWindow.objects.annotate(
            n=Count(
                "instruments__programmes",
                filter=Q(instruments__programmes__in=published),
                distinct=True,
            ),
            budget=Sum(
                "instruments__programmes__budget",
                filter=Q(instruments__programmes__in=published.filter(usd)),
            ),
        ).order_by("order")
    )
    by_year = list(
        published_programmes()
        .exclude(start_year=None)
        .values("start_year")
        .annotate(n=Count("pk"))
        .order_by("start_year")
    )
    by_country = list(
        Country.objects.annotate(
            n=Count("programmes", filter=Q(programmes__in=published), distinct=True)
        )
        .filter(n__gt=0)
        .order_by("-n", "name")[:15]
    )
    return [
        bar_chart(
            id="programmes-by-theme",
            title=_("Programmes by theme"),
            description=_("Number of published programmes in each thematic focus area."),
            rows=[(t.name, t.n, _list_url(theme=t.slug)) for t in by_theme],
            value_label=_("Programmes"),
        ),
        bar_chart(
            id="budget-by-theme",
            title=_("Budget by theme (US$)"),
            description=_(
                "Sum of the budgets given in US dollars of the programmes in each "
                "theme; a programme with several themes counts in each."
            ),
            rows=[(t.name, t.budget or 0, _list_url(theme=t.slug)) for t in by_theme],
            value_label=_("US$"),
        ),
        bar_chart(
            id="programmes-by-window",
            title=_("Programmes by funding window"),
            description=_("Number of published programmes in each funding window."),
            rows=[(w.name, w.n, _list_url(window=w.slug)) for w in by_window],
            value_label=_("Programmes"),
        ),
        bar_chart(
            id="budget-by-window",
            title=_("Budget by funding window (US$)"),
            description=_("Sum of the budgets given in US dollars, by funding window."),
            rows=[(w.name, w.budget or 0, _list_url(window=w.slug)) for w in by_window],
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
            rows=[(c.name, c.n, _list_url(country=c.iso2)) for c in by_country],
            value_label=_("Programmes"),
        ),
    ]


def windows_with_instruments():
    published = Programme.objects.published()
    return (
        FundingWindow.objects.prefetch_related(
            Prefetch("instruments", queryset=Instrument.objects.order_by("order", "name"))
        )
        .annotate(
            programme_count=Count(
                "instruments__programmes", filter=Q(instruments__programmes__in=published)
            )
        )
        .order_by("order", "name")
    )


def funnel_lessons():
    return (
        Lesson.objects.published()
        .filter(
            programme__in=Programme.objects.published(),
            jwp__in=JointWorkProgramme.objects.published(),
        )
        .select_related("programme", "jwp")
        .order_by("jwp__title", "title")
    )


def featured_jwps():
    return (
        JointWorkProgramme.objects.published().filter(activity_status__in=ACTIVE).order_by("title")
    )


def themes():
    return Theme.objects.order_by("order", "name")


def latest_outputs(limit=6):
    return output_list(filters={}).select_related(None).select_related("jwp", "programme")[:limit]
