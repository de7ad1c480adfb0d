from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from publishing.admin import HistoryAdmin

from .models import FundingWindow, Instrument, Theme


class InstrumentInline(admin.TabularInline):
    model = Instrument
    fields = ["name", "slug", "kind", "order"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0


@admin.register(FundingWindow)
class FundingWindowAdmin(HistoryAdmin):
    list_display = ["name", "code", "instrument_count", "order", "updated_at"]
    list_filter = ["code"]
    search_fields = ["name", "summary"]
    date_hierarchy = "updated_at"
    prepopulated_fields = {"slug": ["name"]}
    inlines = [InstrumentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_instrument_count=Count("instruments"))

    @admin.display(description=_("instruments"), ordering="_instrument_count")
    def instrument_count(self, obj):
        return obj._instrument_count


@admin.register(Instrument)
class InstrumentAdmin(HistoryAdmin):
    list_display = ["name", "window", "kind", "order", "updated_at"]
    list_filter = ["window", "kind"]
    list_select_related = ["window"]
    search_fields = ["name", "summary"]
    date_hierarchy = "updated_at"
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Theme)
class ThemeAdmin(HistoryAdmin):
    list_display = ["name", "dac_sector_code", "order", "updated_at"]
    search_fields = ["name", "summary", "dac_sector_code"]
    list_filter = ["dac_sector_code"]
    date_hierarchy = "updated_at"
    prepopulated_fields = {"slug": ["name"]}
