"""Sectors, policy markers and contacts in the forms of their activity, as inlines of the
programme and the JWP. They change with their activity, so a change to a published one becomes
part of its revision (publishing.admin.PublishableAdmin).

The activity admins are declared here as subclasses with these inlines (programmes/ and jwp/
cannot name this app); finances/admin.py adds the money inlines to them and registers them.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jwp import admin as jwp_admin
from programmes import admin as programme_admin
from programmes.iati_codes import SectorVocabulary
from programmes.models import DAC_5_DIGIT
from publishing.admin import SharesFormSet, SharesInline

from .models import Contact, PolicyMarker, Sector


class SectorFormSet(SharesFormSet):
    share_group = "vocabulary"

    @staticmethod
    def share_label(group) -> str:
        name = dict(SectorVocabulary.choices).get(group, group)
        return str(_("Sectors of the vocabulary %(name)s") % {"name": name})


class SectorInline(SharesInline):
    """The sectors; with none in DAC 5-digit codes, the DAC codes of the activity's themes are
    what it reports, and proposing an even split offers them as rows to confirm."""

    model = Sector
    formset = SectorFormSet
    fields = ["vocabulary", "code", "name", "percentage"]

    def proposed_rows(self, obj) -> list[dict]:
        if obj.sectors.filter(vocabulary=DAC_5_DIGIT).exists():
            return []
        codes = sorted({theme.dac_sector_code for theme in obj.themes.all()} - {""})
        return [{"vocabulary": DAC_5_DIGIT, "code": code} for code in codes]


class PolicyMarkerInline(admin.TabularInline):
    model = PolicyMarker
    fields = ["vocabulary", "code", "significance", "name"]
    extra = 0


class ContactInline(admin.StackedInline):
    model = Contact
    fields = [
        ("type", "organisation", "department"),
        ("person_name", "job_title"),
        ("telephone", "email", "website"),
        "mailing_address",
    ]
    extra = 0
    classes = ["collapse"]


CLASSIFICATION_INLINES = [SectorInline, PolicyMarkerInline, ContactInline]


class ProgrammeAdmin(programme_admin.ProgrammeAdmin):
    inlines = [*programme_admin.ProgrammeAdmin.inlines, *CLASSIFICATION_INLINES]


class JointWorkProgrammeAdmin(jwp_admin.JointWorkProgrammeAdmin):
    inlines = [*jwp_admin.JointWorkProgrammeAdmin.inlines, *CLASSIFICATION_INLINES]
