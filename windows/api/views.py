from publishing.api.views import PortfolioViewSet
from windows.models import FundingWindow, Instrument, Theme

from .serializers import InstrumentSerializer, ThemeSerializer, WindowSerializer


class WindowViewSet(PortfolioViewSet):
    """The two funding windows."""

    model = FundingWindow
    queryset = FundingWindow.objects.order_by("order", "pk")
    serializer_class = WindowSerializer
    lookup_field = "slug"
    ordering_fields = []
    csv_filename = "windows"


class InstrumentViewSet(PortfolioViewSet):
    """Instruments, each in one window."""

    model = Instrument
    queryset = Instrument.objects.select_related("window").order_by("window__order", "order", "pk")
    serializer_class = InstrumentSerializer
    lookup_field = "slug"
    csv_filename = "instruments"


class ThemeViewSet(PortfolioViewSet):
    """The four thematic focus areas, with the DAC sector code used in IATI."""

    model = Theme
    queryset = Theme.objects.order_by("order", "pk")
    serializer_class = ThemeSerializer
    lookup_field = "slug"
    csv_filename = "themes"
